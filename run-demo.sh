#!/usr/bin/env bash
# The main command: build what is needed, start the whole local stack (real Kafka in KRaft mode, real PostgreSQL,
# simulated leases in two regions, every service as its own process) and run a demo cutover.
#   ./run-demo.sh              demo cutover 2026.9.5 -> 2026.9.6, exits 0 on GREEN
#   ./run-demo.sh --rollback   the same, rolled back by its operator during validation, exits 0 on ROLLED_BACK
#   ./run-demo.sh --fleet      a fleet cutover: 6 leases in HK, JP, SG upgraded in waves, exits 0 when every lease is GREEN
#   ./run-demo.sh --cluster    any of the above on a three-broker Kafka cluster (KRaft, RF 3, min.insync.replicas 2)
#   ./run-demo.sh --keep-running   leave the stack up afterwards (Ctrl-C stops it)
#   ./run-demo.sh --postgres-standby   PostgreSQL as a primary with a synchronous streaming standby (:55433)
#   ./run-demo.sh --replicas   two instances of every service and two workers per region, all active
#   ./run-demo.sh --outgrown   --cluster, --replicas and --postgres-standby at once
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
echo "== building (./mvnw -DskipTests package) =="
./mvnw -B -q -DskipTests package
CP="deploy/local-stack/target/classes:$(cat deploy/local-stack/target/runtime-classpath.txt)"
exec "$JAVA" -Xmx512m -cp "$CP" com.maclogin.cutover.localstack.LocalStackMain "$@"
