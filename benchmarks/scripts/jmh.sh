#!/usr/bin/env bash
# Runs the JMH benchmarks of the benchmarks module; JMH's JSON results and the console log go to
# benchmarks/results/jmh-jdk<N>-<time>.{json,log}.
#
#   benchmarks/scripts/jmh.sh                                   # every benchmark, on `java` from PATH
#   benchmarks/scripts/jmh.sh MatcherBenchmark -p releases=100  # arguments go to JMH unchanged
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java benchmarks/scripts/jmh.sh CodecBenchmark
#
# Builds the shaded jar first when needed, then waits (bounded) for a quiet machine (QUIET_WAIT,
# QUIET_LOAD: see common.sh). Bounded: JMH and its forks are stopped after BENCH_TIMEOUT (default
# 20m; each benchmark class alone takes 1 to 2 minutes). No network.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/scripts/common.sh
build_if_needed

mkdir -p benchmarks/results
out=benchmarks/results/jmh-jdk$jdk-$stamp
{
  wait_for_quiet
  describe_run "$java -jar $jar -rf json -rff $out.json $*"
  timeout --kill-after=30s "${BENCH_TIMEOUT:-20m}" \
    "$java" -jar "$jar" -rf json -rff "$out.json" "$@"
  echo "# load after: $(uptime)"
} 2>&1 | tee "$out.log"
echo "bench: results in $out.json, log in $out.log" >&2
