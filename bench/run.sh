#!/usr/bin/env bash
# Benchmarks of issue 6 (see BENCHMARKS.md). Usage: bench/run.sh [all|healthz|ingest|steady|slow-rc|backlog|outage|ratelimit|postgres|limit256|image ...] (image: after mvn -Pimage -DskipTests package)
# Builds the shaded jar and the test classes (tests are not run), then runs candybridge.bench.Bench,
# which starts the service as the README tells users to, `./candybridge serve` (the JVM settings of
# scripts/jvm-flags and the class-data archive), never with flags of its own. Harness options:
# BENCH_OPTS, e.g. BENCH_OPTS="-Dbench.scale=0.2" bench/run.sh ingest; other JVM settings are a
# labelled variant: BENCH_OPTS="-Dbench.jvmFlags='-Xmx384m -XX:+UseG1GC'" bench/run.sh ingest
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  mvn -q -DskipTests package
  mvn -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
fi
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
eval "exec java -Xmx1g -cp \"$cp\" ${BENCH_OPTS:-} candybridge.bench.Bench \"\$@\""
