#!/usr/bin/env bash
# Completion throughput of the reference server into its two stores, in one run: the JSON Lines
# log of the data directory (forced to disk before each 204, group commit) and PostgreSQL (one
# committed transaction per report, synchronous_commit on). 32 clients (CLIENTS) report REPORTS
# distinct reports (two outcomes each, the demo catalog's two updates) as fast as they are
# acknowledged; the request ids are obtained first and not timed. ROUNDS rounds alternate the two
# stores. PostgreSQL is Debian's (package postgresql), started as user postgres in a temporary
# directory on a loopback port with its default settings, and removed at the end.
#
#   benchmarks/scripts/completion-load.sh          # from the repository root
#   REPORTS=5000 ROUNDS=1 QUIET_WAIT=0 benchmarks/scripts/completion-load.sh   # a quick check
#
# Writes benchmarks/results/completion-load-<stamp>.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/scripts/common.sh

CLIENTS=${CLIENTS:-32}
REPORTS=${REPORTS:-10000}
ROUNDS=${ROUNDS:-3}

build_if_needed
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
if [[ -z $pg_bin ]]; then
  echo "bench: PostgreSQL's server binaries are missing (Debian package postgresql)" >&2
  exit 2
fi
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

mkdir -p benchmarks/results
out=benchmarks/results/completion-load-$stamp.txt
work=$(mktemp -d /tmp/appupdate-completion-load.XXXXXX)
chmod 711 "$work"
server_pid=
pg_started=
cleanup() {
  set +e
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n $pg_started ]] && as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

pg_port=$(free_port)
mkdir -p "$work/pg" "$work/sock"
[[ $EUID -eq 0 ]] && chown postgres: "$work/pg" "$work/sock"
as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 60 \
  -o "-p $pg_port -k $work/sock -c listen_addresses=127.0.0.1" start >/dev/null
pg_started=1
as_pg "$pg_bin/psql" -h "$work/sock" -p "$pg_port" -U postgres -X -q -c "CREATE DATABASE appupdate"

# Starts the server with the given store options; sets port and server_pid.
start_server() {
  port=$(free_port)
  rm -rf "$work/data"
  # The completion limit stays on (its cost is measured); the load generator is exempt.
  "$java" -jar "$server_jar" --port "$port" --data "$work/data" \
    --rate-limit-exempt 127.0.0.1/32 "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    grep -q "listening on" "$work/server.log" && return
    sleep 0.1
  done
  cat "$work/server.log" >&2
  exit 1
}
stop_server() {
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=
}
measure() { # label, store options...
  local label=$1
  shift
  start_server "$@"
  echo "## $label"
  timeout 600 "$java" -cp "$jar" dev.appupdate.bench.CompletionLoad "http://127.0.0.1:$port/" \
    "$CLIENTS" "reports:$REPORTS"
  stop_server
}

{
  describe_run "$0" "CLIENTS=$CLIENTS REPORTS=$REPORTS ROUNDS=$ROUNDS"
  echo "# postgresql: $("$pg_bin/postgres" --version), default settings (fsync on, synchronous_commit on)"
  echo "# disk: $(df -h --output=source,fstype "$work" | tail -n1)"
  wait_for_quiet
  for round in $(seq 1 "$ROUNDS"); do
    echo "# round $round"
    measure jsonl
    measure postgresql --database "jdbc:postgresql://127.0.0.1:$pg_port/appupdate?user=postgres"
    as_pg "$pg_bin/psql" -h "$work/sock" -p "$pg_port" -U postgres -X -q -d appupdate \
      -c "TRUNCATE completions"
  done
  echo "# load after: $(uptime)"
} | tee "$out"
echo "bench: wrote $out" >&2
