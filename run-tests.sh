#!/usr/bin/env bash
# The test command: every module's unit, service (@QuarkusTest on real Kafka + PostgreSQL) and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
exec ./mvnw -B verify "$@"
