#!/usr/bin/env bash
# Measures loading a large catalog (dev.appupdate.bench.CatalogLoad): generates a catalog of a
# million releases over 10,000 products in a temporary directory, then prints the time and
# memory of Catalog.read and Matcher.create, one figure a line. The output is also written to
# benchmarks/results/catalog-load-jdk<N>-<time>.log.
#
#   benchmarks/scripts/catalog-load.sh                                   # on `java` from PATH
#   benchmarks/scripts/catalog-load.sh --releases 100000 --products 1000
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java benchmarks/scripts/catalog-load.sh
#   JAVA_OPTS="-Xmx1g -XX:+UseParallelGC" benchmarks/scripts/catalog-load.sh
#
# Arguments go to CatalogLoad; JAVA_OPTS to the measuring JVM. Builds the jar first when
# needed, then waits (bounded) for a quiet machine (QUIET_WAIT, QUIET_LOAD: see common.sh).
# Bounded by BENCH_TIMEOUT (default 15m). Needs about 400 MB of temporary disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/scripts/common.sh
build_if_needed

mkdir -p benchmarks/results
out=benchmarks/results/catalog-load-jdk$jdk-$stamp.log
read -r -a opts <<<"${JAVA_OPTS:-}"
command=("$java" "${opts[@]}" -cp "$jar" dev.appupdate.bench.CatalogLoad "$@")
{
  wait_for_quiet
  describe_run "${command[*]}"
  timeout --kill-after=30s "${BENCH_TIMEOUT:-15m}" "${command[@]}"
  echo "# load after: $(uptime)"
} 2>&1 | tee "$out"
echo "bench: log in $out" >&2
