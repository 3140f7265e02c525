#!/usr/bin/env bash
# The benchmark (docs/BENCHMARKS.md): builds the service, then bench/src/Bench.java starts the demo agents and the
# gateway as two processes of the packaged service and drives load from a third. Prints a table and writes the
# figures to target/bench/results.json.
#   bench/run.sh [--quick] [--no-build] [--only 1-7] [--out DIR]
# BENCH_GATEWAY_JVM_OPTS and BENCH_AGENTS_JVM_OPTS add JVM options to the two processes (a profiler, a heap size);
# BENCH_GATEWAY_JAR runs another build as the gateway (an earlier commit's quarkus-run.jar, for before and after).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=1
args=()
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        *) args+=("$arg") ;;
    esac
done

if (( build )); then
    ./mvnw -B -q package -DskipTests
fi
if [[ ! -f target/quarkus-app/quarkus-run.jar ]]; then
    echo "target/quarkus-app/quarkus-run.jar is missing: run without --no-build, or ./mvnw -B package -DskipTests" >&2
    exit 2
fi

cp="target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*"
mkdir -p target/bench/classes
javac -nowarn -d target/bench/classes -cp "$cp" bench/src/*.java
exec java -Xmx1g -cp "target/bench/classes:$cp" Bench ${args[@]+"${args[@]}"}
