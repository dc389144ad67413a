#!/usr/bin/env bash
# The test command: every module's unit, service (@QuarkusTest on real Kafka + PostgreSQL) and end-to-end tests
# (the reduced chaos run with a dead orchestrator during a breach rollback, three fleet cutovers over 9 leases in
# three regions on a stack of their own (waves, kill -9 mid-wave, a crash-looping canary, a broken region), one shared
# stack for the walking skeleton, every playbook trigger row and gate, a cutover through Debian's OpenSSH, the CLI,
# the dashboard in headless Chromium, the metrics and traces, and the inventory gates against the real `openclaw` npm
# package 2026.9.5 on Node 26). The npm downloads are cached in ~/.cache/openclaw-cutover.
#   -Dskip.real=true   skip the real-OpenClaw-gateway part (needs the npm registry on the first run)
#   -Dreal.full=true   the full real scenario instead (what ./run-real-tests.sh runs: a real cutover rolled back with
#                      its state restore, the exit-78 park, a real cutover to GREEN; ~10 min more)
#   -Dskip.e2e=true    only the modules' tests
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
# -T 2: the service modules' @QuarkusTest suites (each on its own in-JVM broker and embedded PostgreSQL, random ports)
# build and test two at a time; the end-to-end module waits for all of them. (Running the end-to-end tests beside the
# modules' tests was tried: both parts saturate the 2 cores, and the end-to-end HTTP calls timed out.)
exec ./mvnw -B -T 2 verify "$@"
