# Shared by the benchmarks/scripts/ scripts; sourced, not run. Expects the repository root as the working
# directory and sets: java, jar, server_jar, jdk (the Java feature version), stamp.

java=${JAVA:-java}
jar=benchmarks/target/benchmarks.jar
server_jar=server-reference/target/appupdate-server.jar
stamp=$(date -u +%Y%m%dT%H%M%SZ)

if ! "$java" -version >/dev/null 2>&1; then
  echo "bench: cannot run '$java'; set JAVA to a java binary of JDK 17 or newer" >&2
  exit 2
fi
jdk=$("$java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java\.specification\.version = //p')

# Builds the benchmarks jar and the reference server's jar when either is missing or older than
# anything they are built from. Maven uses the default JDK; the classes target release 17 and run
# on any newer JDK.
build_if_needed() {
  local sources=(pom.xml benchmarks/pom.xml benchmarks/src protocol-core/pom.xml
    protocol-core/src/main client-sdk/pom.xml client-sdk/src/main client-patch/pom.xml
    client-patch/src/main server-reference/pom.xml server-reference/src/main)
  if [[ -f $jar && -f $server_jar ]] \
      && [[ -z $(find "${sources[@]}" -newer "$jar" -print -quit) ]] \
      && [[ -z $(find "${sources[@]}" -newer "$server_jar" -print -quit) ]]; then
    return
  fi
  echo "bench: building $jar and $server_jar" >&2
  timeout 10m mvn -B -q package -DskipTests -pl benchmarks,server-reference -am
}

# Prints the 1-minute load average.
load1() {
  cut -d' ' -f1 /proc/loadavg
}

# Waits until the 1-minute load average is below QUIET_LOAD (default 1.0), polling every 15 s, for
# at most QUIET_WAIT seconds (default 600; 0 skips the wait), so that figures are not taken while
# other work runs. Prints whether it got there; measures either way.
wait_for_quiet() {
  local limit=${QUIET_WAIT:-600} below=${QUIET_LOAD:-1.0} waited=0
  while awk -v l="$(load1)" -v b="$below" 'BEGIN {exit !(l >= b)}'; do
    if ((waited >= limit)); then
      echo "# quiet: load $(load1) still >= $below after ${waited}s; measuring anyway"
      return
    fi
    sleep 15
    waited=$((waited + 15))
  done
  echo "# quiet: load $(load1) < $below after ${waited}s"
}

# Prints what a result depends on besides the code: machine, JDK, and how busy the machine is.
describe_run() {
  echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# command: $*"
  echo "# cpu: $(nproc) x $(lscpu | sed -n 's/^Model name: *//p' | head -n1)"
  echo "# memory: $(free -m | awk '/^Mem:/ {print $2 " MiB"}')"
  echo "# java: $("$java" -version 2>&1 | tr '\n' ' ')"
  echo "# load before: $(uptime)"
}
