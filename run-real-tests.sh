#!/usr/bin/env bash
# The full real-gateway run (the reduced form is part of ./run-tests.sh): builds everything, then runs only
# RealLeaseCutoverTest with -Dreal.full=true on the shared local stack: the real `openclaw` 2026.9.5 on Node 26 under
# the launchd emulator, a cutover to 2026.9.6 (real npm install, state schema 17 -> 18) rolled back during validation
# with its state restore, 2026.9.5 refusing the migrated state (exit 78, parks its LaunchAgent), and a second cutover
# that ends GREEN on 2026.9.6. The npm downloads are cached in ~/.cache/openclaw-cutover. About 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
exec ./mvnw -B -T 2 verify -Dtest='com.maclogin.cutover.localstack.RealLeaseCutoverTest' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dreal.full=true "$@"
