#!/usr/bin/env bash
# Three appupdate-server replicas behind nginx, sharing one request-id key, one PostgreSQL database
# and one catalog, each with its own data directory; a bounded load of update checks and
# completion reports goes through nginx while one replica is killed with SIGKILL. Then every
# acknowledged completion is looked up in PostgreSQL.
#
#   docs/deploy/cluster-demo.sh            # from the repository root, as root or as a user who
#                                          # can run PostgreSQL's and nginx's binaries
#
# Settings (environment): DURATION (seconds of load, default 30), CLIENTS (concurrent clients,
# default 16), KILL_AFTER (seconds into the load when replica 2 is killed, default 10).
#
# Needs Java 17+, Maven (to build the jars when missing), PostgreSQL's server binaries (Debian
# package postgresql) and nginx (Debian package nginx); as root it installs the two packages with
# apt-get when missing. Everything runs on loopback in a temporary directory, which is removed at
# the end, with whatever was started. Exit status: 0 when every acknowledged completion is in the
# database exactly once and no client saw an error after its retries, else 1.
set -euo pipefail

DURATION=${DURATION:-30}
CLIENTS=${CLIENTS:-16}
KILL_AFTER=${KILL_AFTER:-10}

cd "$(dirname "$0")/../.."
server_jar=server-reference/target/appupdate-server.jar
bench_jar=benchmarks/target/benchmarks.jar

say() { echo "cluster-demo: $*" >&2; }

# --- prerequisites --------------------------------------------------------------------------
as_root() { [[ $EUID -eq 0 ]]; }
install_if_missing() { # command package
  if ! command -v "$1" >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/"$1" >/dev/null 2>&1 \
      && ! ls /usr/sbin/"$1" >/dev/null 2>&1; then
    if as_root; then
      say "installing $2"
      timeout 600 apt-get install -y -q "$2" >/dev/null
    else
      say "$1 is missing: install the Debian package $2"
      exit 2
    fi
  fi
}
install_if_missing initdb postgresql
install_if_missing nginx nginx
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[[ -n $pg_bin ]] || pg_bin=$(dirname "$(command -v initdb)")
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

if [[ ! -f $server_jar || ! -f $bench_jar ]]; then
  say "building $server_jar and $bench_jar"
  timeout 15m mvn -B -q package -DskipTests -pl server-reference,benchmarks -am
fi

# --- a private place, cleaned up whatever happens ---------------------------------------------
work=$(mktemp -d /tmp/appupdate-cluster.XXXXXX)
chmod 711 "$work"
pids=()
pg_started=
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  [[ -n $pg_started ]] && as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root: as root it runs as the user postgres.
as_pg() {
  if as_root; then runuser -u postgres -- "$@"; else "$@"; fi
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_listening() { # log-file
  for _ in $(seq 1 300); do
    grep -q "listening on" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  say "no 'listening' line in $1:"; cat "$1" >&2; return 1
}

# --- PostgreSQL: password authentication on loopback, as a production database would have -----
pg_port=$(free_port)
mkdir -p "$work/pg" "$work/sock"
as_root && chown postgres: "$work/pg" "$work/sock"
as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 60 \
  -o "-p $pg_port -k $work/sock -c listen_addresses=127.0.0.1" start >/dev/null
pg_started=1
psql_admin() { as_pg "$pg_bin/psql" -h "$work/sock" -p "$pg_port" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
db_password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
psql_admin -c "CREATE ROLE appupdate LOGIN PASSWORD '$db_password'" \
  -c "CREATE DATABASE appupdate OWNER appupdate"
(umask 077; printf '%s\n' "$db_password" >"$work/db.password")
say "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

# --- three replicas: shared key, database and catalog; each its own data directory -----------
lb_port=$(free_port)
unzip -p "$server_jar" dev/appupdate/server/demo/catalog.json >"$work/catalog.json"
ports=()
start_replica() { # index
  local i=$1 port
  port=$(free_port)
  ports[$i]=$port
  java -jar "$server_jar" --port "$port" --data "$work/data-$i" --key "$work/request-id.key" \
    --catalog "$work/catalog.json" --public-url "http://127.0.0.1:$lb_port/" \
    --database "jdbc:postgresql://127.0.0.1:$pg_port/appupdate" --database-user appupdate \
    --database-password-file "$work/db.password" \
    --trusted-proxy 127.0.0.1/32 --rate-limit-exempt 127.0.0.1/32 \
    >"$work/replica-$i.log" 2>&1 &
  pids[$i]=$!
}
# nginx is a trusted proxy: the per-address limits count the address it forwards, and the load
# generator's (loopback) is exempt, as a load test's would be; without that every report would
# count against nginx's one address and be refused (429) after the first few hundred.
# The first replica creates the shared key (and the schema); the others then start together.
start_replica 1
wait_listening "$work/replica-1.log"
start_replica 2
start_replica 3
wait_listening "$work/replica-2.log"
wait_listening "$work/replica-3.log"
say "replicas on ports ${ports[1]}, ${ports[2]}, ${ports[3]} (pids ${pids[1]}, ${pids[2]}, ${pids[3]})"

# --- nginx in front ---------------------------------------------------------------------------
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  upstream appupdate {
    # Passive health checks: a replica that refuses connections or times out is left alone for
    # fail_timeout. (Open-source nginx has no active checks; see docs/DEPLOYMENT.md for /healthz.)
    server 127.0.0.1:${ports[1]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${ports[2]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${ports[3]} max_fails=1 fail_timeout=5s;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$lb_port;
    location / {
      proxy_pass http://appupdate;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host:\$server_port;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_connect_timeout 1s;
      proxy_read_timeout 15s;
      # Both routes may be sent again: checks are stateless, and a repeated completion report
      # is recorded once (unique key in the database). A draining replica answers 503.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 3;
    }
  }
}
EOF
"$nginx_bin" -c "$work/nginx.conf" -p "$work" -e "$work/nginx-error.log"
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$lb_port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
say "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') on 127.0.0.1:$lb_port: $(curl -fsS "http://127.0.0.1:$lb_port/healthz")"

# --- load through nginx; replica 2 killed part way -----------------------------------------
say "load: $CLIENTS clients for ${DURATION}s through nginx; SIGKILL to replica 2 after ${KILL_AFTER}s"
timeout $((DURATION + 120)) java -cp "$bench_jar" dev.appupdate.bench.CompletionLoad \
  "http://127.0.0.1:$lb_port/" "$CLIENTS" "$DURATION" "$work/acked.tsv" >"$work/load.out" &
load_pid=$!
sleep "$KILL_AFTER"
kill -KILL "${pids[2]}"
say "killed replica 2 (pid ${pids[2]}) with SIGKILL"
load_status=0
wait "$load_pid" 2>/dev/null || load_status=$?  # quiet: the shell would report the killed replica
wait "${pids[2]}" 2>/dev/null || true
if [[ $load_status -ne 0 ]]; then
  say "the load generator failed (status $load_status):"
  cat "$work/load.out" >&2
  exit 1
fi
for i in 1 2 3; do
  printf 'cluster-demo: replica %s /healthz: %s\n' "$i" \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${ports[$i]}/healthz" || true)" >&2
done

# --- every acknowledged completion, exactly once, in PostgreSQL --------------------------------
figure() { sed -n "s/^$1=//p" "$work/load.out"; }
# The primary key makes two rows of one (request_id, update_type) impossible, so exactly once is
# checked from the clients' side: no outcome acknowledged twice (acked_distinct = acked_rows),
# none acknowledged but missing, and no row beyond those acknowledged (in_db = acked_rows).
read -r in_db acked_rows acked_distinct found lost bytes_per_row < <(
  psql_admin -d appupdate -At -F ' ' \
    -c "CREATE TEMP TABLE acked (request_id text, update_type text)" \
    -c "\\copy acked FROM pstdin" \
    -c "SELECT (SELECT count(*) FROM completions),
               (SELECT count(*) FROM acked),
               (SELECT count(DISTINCT (request_id, update_type)) FROM acked),
               (SELECT count(*) FROM acked a JOIN completions c USING (request_id, update_type)),
               (SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM completions c
                  WHERE c.request_id = a.request_id AND c.update_type = a.update_type)),
               (SELECT pg_total_relation_size('completions') / greatest(count(*), 1)
                  FROM completions)" <"$work/acked.tsv")

echo "checks answered:                    $(figure checks)"
echo "completions acknowledged (204):     $(figure acknowledged) reports, $acked_rows outcomes"
echo "completions found in PostgreSQL:    $in_db rows; acknowledged found: $found"
echo "acknowledged but missing:           $lost"
echo "acknowledged more than once:        $((acked_rows - acked_distinct))"
echo "rows not acknowledged:              $((in_db - found))"
echo "passed to another replica by nginx: $(grep -c 'upstream' "$work/nginx-error.log" || true) (failed connections and answers cut off by the kill, from nginx's error log)"
echo "client retries:                     $(figure retries)"
echo "errors after retries:               $(figure errors)"
echo "reports per second:                 $(figure reports_per_second) over $(figure seconds)s"
echo "database size:                      $bytes_per_row bytes per completion row, indexes included"

errors=$(figure errors)
if [[ $acked_rows -gt 0 && $found -eq $acked_rows && $in_db -eq $acked_rows && $lost -eq 0 \
    && $acked_distinct -eq $acked_rows && ${errors:-1} -eq 0 ]]; then
  echo "OK: every acknowledged completion is in PostgreSQL exactly once, with one of three replicas killed"
  exit 0
fi
echo "FAILED: see the figures above"
exit 1
