#!/usr/bin/env bash
# The full chaos run: many cutovers while service instances are SIGKILLed and the broker and PostgreSQL restart.
#   ./chaos.sh [rounds=4] [kills=8] [rebalances=4]   two probe workers per region; report printed and written to docs/benchmarks.md; exit 1 on any loss/duplicate/stuck
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
./mvnw -B -q -DskipTests package
CP="deploy/local-stack/target/classes:$(cat deploy/local-stack/target/runtime-classpath.txt)"
exec "$JAVA" -Xmx512m -cp "$CP" com.maclogin.cutover.localstack.ChaosMain "$@"
