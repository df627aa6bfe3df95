# Shared by the bench/ scripts; sourced, not run. Expects the repository root as the working
# directory and sets: java, jar, jdk (the Java feature version), stamp.

java=${JAVA:-java}
jar=benchmarks/target/benchmarks.jar
stamp=$(date -u +%Y%m%dT%H%M%SZ)

if ! "$java" -version >/dev/null 2>&1; then
  echo "bench: cannot run '$java'; set JAVA to a java binary of JDK 17 or newer" >&2
  exit 2
fi
jdk=$("$java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java\.specification\.version = //p')

# Builds the shaded jar when it is missing or older than anything it is built from. Maven uses
# the default JDK; the classes target release 17 and run on any newer JDK.
build_if_needed() {
  if [[ -f $jar ]] && [[ -z $(find pom.xml benchmarks/pom.xml benchmarks/src \
      protocol-core/pom.xml protocol-core/src/main -newer "$jar" -print -quit) ]]; then
    return
  fi
  echo "bench: building $jar" >&2
  timeout 10m mvn -B -q package -DskipTests -pl benchmarks -am
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
