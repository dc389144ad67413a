#!/usr/bin/env bash
# Benchmarks (not tests). Builds, then measures over the real broker and writes docs/benchmarks.md.
#   ./bench.sh [samples]          step round trip (publish -> worker -> SSH -> result -> committed)
#   ./bench.sh breach [rounds]    tripped trigger -> lease restored and verified green (4 trigger rows per round)
#   ./bench.sh fleet              a fleet of 12 (wall time vs its cutovers one after another; a crash-looping wave rolled back)
#   ./bench.sh real [rounds]      the real openclaw package: breach -> old version serving, RESTORE split into parts
#   ./bench.sh standby [commits]  PostgreSQL: outbox commit cost without a standby, with an async and a sync standby
#   ./bench.sh p5 [sizes] [--rate R] [--pacing think|rate] [--window S] [--drain S] [--before-args A] [--before-sql S] [--before-app DIR]
#                                 one orchestrator with 1,000 / 5,000 / 10,000 concurrent cutovers (a Kafka-level load
#                                 driver plays the workers); `./bench.sh p5 200 --window 15 --drain 30` is the quick form
#   ./bench.sh watch [sizes]      P4: one probe worker watching 100/500/1000/2000 LIGHT leases at 5 s (growth table)
#   ./bench.sh blip [leases]      P4: every SSH connection of 2,000 watched leases dropped at once; time to watched again
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
./mvnw -B -q -DskipTests package
CP="deploy/local-stack/target/classes:$(cat deploy/local-stack/target/runtime-classpath.txt)"
if [ "${1:-}" = "fleet" ]; then
  exec "$JAVA" -Xmx512m -cp "$CP" com.maclogin.cutover.localstack.FleetBenchmark
fi
if [ "${1:-}" = "real" ]; then
  shift
  # the worker's own script builders (LeaseInventory) time the two package checks side by side
  exec "$JAVA" -Xmx512m -cp "$CP:probe-service/target/classes" com.maclogin.cutover.localstack.RealGatewayRollbackBenchmark "$@"
fi
if [ "${1:-}" = "watch" ] || [ "${1:-}" = "blip" ]; then
  # -Dwatch.sample-seconds=60 -Dwatch.worker-xmx=768m; ports shifted by localstack.port-shift + 4100
  exec "$JAVA" -Xmx512m ${WATCH_BENCH_OPTS:-} -cp "$CP" com.maclogin.cutover.localstack.WatchScaleBenchmark "$@"
fi
if [ "${1:-}" = "standby" ]; then
  shift
  exec "$JAVA" -Xmx256m -cp "$CP" com.maclogin.cutover.localstack.StandbyCommitBenchmark "$@"
fi
if [ "${1:-}" = "p5" ]; then
  shift
  # P5_BENCH_OPTS: e.g. "-Dlocalstack.port-shift=500 -Dp5.orchestrator-jvm-args=-XX:StartFlightRecording=filename=/tmp/o.jfr"
  exec "$JAVA" -Xmx1g ${P5_BENCH_OPTS:-} -cp "$CP" com.maclogin.cutover.localstack.OrchestratorScaleBenchmark "$@"
fi
if [ "${1:-}" = "breach" ]; then
  shift
  exec "$JAVA" -Xmx512m -cp "$CP" com.maclogin.cutover.localstack.BreachRollbackBenchmark "$@"
fi
exec "$JAVA" -Xmx512m -cp "$CP" com.maclogin.cutover.localstack.StepRoundTripBenchmark "$@"
