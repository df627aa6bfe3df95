#!/usr/bin/env bash
# Measures download-and-verify of a 1 GiB file from the reference server's /files/ with the client
# SDK, against `curl -s URL | sha512sum` and against plain MessageDigest SHA-512 over the same file
# from the page cache, in the same run; and the SDK's peak heap for the 1 GiB file and a 64 MiB
# one under a small -Xmx. Writes a results table to benchmarks/results/client-download-jdk<N>-<time>.md
# and the raw output to the matching .log.
#
#   benchmarks/scripts/client-download.sh                                   # on `java` from PATH
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java benchmarks/scripts/client-download.sh
#   SIZE_MIB=256 ROUNDS=1 QUIET_WAIT=0 benchmarks/scripts/client-download.sh   # a quick check
#   SDK_ROUNDS=2 benchmarks/scripts/client-download.sh       # two downloads per SDK JVM (the earlier method)
#
# Steps: build the jars if needed; check the free space in TMPDIR (default /tmp); write SIZE_MIB
# (default 1024) and SMALL_MIB (64) MiB of random bytes (head -c /dev/urandom) into a temporary
# files directory and their sha512 (computed once) into a catalog of product `bench`; start the
# reference server on loopback with that catalog and directory; wait (bounded) for a quiet
# machine; read the big file once so that it sits in the page cache; then ROUNDS (3) times, in an
# order that rotates: (a) dev.appupdate.bench.ClientDownload, which checks for updates and
# downloads the big file with UpdateClient.download into a temporary directory, SDK_ROUNDS (3)
# times in one JVM (the last counts as warm: the second still recompiles code the end of the first
# deoptimized) with -Xmx$SDK_HEAP (default 64m), timing the final FileChannel.force apart (JFR)
# so that download+verify (the whole call without the force, the figure compared with the others)
# and the force are reported separately; (b) curl piped into sha512sum; (c) dev.appupdate.bench.
# FileDigest, MessageDigest over the file with a 64 KiB buffer, twice in one JVM. Finally the SDK
# downloads the small file under the same heap, for the heap comparison. Every digest is checked
# against the one computed at the start. The temporary files (about 2 x SIZE_MIB) are deleted on
# exit; the server is stopped on exit. Every step is bounded by a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/scripts/common.sh
build_if_needed

size_mib=${SIZE_MIB:-1024}
small_mib=${SMALL_MIB:-64}
rounds=${ROUNDS:-3}
sdk_rounds=${SDK_ROUNDS:-3}
sdk_heap=${SDK_HEAP:-64m}
for tool in curl sha512sum; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
done

base_dir=${TMPDIR:-/tmp}
need_kib=$(((2 * size_mib + 2 * small_mib + 512) * 1024))
free_kib=$(df -Pk "$base_dir" | awk 'NR == 2 {print $4}')
echo "bench: $base_dir: $(df -h "$base_dir" | awk 'NR == 2 {print $4 " free of " $2}')" >&2
if ((free_kib < need_kib)); then
  echo "bench: need $((need_kib / 1024)) MiB free in $base_dir, have $((free_kib / 1024)) MiB" >&2
  exit 2
fi

tmp=$(mktemp -d "$base_dir/appupdate-client-download.XXXXXX")
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p benchmarks/results
out=benchmarks/results/client-download-jdk$jdk-$stamp
table=$out.md
exec > >(tee "$out.log") 2>&1
describe_run "$0 (SIZE_MIB=$size_mib SMALL_MIB=$small_mib ROUNDS=$rounds SDK_HEAP=$sdk_heap" \
  "TMPDIR=$base_dir)"

mkdir -p "$tmp/catalog" "$tmp/files" "$tmp/data" "$tmp/download"
mib=$((1024 * 1024))
timeout 5m head -c $((size_mib * mib)) /dev/urandom >"$tmp/files/big.bin"
timeout 1m head -c $((small_mib * mib)) /dev/urandom >"$tmp/files/small.bin"
big_hash=$(timeout 5m sha512sum "$tmp/files/big.bin" | cut -d' ' -f1)
small_hash=$(timeout 1m sha512sum "$tmp/files/small.bin" | cut -d' ' -f1)
cat >"$tmp/catalog/catalog.json" <<EOF
{"releases": [
  {"product": "bench", "update_type": "big", "version": "2.0", "url": "files/big.bin",
   "hash_function": "sha512", "hash_value": "$big_hash", "size": $((size_mib * mib))},
  {"product": "bench", "update_type": "small", "version": "2.0", "url": "files/small.bin",
   "hash_function": "sha512", "hash_value": "$small_hash", "size": $((small_mib * mib))}
]}
EOF

"$java" -jar "$server_jar" --port 0 --admin-port 0 --bind 127.0.0.1 --catalog "$tmp/catalog/catalog.json" \
  --files "$tmp/files" --data "$tmp/data" >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
port=
for _ in $(seq 1 150); do
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.err" >&2; exit 1; }
  port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$tmp/server.out" | head -n1)
  [[ -n $port ]] && break
  sleep 0.2
done
[[ -n $port ]] || { echo "bench: the server did not report its port within 30 s" >&2; exit 1; }
server=http://127.0.0.1:$port/
echo "# server: $server, files of $size_mib MiB and $small_mib MiB"

wait_for_quiet
cat "$tmp/files/big.bin" >/dev/null # into the page cache

# Each measurement appends "name round value..." lines to $tmp/figures.
figures=$tmp/figures
: >"$figures"
now_ns() { date +%s%N; }

measure_sdk() { # ROUND UPDATE_TYPE EXPECTED_SIZE_MIB
  local text
  text=$(timeout 10m "$java" "-Xmx$sdk_heap" -cp "$jar" dev.appupdate.bench.ClientDownload \
    --server "$server" --product bench --update-type "$2" --dir "$tmp/download" \
    --rounds "$sdk_rounds")
  echo "---- sdk $2 round $1 (-Xmx$sdk_heap)"
  echo "$text"
  awk -v r="$1" -v t="$2" '
    /^sdk.mib_per_s/ {speed[++n] = $2}
    /^sdk.wall_mib_per_s/ {wall[++w] = $2}
    /^sdk.force_ms/ {force[++f] = $2}
    /^sdk.forces/ {if ($2 > forces) forces = $2}
    /^sdk.heap_peak/ {heap = $2}
    /^sdk.heap_after_gc_max/ {live = $2}
    END {
      all = speed[1]
      for (i = 2; i <= n; i++) all = all "/" speed[i]
      printf "sdk-%s %s %s %s %s %s %s %s %s\n", t, r, all, speed[n], heap, live, force[n], wall[n],
        forces
    }
  ' <<<"$text" >>"$figures"
}

measure_curl() { # ROUND
  local start end hash
  start=$(now_ns)
  hash=$(timeout 10m curl -s --fail "${server}files/big.bin" | sha512sum | cut -d' ' -f1)
  end=$(now_ns)
  if [[ $hash != "$big_hash" ]]; then
    echo "bench: curl | sha512sum gave $hash, expected $big_hash" >&2
    exit 1
  fi
  echo "---- curl round $1: $(((end - start) / 1000000)) ms"
  awk -v r="$1" -v s="$size_mib" -v ns=$((end - start)) \
    'BEGIN {printf "curl %s %.1f\n", r, s / (ns / 1e9)}' >>"$figures"
}

measure_digest() { # ROUND
  local text
  text=$(timeout 10m "$java" -cp "$jar" dev.appupdate.bench.FileDigest "$tmp/files/big.bin" \
    --rounds 2)
  echo "---- digest round $1"
  echo "$text"
  if [[ $(awk '/^digest.sha512/ {print $2; exit}' <<<"$text") != "$big_hash" ]]; then
    echo "bench: FileDigest disagrees with sha512sum" >&2
    exit 1
  fi
  awk -v r="$1" '
    /^digest.mib_per_s/ {speed[++n] = $2}
    END {printf "digest %s %s %s\n", r, speed[1], speed[2]}
  ' <<<"$text" >>"$figures"
}

for round in $(seq 1 "$rounds"); do
  case $((round % 3)) in
    1) order=(sdk curl digest) ;;
    2) order=(curl digest sdk) ;;
    0) order=(digest sdk curl) ;;
  esac
  for what in "${order[@]}"; do
    echo "# load before $what round $round: $(load1)"
    echo "load-$what $round $(load1)" >>"$figures"
    case $what in
      sdk) measure_sdk "$round" big "$size_mib" ;;
      curl) measure_curl "$round" ;;
      digest) measure_digest "$round" ;;
    esac
  done
done
measure_sdk 1 small "$small_mib"
echo "# load after: $(uptime)"

{
  echo "# Client download: SDK against curl | sha512sum and MessageDigest alone"
  echo
  echo "JDK $jdk ($("$java" -version 2>&1 | head -n1)); $(nproc) CPUs; file of $size_mib MiB in" \
    "$base_dir (page cache), served by the reference server on loopback; SDK with" \
    "-Xmx$sdk_heap, downloading into $base_dir. SDK download+verify: the whole download call" \
    "without its final FileChannel.force, which is given apart (forces per download, their" \
    "time, and the rate of the whole call with it). The SDK downloads $sdk_rounds times in one" \
    "JVM and the last download counts as warm (the second still recompiles much of the code" \
    "the first left); MessageDigest hashes twice and the second counts."
  echo
  echo "| round | SDK download+verify MiB/s (each download in the JVM) | SDK force, last: ms (forces) | SDK whole call with force, last, MiB/s | curl \\| sha512sum MiB/s | MessageDigest MiB/s (1st / 2nd) | SDK heap MiB: peak / most after a GC | load before SDK / curl / digest |"
  echo "|---|---|---|---|---|---|---|---|"
  for round in $(seq 1 "$rounds"); do
    awk -v r="$round" '
      $1 == "sdk-big" && $2 == r {
        sdk = $3; gsub("/", " / ", sdk); heap = $5 " / " $6; force = $7 " (" $9 ")"; wall = $8
      }
      $1 == "curl" && $2 == r {curl = $3}
      $1 == "digest" && $2 == r {dig = $3 " / " $4}
      $1 == "load-sdk" && $2 == r {lsdk = $3}
      $1 == "load-curl" && $2 == r {lcurl = $3}
      $1 == "load-digest" && $2 == r {ldig = $3}
      END {
        printf "| %s | %s | %s | %s | %s | %s | %s | %s / %s / %s |\n", r, sdk, force, wall, curl,
          dig, heap, lsdk, lcurl, ldig
      }
    ' "$figures"
  done
  echo
  awk -v big="$size_mib" -v small="$small_mib" '
    $1 == "sdk-big" {
      sdk += $4; nsdk++; force += $7; wall += $8
      if ($5 > heap) heap = $5
      if ($6 > live) live = $6
    }
    $1 == "sdk-small" {small_heap = $5; small_live = $6; small_speed = $4}
    $1 == "curl" {curl += $3; ncurl++}
    $1 == "digest" {dig += $4; ndig++}
    END {
      sdk /= nsdk; curl /= ncurl; dig /= ndig; force /= nsdk; wall /= nsdk
      printf "| figure | value |\n|---|---|\n"
      printf "| SDK download+verify, warm, mean MiB/s | %.1f |\n", sdk
      printf "| SDK force, warm, mean ms | %.1f |\n", force
      printf "| SDK whole call with force, warm, mean MiB/s | %.1f |\n", wall
      printf "| curl \\| sha512sum, mean MiB/s | %.1f |\n", curl
      printf "| MessageDigest alone, warm, mean MiB/s | %.1f |\n", dig
      printf "| SDK download+verify / MessageDigest (target >= 0.9) | %.2f |\n", sdk / dig
      printf "| SDK download+verify / curl \\| sha512sum | %.2f |\n", sdk / curl
      printf "| SDK whole call with force / MessageDigest | %.2f |\n", wall / dig
      printf "| SDK heap, %d MiB file: peak / most after a GC | %.1f / %.1f MiB |\n", big, heap, live
      printf "| SDK heap, %d MiB file (%.1f MiB/s warm): peak / most after a GC | %.1f / %.1f MiB |\n", small, small_speed, small_heap, small_live
    }
  ' "$figures"
  echo
  echo "Load average after: $(uptime | sed 's/.*load average: //')."
} >"$table"

echo
cat "$table"
echo "bench: table in $table, raw output in $out.log" >&2
