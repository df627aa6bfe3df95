#!/usr/bin/env bash
# Measures the reference server's update-check throughput and latency against a bare JDK
# HttpServer (dev.appupdate.bench.BareServer) returning a fixed body of the same size, with wrk on
# loopback, same connections and duration, in the same run. Writes a results table to
# benchmarks/results/server-load-jdk<N>-<time>.md and wrk's raw output to the matching .log.
#
#   benchmarks/scripts/server-load.sh                                   # on `java` from PATH
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java benchmarks/scripts/server-load.sh
#   DURATION=5 ROUNDS=1 QUIET_WAIT=0 benchmarks/scripts/server-load.sh  # a quick check
#
# Steps: build the jars if needed; wait (bounded) for a quiet machine; generate a catalog of
# RELEASES synthetic releases over PRODUCTS products plus the seed product's two releases; start
# the reference server (port 0, loopback, that catalog, the demo files, a temporary data
# directory) and capture its answer to the seed request (benchmarks/scripts/seed-request.lua); start BareServer
# with those bytes and as many handler threads as the reference server has workers; warm both up;
# then run wrk on each in turn, ROUNDS times per placement, alternating which server goes first.
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
# The reference server's worker pool (AppUpdateServer.Builder's default); BareServer gets as many.
handler_threads=32

case $pin in
  both) placements=(shared pinned) ;;
  shared | pinned) placements=("$pin") ;;
  *) echo "bench: PIN must be both, shared or pinned, got '$pin'" >&2; exit 2 ;;
esac
if [[ " ${placements[*]} " == *" pinned "* ]] && (($(nproc) < 2)); then
  echo "bench: PIN=$pin needs 2 CPUs, this machine has $(nproc)" >&2
  exit 2
fi
for tool in wrk curl taskset; do
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
"$java" "${server_opts[@]}" -jar "$server_jar" --port 0 --bind 127.0.0.1 \
  --catalog "$tmp/catalog/catalog.json" --files "$tmp/files" --data "$tmp/data" \
  >"$tmp/reference.out" 2>"$ref_err" &
ref_pid=$!
ref_port=$(await_port "$ref_pid" "$tmp/reference.out" reference)
ref_url=http://127.0.0.1:$ref_port/v1/update

status=$(curl -s --max-time 10 -o "$tmp/body.json" -w '%{http_code}' \
  -H 'Content-Type: application/json' --data-binary "$seed" "$ref_url")
if [[ $status != 200 ]]; then
  echo "bench: the reference server answered the seed request with $status, not 200" >&2
  exit 1
fi
body_bytes=$(stat -c %s "$tmp/body.json")

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
echo "# handler threads: $handler_threads each"

# CPU time of a process in clock ticks (user + system).
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}
ticks_per_s=$(getconf CLK_TCK)

# run NAME URL PID SECONDS PLACEMENT: one wrk run; prints its raw output to the log and returns
# "requests_per_s p50 p99 errors requests cpu_us_per_request" in $result.
run() {
  local name=$1 url=$2 pid=$3 seconds=$4 placement=$5 wrk_cmd=(wrk)
  if [[ $placement == pinned ]]; then
    taskset -a -p -c 1 "$pid" >/dev/null
    wrk_cmd=(taskset -c 0 wrk)
  else
    taskset -a -p -c "0-$(($(nproc) - 1))" "$pid" >/dev/null
  fi
  local before after text
  before=$(cpu_ticks "$pid")
  text=$(timeout $((seconds + 30)) "${wrk_cmd[@]}" -t"$wrk_threads" -c"$connections" \
    -d"${seconds}s" --latency -s benchmarks/scripts/seed-request.lua "$url")
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
run reference "$ref_url" "$ref_pid" "$warmup" "${placements[0]}" >/dev/null
read -r _ _ _ _ warmup_requests _ <<<"$result"

{
  echo "# Server load: reference server against bare server"
  echo
  echo "JDK $jdk ($("$java" -version 2>&1 | head -n1)); $(nproc) CPUs; wrk -t$wrk_threads" \
    "-c$connections -d${duration}s --latency -s benchmarks/scripts/seed-request.lua; catalog of" \
    "$((releases + 2)) releases; body $body_bytes bytes; SERVER_OPTS='${SERVER_OPTS:-}';" \
    "server jar $server_jar; reference stderr to $server_log. Placement shared: wrk and" \
    "server share all CPUs; pinned: wrk on CPU 0, server on CPU 1."
  echo
  echo "| placement | round | server | requests/s | p50 ms | p99 ms | errors | server CPU µs/request | load 1m before |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$table"

declare -A sum_rps max_p99 sum_err sum_cpu count
total_requests_ref=$((warmup_requests + 1)) # and the capture request
runs_ref=1
for placement in "${placements[@]}"; do
  for round in $(seq 1 "$rounds"); do
    order=(bare reference)
    ((round % 2 == 0)) && order=(reference bare)
    for name in "${order[@]}"; do
      if [[ $name == bare ]]; then url=$bare_url pid=$bare_pid; else url=$ref_url pid=$ref_pid; fi
      load_before=$(load1)
      run "$name" "$url" "$pid" "$duration" "$placement"
      read -r rps p50 p99 errors requests cpu_us <<<"$result"
      if [[ $name == reference ]]; then
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
  echo "| placement | bare requests/s (mean) | reference requests/s (mean) | ratio (target >= 0.8) | reference p99 ms (worst; target < 5) | errors (target 0) | CPU µs/request bare / reference |"
  echo "|---|---|---|---|---|---|---|"
  for placement in "${placements[@]}"; do
    b=$placement/bare r=$placement/reference
    awk -v p="$placement" -v bs="${sum_rps[$b]}" -v rs="${sum_rps[$r]}" -v n="${count[$r]}" \
      -v p99="${max_p99[$r]}" -v e=$((${sum_err[$b]} + ${sum_err[$r]})) \
      -v bc="${sum_cpu[$b]}" -v rc="${sum_cpu[$r]}" 'BEGIN {
        printf "| %s | %.0f | %.0f | %.2f | %s | %d | %.1f / %.1f |\n",
          p, bs / n, rs / n, rs / bs, p99, e, bc / n, rc / n
      }'
  done
  echo
  echo "Load average after: $(uptime | sed 's/.*load average: //')."
} >>"$table"

if [[ $server_log == file ]]; then
  access_lines=$(grep -c ' dev.appupdate.server.access: ' "$ref_err" || true)
  echo "Access log: $access_lines lines for the $total_requests_ref requests wrk counted on the" \
    "reference server (warm-up and capture included); wrk does not count the up to" \
    "$connections requests in flight when each of its $runs_ref runs stops." >>"$table"
fi

echo
cat "$table"
echo "bench: table in $table, wrk output in $log" >&2
