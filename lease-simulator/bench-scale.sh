#!/usr/bin/env bash
# Scale benchmark of lease-simulator, before/after in one invocation: builds BASELINE (a git revision, default the
# commit before the start/exec speed-ups) into a temp dir with javac, runs its SimulatorScaleBenchmark first, then
# this working tree's, which writes the section "lease-simulator: scale" of docs/benchmarks.md with both.
#   lease-simulator/bench-scale.sh [--baseline-rev REV] [benchmark args, e.g. --leases 200 --commands 200]
set -euo pipefail
cd "$(dirname "$0")/.."
REV=f5f96c3
if [ "${1:-}" = "--baseline-rev" ]; then REV=$2; shift 2; fi
# the plugin by its coordinates: the "dependency:" prefix does not resolve offline (-o) without plugin-group metadata
./mvnw -q -o -pl lease-simulator test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/cp.txt
DEPS=$(cat lease-simulator/target/cp.txt)
BASE=$(mktemp -d /tmp/sim-baseline-XXXX)
git archive "$REV" lease-simulator | tar -x -C "$BASE"
(cd "$BASE/lease-simulator" && mkdir -p classes test-classes \
  && javac -nowarn -d classes -cp "$DEPS" $(find src/main/java -name '*.java') 2>/dev/null \
  && cp -r src/main/resources/* classes/ \
  && javac -nowarn -d test-classes -cp "classes:$DEPS" src/test/java/com/maclogin/cutover/simulator/bench/SimulatorScaleBenchmark.java 2>/dev/null)
echo "== baseline $REV"
java -cp "$BASE/lease-simulator/test-classes:$BASE/lease-simulator/classes:$DEPS" \
  com.maclogin.cutover.simulator.bench.SimulatorScaleBenchmark "$@" --out "$BASE/baseline.md" | grep -v '^\[' || true
echo "== this tree"
java -cp "lease-simulator/target/test-classes:lease-simulator/target/classes:$DEPS" \
  com.maclogin.cutover.simulator.bench.SimulatorScaleBenchmark "$@" --baseline "$BASE/baseline.md" \
  --baseline-label "commit $REV" | grep -v '^\['
rm -rf "$BASE"
