#!/usr/bin/env bash
# Tests docs/deploy/nginx.conf: starts the reference server and nginx in front of it on loopback
# and checks that requests pass, that the server sees each client's own address (X-Forwarded-For
# with --trusted-proxy), and that nginx's limits act. Installs Debian's nginx when it is missing
# (as root). Not part of `mvn verify`; run it after `mvn -B verify` (or package) from anywhere:
#
#   docs/deploy/nginx-test.sh [path/to/appupdate-server.jar]
#
# Uses ports 18000 (server) and 18080 (nginx) and the loopback addresses 127.0.0.2-127.0.0.6 as
# clients. Exit status 0 when every check passed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=${1:-$root/server-reference/target/appupdate-server.jar}
server_port=18000
proxy_port=18080
base=http://127.0.0.1:$proxy_port

[ -f "$jar" ] || { echo "no server jar at $jar: run mvn -B package first" >&2; exit 2; }
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
chmod 755 "$work" # nginx workers run as another user when started by root
server_pid=
cleanup() {
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "PASS $1"; else echo "FAIL $1: expected $2, got $3"; failures=$((failures + 1)); fi
}

mkdir -p "$work/files" "$work/nginx"
# Large enough that a slow download outlasts the socket buffers; sparse, so nothing is written.
truncate -s 200M "$work/files/big.bin"

# A small completion limit, so that the test reaches it quickly.
java -jar "$jar" --port $server_port --data "$work/data" --files "$work/files" \
  --public-url "$base/" --trusted-proxy 127.0.0.1 --completion-limit 60/m:3 \
  > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
grep -q "listening" "$work/server.out" || { cat "$work/server.err"; exit 1; }

sed -e "s|@PREFIX@|$work/nginx|g" -e "s|@UPSTREAM@|127.0.0.1:$server_port|" \
  -e "s|@LISTEN@|127.0.0.1:$proxy_port|" -e "s|@PROXY_BIND@|127.0.0.1|" \
  -e "s|@CHECK_RATE@|60r/m|" -e "s|@CHECK_BURST@|5|" -e "s|@CONN_LIMIT@|4|" \
  "$here/nginx.conf" > "$work/nginx/nginx.conf"
"$nginx" -t -q -c "$work/nginx/nginx.conf" -p "$work/nginx"
"$nginx" -c "$work/nginx/nginx.conf" -p "$work/nginx"
for _ in $(seq 50); do curl -s -o /dev/null "$base/healthz" && break; sleep 0.1; done

status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
seed='{"product":"your_app","version":666,"platform":"macOS","locale":"en-US"}'

check "healthz through the proxy" 200 "$(status "$base/healthz")"
check "update check through the proxy" 200 \
  "$(status --interface 127.0.0.2 -H 'Content-Type: application/json' -d "$seed" "$base/v1/update")"
check "a file range through the proxy" 206 "$(status -r 0-99 "$base/files/big.bin")"
check "anything else is not proxied" 404 "$(status "$base/admin/v1/status")"

# The server's per-address completion limit (burst 3) counts the address nginx forwards:
# 127.0.0.3 runs out, with Retry-After; a spoofed X-Forwarded-For does not help it;
# 127.0.0.4 still has its own bucket.
for _ in 1 2 3; do
  status --interface 127.0.0.3 -H 'Content-Type: application/json' -d '{}' "$base/v1/completion" >/dev/null
done
check "server limit per forwarded address" 429 \
  "$(status --interface 127.0.0.3 -H 'Content-Type: application/json' -d '{}' "$base/v1/completion")"
check "spoofed X-Forwarded-For is replaced" 429 \
  "$(status --interface 127.0.0.3 -H 'X-Forwarded-For: 198.51.100.7' -H 'Content-Type: application/json' -d '{}' "$base/v1/completion")"
retry_after=$(curl -s -D - -o /dev/null --interface 127.0.0.3 -H 'Content-Type: application/json' -d '{}' "$base/v1/completion" | tr -d '\r' | awk -F': ' 'tolower($1)=="retry-after"{print $2}')
check "429 carries Retry-After" yes "$([ -n "$retry_after" ] && echo yes || echo no)"
check "another address has its own bucket" 400 \
  "$(status --interface 127.0.0.4 -H 'Content-Type: application/json' -d '{}' "$base/v1/completion")"

# nginx's limit_req on checks: 1 a second with a burst of 5, then 429.
codes=$(for _ in $(seq 10); do status --interface 127.0.0.5 -H 'Content-Type: application/json' -d "$seed" "$base/v1/update"; echo; done | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check "limit_req refuses a burst of checks" yes "$(echo "$codes" | grep -q ' 429' && echo yes || echo no)"
refused=$(curl -s -D - -o /dev/null --interface 127.0.0.5 -H 'Content-Type: application/json' -d "$seed" "$base/v1/update" | tr -d '\r')
check "nginx's own 429 carries Retry-After" "429 1" \
  "$(echo "$refused" | awk -F': ' 'NR==1{split($0,s," "); code=s[2]} tolower($1)=="retry-after"{ra=$2} END{print code, ra}')"

# nginx's limit_conn: 4 requests in progress per address; a fifth slow download is refused.
downloads=()
for _ in 1 2 3 4; do
  curl -s -o /dev/null --interface 127.0.0.6 --limit-rate 20k --max-time 6 "$base/files/big.bin" &
  downloads+=($!)
done
sleep 1
check "limit_conn refuses a fifth download" 429 "$(status --interface 127.0.0.6 "$base/files/big.bin")"
wait "${downloads[@]}" 2>/dev/null || true

# client_header_timeout: a client that never finishes its headers is cut off after 10 s.
start=$(date +%s)
timeout 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$proxy_port; printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&3; cat <&3 >/dev/null 2>&1" 2>/dev/null || true
elapsed=$(( $(date +%s) - start ))
check "slow headers cut off by the proxy within 12 s" yes "$([ "$elapsed" -le 12 ] && echo yes || echo no)"

if [ "$failures" -gt 0 ]; then
  echo "$failures checks failed; nginx error log:"; cat "$work/nginx/error.log"; exit 1
fi
echo "all checks passed"
