#!/usr/bin/env bash
# The one benchmark command: builds what it needs (engine, reactive-api, vertx-adapter,
# benchmarks; no tests) and runs every JMH case for Walrus and the Chronicle Queue peer in
# the same run, then the memory/disk probe, prints the pair-by-pair table and the SPEC §7
# verdicts, and writes results.md, results.csv, jmh.json and benchmarks.png to
# benchmarks/results/<profile>/.
#
#   benchmarks/run.sh            # short profile, about 5 minutes on 2 cores
#   benchmarks/run.sh --long     # publishable profile, about 40 minutes on 2 cores
#
# Other arguments go to dev.walrus.bench.BenchmarkMain: --include REGEX (a subset of cases),
# --no-memory (skip the probe), --data DIR (where benchmark data goes; default <tmp>/walrus-bench).
# (-Dexec.executable only satisfies the plugin in the modules it skips.)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
exec mvn -q -B -pl benchmarks -am -Dmaven.test.skip=true package exec:exec@bench -Dexec.executable=java \
  -Dbench.args="--out $root/benchmarks/results $*"
