#!/usr/bin/env bash
# Benchmarks (not tests). Builds, then measures the step round trip over the real broker and writes docs/benchmarks.md.
#   ./bench.sh [samples]
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
./mvnw -B -q -DskipTests package
CP="deploy/local-stack/target/classes:$(cat deploy/local-stack/target/runtime-classpath.txt)"
exec "$JAVA" -Xmx512m -cp "$CP" com.maclogin.cutover.localstack.StepRoundTripBenchmark "$@"
