#!/usr/bin/env bash
# Measures zstd patches (docs/PROTOCOL.md, "Patches") on real consecutive releases of widely used
# jars from Maven Central: patch size against full size, the time to create a patch (level 19)
# and to apply it, and the peak memory of each, every operation in a fresh JVM
# (dev.appupdate.bench.PatchSizes). Prints a Markdown table; the log also goes to
# benchmarks/results/patch-sizes-jdk<N>-<time>.log.
#
#   benchmarks/scripts/patch-sizes.sh
#   PAIRS_DIR=/tmp/jars benchmarks/scripts/patch-sizes.sh      # where the jars are kept
#
# Downloads about 190 MB once (curl), into PAIRS_DIR (default benchmarks/target/patch-pairs).
# Builds the jar first when needed, then waits (bounded) for a quiet machine (see common.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/scripts/common.sh
build_if_needed

central=https://repo1.maven.org/maven2
# group/artifact old new [level, default 19]
pairs=(
  "com/google/guava/guava 33.4.6-jre 33.4.7-jre"
  "com/google/guava/guava 33.4.7-jre 33.4.8-jre"
  "com/google/guava/guava 33.4.6-jre 33.4.8-jre"
  "com/fasterxml/jackson/core/jackson-databind 2.17.0 2.17.1"
  "com/fasterxml/jackson/core/jackson-databind 2.17.1 2.17.2"
  "org/apache/commons/commons-lang3 3.15.0 3.16.0"
  "org/apache/commons/commons-lang3 3.16.0 3.17.0"
  "org/jetbrains/kotlin/kotlin-compiler-embeddable 2.1.20 2.1.21"
  "org/jetbrains/kotlin/kotlin-compiler-embeddable 2.1.20 2.1.21 9"
)

dir=${PAIRS_DIR:-benchmarks/target/patch-pairs}
mkdir -p "$dir" benchmarks/results
fetch() { # path artifact version -> file
  local file="$dir/$2-$3.jar"
  if [[ ! -s $file ]]; then
    curl -fsS --retry 3 -o "$file.tmp" "$central/$1/$3/$2-$3.jar"
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}
value() { # key line
  sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"
}

out=benchmarks/results/patch-sizes-jdk$jdk-$stamp.log
run=("$java" -cp "$jar" dev.appupdate.bench.PatchSizes)
{
  wait_for_quiet
  describe_run "${run[*]} create|apply OLD ..."
  base=$("${run[@]}" baseline)
  echo "# JVM with the native library loaded, nothing else: $base"
  echo
  echo "| file | from → to | full size | patch | patch/full | level | create | apply (cold / warm) | peak RSS create / apply |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for p in "${pairs[@]}"; do
    read -r path old new level <<<"$p"
    level=${level:-19}
    artifact=${path##*/}
    a=$(fetch "$path" "$artifact" "$old")
    b=$(fetch "$path" "$artifact" "$new")
    patch=$(mktemp)
    created=$(timeout 10m "${run[@]}" create "$a" "$b" "$patch" "$level")
    applied=$(timeout 10m "${run[@]}" apply "$a" "$patch" "$b")
    full=$(stat -c %s "$b")
    size=$(value patch_bytes "$created")
    printf '| %s | %s → %s | %s | %s | %s | %s | %s ms | %s / %s ms | %s / %s MiB |\n' \
      "$artifact" "$old" "$new" \
      "$(numfmt --to=iec-i --suffix=B --format=%.1f "$full")" \
      "$(numfmt --to=iec-i --suffix=B --format=%.1f "$size")" \
      "$(awk -v p="$size" -v f="$full" 'BEGIN {printf "%.1f%%", 100 * p / f}')" "$level" \
      "$(value create_ms "$created")" \
      "$(value apply_ms "$applied")" "$(value apply_warm_ms "$applied")" \
      "$(value rss_peak_mib "$created")" "$(value rss_peak_mib "$applied")"
    rm -f "$patch"
  done
  echo
  echo "# load after: $(uptime)"
} 2>&1 | tee "$out"
echo "bench: log in $out" >&2
