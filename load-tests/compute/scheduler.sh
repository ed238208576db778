#!/usr/bin/env bash
# Compute benchmark (c): JMH, one scheduling decision (HostChooser's filters and RAM weigher) over
# 10,000 hosts, in sample mode for percentiles. The benchmark is a test-scope class
# (src/test/java/org/vertstack/compute/SchedulerBenchmark.java), so `mvn verify` does not run it.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B test-compile
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
echo "VertStack scheduler benchmark, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main SchedulerBenchmark \
  -rf text -rff target/scheduler-benchmark.txt "$@" | grep -E "^(Benchmark|SchedulerBenchmark)|p0\.|p1\.0|·p|decide" || true
