#!/usr/bin/env bash
# JMH microbenchmarks of the hot path (candybridge.bench.HotPathBenchmark). Extra arguments go to JMH,
# e.g. bench/jmh.sh -f 1 -wi 2 -i 3 . Builds like bench/run.sh (BENCH_SKIP_BUILD=1 to reuse).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  mvn -q -DskipTests package
  mvn -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
fi
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  org.openjdk.jmh.Main HotPathBenchmark "$@"
