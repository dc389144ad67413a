#!/usr/bin/env bash
# The test command: every module's unit, service (@QuarkusTest on real Kafka + PostgreSQL) and end-to-end tests
# (the whole stack: walking skeleton, every playbook trigger row, the reduced chaos run, a cutover through Debian's
# OpenSSH). The real-OpenClaw-gateway end-to-end test (npm openclaw 2026.9.5 -> 2026.9.6 on Node 26, ~9 min) is
# opt-in: ./run-tests.sh -Dskip.real=false
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
exec ./mvnw -B verify -Dskip.real=true "$@"
