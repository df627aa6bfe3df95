#!/usr/bin/env bash
# Measures the reference server's update-check throughput and latency, for unsigned and for signed
# checks, against a bare JDK HttpServer (dev.appupdate.bench.BareServer) returning a fixed body of
# the same size, with wrk on loopback, same connections and duration, in the same run. Writes a results table to
# benchmarks/results/server-load-jdk<N>-<time>.md and wrk's raw output to the matching .log.
#
#   benchmarks/scripts/server-load.sh                                   # on `java` from PATH
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java benchmarks/scripts/server-load.sh
#   DURATION=5 ROUNDS=1 QUIET_WAIT=0 benchmarks/scripts/server-load.sh  # a quick check
#
# Steps: build the jars if needed; wait (bounded) for a quiet machine; generate a catalog of
# RELEASES synthetic releases over PRODUCTS products plus the seed product's two releases; start
# the reference server (port 0, loopback, that catalog, the demo files, a temporary data
# directory, and a response key: --response-key on a new Ed25519 key written by
# dev.appupdate.bench.SignedCheck as `appupdate keygen` writes one, owner-only) and capture its
# answer to the seed request (benchmarks/scripts/seed-request.lua); check that the same request
# with Accept-Signature and its Content-Digest (benchmarks/scripts/signed-request.lua) gets an
# answer with Signature and Signature-Input headers; start BareServer with the unsigned bytes and
# as many handler threads as the reference server has workers; warm all three up; then run wrk on
# each in turn, ROUNDS times per placement, rotating which goes first.
#
# Three measurements: "bare" (BareServer), "unsigned" (the reference server, seed request without
# Accept-Signature: the unsigned path of a server that has a key) and "signed" (the same server
# process, the request asking for a signature). The signed requests all carry the same fixed nonce
# and the key's id: the server keeps no record of nonces, so this costs it what fresh ones would.
#
# Placements (PIN): "shared" lets wrk and the servers share both cores as the scheduler likes;
# "pinned" puts wrk on CPU 0 and the server being measured on CPU 1 (taskset, both servers alike).
# PIN=both (default) measures both in the same run.
#
# Environment: DURATION (s, default 20), WARMUP (s, default 10), CONNECTIONS (32), WRK_THREADS
# (2), ROUNDS (2), RELEASES (10000), PRODUCTS (100), PIN (both|shared|pinned), SERVER_OPTS (JVM
# options for both servers), SERVER_JAR (another reference server jar, to compare builds),
# SERVER_LOG (file: the reference server's stderr, hence its access log, goes to a file in the
# temporary directory, counted then deleted; or /dev/null), QUIET_WAIT, QUIET_LOAD (see
# common.sh). Loopback only; every step is bounded by a timeout; both servers are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/scripts/common.sh
build_if_needed

duration=${DURATION:-20}
warmup=${WARMUP:-10}
connections=${CONNECTIONS:-32}
wrk_threads=${WRK_THREADS:-2}
rounds=${ROUNDS:-2}
releases=${RELEASES:-10000}
products=${PRODUCTS:-100}
pin=${PIN:-both}
server_jar=${SERVER_JAR:-$server_jar}
server_log=${SERVER_LOG:-file}
read -r -a server_opts <<<"${SERVER_OPTS:-}"
# The reference server's worker pool on JDK 17 (Workers.DEFAULT_THREADS); BareServer gets as many.
handler_threads=${HANDLER_THREADS:-512}

case $pin in
  both) placements=(shared pinned) ;;
  shared | pinned) placements=("$pin") ;;
  *) echo "bench: PIN must be both, shared or pinned, got '$pin'" >&2; exit 2 ;;
esac
if [[ " ${placements[*]} " == *" pinned "* ]] && (($(nproc) < 2)); then
  echo "bench: PIN=$pin needs 2 CPUs, this machine has $(nproc)" >&2
  exit 2
fi
for tool in wrk curl taskset sha256sum xxd base64; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/appupdate-server-load.XXXXXX")
ref_pid= bare_pid=
stop_server() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  stop_server "$ref_pid"
  stop_server "$bare_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p benchmarks/results
out=benchmarks/results/server-load-jdk$jdk-$stamp
log=$out.log
table=$out.md
exec > >(tee "$log") 2>&1

describe_run "$0 (DURATION=$duration WARMUP=$warmup CONNECTIONS=$connections" \
  "WRK_THREADS=$wrk_threads ROUNDS=$rounds RELEASES=$releases PIN=$pin" \
  "SERVER_OPTS='${SERVER_OPTS:-}' SERVER_JAR=$server_jar SERVER_LOG=$server_log)"
wait_for_quiet

# The seed request, taken from the wrk script so that both always send the same bytes.
seed=$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" benchmarks/scripts/seed-request.lua)
[[ -n $seed ]] || { echo "bench: no wrk.body in benchmarks/scripts/seed-request.lua" >&2; exit 1; }

mkdir -p "$tmp/catalog" "$tmp/files" "$tmp/data"
# The catalog sits alone in its directory: the server watches that directory for changes.
timeout 5m "$java" -cp "$jar" dev.appupdate.bench.CatalogLoad \
  --generate-with-seed "$tmp/catalog/catalog.json" --releases "$releases" --products "$products"
cp server-reference/src/main/resources/dev/appupdate/server/demo/files/* "$tmp/files/"

# The response key, and the headers of a signed check of the seed body.
mkdir -p "$tmp/keys"
signed_headers=$(timeout 1m "$java" -cp "$jar" dev.appupdate.bench.SignedCheck \
  "$tmp/keys/response.key" "$tmp/keys/response.pub" "$seed")
key_id=$(sed -n 's/^key_id //p' <<<"$signed_headers")
export ACCEPT_SIGNATURE CONTENT_DIGEST # read by signed-request.lua
ACCEPT_SIGNATURE=$(sed -n 's/^accept_signature //p' <<<"$signed_headers")
CONTENT_DIGEST=$(sed -n 's/^content_digest //p' <<<"$signed_headers")
# The Content-Digest must be the seed's SHA-256 (RFC 9530), or every signed check would get a 400.
expected_digest="sha-256=:$(printf '%s' "$seed" | sha256sum | cut -d' ' -f1 | xxd -r -p | base64 -w0):"
if [[ $CONTENT_DIGEST != "$expected_digest" ]]; then
  echo "bench: Content-Digest $CONTENT_DIGEST is not the seed's $expected_digest" >&2
  exit 1
fi
echo "# response key $key_id ($(stat -c %A "$tmp/keys/response.key") on the private key)"
echo "# catalog: $((releases + 2)) releases, $(stat -c %s "$tmp/catalog/catalog.json") bytes"

# Waits for a server's first stdout line naming its URL; prints the port.
await_port() {
  local pid=$1 file=$2 what=$3
  for _ in $(seq 1 150); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench: the $what exited before listening:" >&2
      cat "$file" "$tmp/$what.err" >&2 || true
      exit 1
    fi
    local port
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$file" | head -n1)
    if [[ -n $port ]]; then
      echo "$port"
      return
    fi
    sleep 0.2
  done
  echo "bench: the $what did not report its port within 30 s" >&2
  exit 1
}

ref_err=$tmp/reference.err
[[ $server_log == /dev/null ]] && ref_err=/dev/null
# The abuse limits on, as in production, with the load generator exempt: their cost is measured,
# their refusals are not.
"$java" "${server_opts[@]}" -jar "$server_jar" --port 0 --admin-port 0 --bind 127.0.0.1 \
  --catalog "$tmp/catalog/catalog.json" --files "$tmp/files" --data "$tmp/data" \
  --response-key "$tmp/keys/response.key" \
  --check-limit 600/m:1200 --rate-limit-exempt 127.0.0.1 \
  >"$tmp/reference.out" 2>"$ref_err" &
ref_pid=$!
ref_port=$(await_port "$ref_pid" "$tmp/reference.out" reference)
ref_url=http://127.0.0.1:$ref_port/v1/update

status=$(curl -s --max-time 10 -o "$tmp/body.json" -D "$tmp/unsigned.headers" \
  -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$seed" "$ref_url")
if [[ $status != 200 ]]; then
  echo "bench: the reference server answered the seed request with $status, not 200" >&2
  exit 1
fi
if grep -qi '^signature' "$tmp/unsigned.headers"; then
  echo "bench: the reference server signed a check that did not ask for it" >&2
  exit 1
fi
body_bytes=$(stat -c %s "$tmp/body.json")
# Once, before loading: a signed check gets 200 with both signature headers.
status=$(curl -s --max-time 10 -o "$tmp/signed-body.json" -D "$tmp/signed.headers" \
  -w '%{http_code}' -H 'Content-Type: application/json' \
  -H "Accept-Signature: $ACCEPT_SIGNATURE" -H "Content-Digest: $CONTENT_DIGEST" \
  --data-binary "$seed" "$ref_url")
if [[ $status != 200 ]] || ! grep -qi '^signature:' "$tmp/signed.headers" \
    || ! grep -qi '^signature-input:' "$tmp/signed.headers"; then
  echo "bench: the signed seed request got $status without Signature and Signature-Input:" >&2
  cat "$tmp/signed.headers" "$tmp/signed-body.json" >&2
  exit 1
fi
signed_header_bytes=$(($(stat -c %s "$tmp/signed.headers") - $(stat -c %s "$tmp/unsigned.headers")))

"$java" "${server_opts[@]}" -cp "$jar" dev.appupdate.bench.BareServer --port 0 \
  --threads "$handler_threads" --body-file "$tmp/body.json" \
  >"$tmp/bare.out" 2>"$tmp/bare.err" &
bare_pid=$!
bare_port=$(await_port "$bare_pid" "$tmp/bare.out" bare)
bare_url=http://127.0.0.1:$bare_port/v1/update
curl -s --max-time 10 -o "$tmp/bare-body.json" -H 'Content-Type: application/json' \
  --data-binary "$seed" "$bare_url"
if ! cmp -s "$tmp/body.json" "$tmp/bare-body.json"; then
  echo "bench: the bare server does not answer with the captured body" >&2
  exit 1
fi
echo "# body: $body_bytes bytes from both; reference on port $ref_port, bare on port $bare_port"
echo "# signed answer: $(grep -i '^signature-input:' "$tmp/signed.headers" | tr -d '\r')"
echo "# signed answer: $signed_header_bytes header bytes more than the unsigned one"
echo "# handler threads: $handler_threads each"

# CPU time of a process in clock ticks (user + system).
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}
ticks_per_s=$(getconf CLK_TCK)

# run NAME URL PID SECONDS PLACEMENT: one wrk run; prints its raw output to the log and returns
# "requests_per_s p50 p99 errors requests cpu_us_per_request" in $result. NAME signed sends
# signed checks (signed-request.lua), others the plain seed request.
run() {
  local name=$1 url=$2 pid=$3 seconds=$4 placement=$5 wrk_cmd=(wrk) script=seed-request.lua
  [[ $name == signed ]] && script=signed-request.lua
  if [[ $placement == pinned ]]; then
    taskset -a -p -c 1 "$pid" >/dev/null
    wrk_cmd=(taskset -c 0 wrk)
  else
    taskset -a -p -c "0-$(($(nproc) - 1))" "$pid" >/dev/null
  fi
  local before after text
  before=$(cpu_ticks "$pid")
  text=$(timeout $((seconds + 30)) "${wrk_cmd[@]}" -t"$wrk_threads" -c"$connections" \
    -d"${seconds}s" --latency -s "benchmarks/scripts/$script" "$url")
  after=$(cpu_ticks "$pid")
  echo "---- $name $placement ${seconds}s, load before: $load_before"
  echo "$text"
  result=$(awk -v cpu=$((after - before)) -v tck="$ticks_per_s" '
    /^requests / {n = $2}
    /^requests_per_s/ {rps = $2}
    /^latency_p50_ms/ {p50 = $2}
    /^latency_p99_ms/ {p99 = $2}
    /^errors_/ {err += $2}
    END {printf "%s %s %s %d %d %.1f", rps, p50, p99, err, n, n ? cpu / tck * 1e6 / n : 0}
  ' <<<"$text")
}

load_before=$(load1)
echo "# warm-up: ${warmup}s each, discarded"
run bare "$bare_url" "$bare_pid" "$warmup" "${placements[0]}" >/dev/null
run unsigned "$ref_url" "$ref_pid" "$warmup" "${placements[0]}" >/dev/null
read -r _ _ _ _ warmup_requests _ <<<"$result"
run signed "$ref_url" "$ref_pid" "$warmup" "${placements[0]}" >/dev/null
read -r _ _ _ _ n _ <<<"$result"
warmup_requests=$((warmup_requests + n))

{
  echo "# Server load: reference server, unsigned and signed checks, against bare server"
  echo
  echo "JDK $jdk ($("$java" -version 2>&1 | head -n1)); $(nproc) CPUs; wrk -t$wrk_threads" \
    "-c$connections -d${duration}s --latency -s benchmarks/scripts/seed-request.lua (bare," \
    "unsigned) or signed-request.lua (signed: Accept-Signature for key $key_id, fixed nonce," \
    "Content-Digest); one reference server with --response-key for both; catalog of" \
    "$((releases + 2)) releases; body $body_bytes bytes; SERVER_OPTS='${SERVER_OPTS:-}';" \
    "server jar $server_jar; reference stderr to $server_log. Placement shared: wrk and" \
    "server share all CPUs; pinned: wrk on CPU 0, server on CPU 1."
  echo
  echo "| placement | round | server | requests/s | p50 ms | p99 ms | errors | server CPU µs/request | load 1m before |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$table"

declare -A sum_rps max_p99 sum_err sum_cpu count
total_requests_ref=$((warmup_requests + 2)) # and the two capture requests
runs_ref=2
names=(bare unsigned signed)
for placement in "${placements[@]}"; do
  for round in $(seq 1 "$rounds"); do
    # Rotate which goes first, so that no server always runs on a machine warmed by another.
    order=()
    for i in 0 1 2; do order+=("${names[$(((i + round - 1) % 3))]}"); done
    for name in "${order[@]}"; do
      if [[ $name == bare ]]; then url=$bare_url pid=$bare_pid; else url=$ref_url pid=$ref_pid; fi
      load_before=$(load1)
      run "$name" "$url" "$pid" "$duration" "$placement"
      read -r rps p50 p99 errors requests cpu_us <<<"$result"
      if [[ $name != bare ]]; then
        total_requests_ref=$((total_requests_ref + requests))
        runs_ref=$((runs_ref + 1))
      fi
      echo "| $placement | $round | $name | $rps | $p50 | $p99 | $errors | $cpu_us | $load_before |" \
        >>"$table"
      key=$placement/$name
      sum_rps[$key]=$(awk -v a="${sum_rps[$key]:-0}" -v b="$rps" 'BEGIN {print a + b}')
      sum_cpu[$key]=$(awk -v a="${sum_cpu[$key]:-0}" -v b="$cpu_us" 'BEGIN {print a + b}')
      max_p99[$key]=$(awk -v a="${max_p99[$key]:-0}" -v b="$p99" 'BEGIN {print (b > a ? b : a)}')
      sum_err[$key]=$((${sum_err[$key]:-0} + errors))
      count[$key]=$((${count[$key]:-0} + 1))
    done
  done
done

{
  echo
  echo "| placement | requests/s (mean) bare / unsigned / signed | unsigned / bare (target >= 0.9) | signed / unsigned | p99 ms (worst) unsigned / signed (target < 5) | errors bare / unsigned / signed (target 0) | server CPU µs/request bare / unsigned / signed | signed - unsigned CPU µs/request |"
  echo "|---|---|---|---|---|---|---|---|"
  for placement in "${placements[@]}"; do
    b=$placement/bare u=$placement/unsigned s=$placement/signed
    awk -v p="$placement" -v bs="${sum_rps[$b]}" -v us="${sum_rps[$u]}" -v ss="${sum_rps[$s]}" \
      -v n="${count[$u]}" -v up="${max_p99[$u]}" -v sp="${max_p99[$s]}" \
      -v be="${sum_err[$b]}" -v ue="${sum_err[$u]}" -v se="${sum_err[$s]}" \
      -v bc="${sum_cpu[$b]}" -v uc="${sum_cpu[$u]}" -v sc="${sum_cpu[$s]}" 'BEGIN {
        printf "| %s | %.0f / %.0f / %.0f | %.2f | %.2f | %s / %s | %d / %d / %d | %.1f / %.1f / %.1f | %.1f |\n",
          p, bs / n, us / n, ss / n, us / bs, ss / us, up, sp, be, ue, se, bc / n, uc / n, sc / n,
          (sc - uc) / n
      }'
  done
  echo
  echo "Load average after: $(uptime | sed 's/.*load average: //')."
} >>"$table"

if [[ $server_log == file ]]; then
  access_lines=$(grep -c ' dev.appupdate.server.access: ' "$ref_err" || true)
  echo "Access log: $access_lines lines for the $total_requests_ref requests wrk counted on the" \
    "reference server, unsigned and signed (warm-up and the two capture requests included); wrk" \
    "does not count the up to" \
    "$connections requests in flight when each of its $runs_ref runs stops." >>"$table"
fi

echo
cat "$table"
echo "bench: table in $table, wrk output in $log" >&2
