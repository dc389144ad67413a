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
#   SERIAL=1           the old order: every module's tests, then the end-to-end tests, in one Maven build
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
if [ "${SERIAL:-0}" = "1" ] || [[ " $* " == *" -Dskip.e2e=true "* ]]; then
  # -T 2: the modules build and test two at a time; the end-to-end module waits for all of them
  exec ./mvnw -B -T 2 verify "$@"
fi

# 1. Build and install every module, tests compiled but not run (the services' quarkus-app, the CLI's jar).
./mvnw -B -T 2 install -DskipTests "$@"

# 2. The end-to-end tests and the modules' tests side by side. The end-to-end stacks spend much of their time waiting
# (validation windows, gateway start-ups); the modules' tests fill that time in two lanes, the two longest modules
# first, at a lower CPU priority (nice 5) so the end-to-end timings, which have deadlines, get the cores first. Both
# run from the build above and rebuild nothing (surefire:test only for the modules, quarkus.build.skip for the
# end-to-end module), so no jar a running stack uses is rewritten under it; a lane's modules take the others' jars
# from the local repository the build installed them in. The lanes' logs are printed after the end-to-end one.
mkdir -p target
lane() { # lane NAME MODULES...: each group of modules in one Maven run, one after another; exit 1 if any failed
  local name=$1 status=0
  shift
  for modules in "$@"; do
    nice -n 5 ./mvnw -B -fae surefire:test -pl "$modules" "${args[@]}" >> "target/run-tests-$name.log" 2>&1 || status=1
  done
  return $status
}
args=("$@")
rm -f target/run-tests-lane-*.log
# contracts' tests first, alone (~10 s): the first tests to run make Maven download surefire's JUnit provider on a
# fresh machine, once here rather than by three Maven runs at the same time into one local repository
./mvnw -B surefire:test -pl contracts "$@" > target/run-tests-lane-1.log 2>&1 || { cat target/run-tests-lane-1.log; exit 1; }
lane lane-1 orchestrator-service,rollback-service cli,messaging-support,api-security,test-support,deploy/chat-fakes,deploy/worker-hosts &
lane1=$!
lane lane-2 probe-service,notifier-service lease-simulator &
lane2=$!
e2e_status=0
./mvnw -B verify -pl deploy/local-stack -Dquarkus.build.skip=true "$@" || e2e_status=$?
lanes_status=0
wait "$lane1" || lanes_status=1
wait "$lane2" || lanes_status=1
for log in target/run-tests-lane-1.log target/run-tests-lane-2.log; do
  echo
  echo "================ the modules' tests: $log ================"
  cat "$log"
done
echo
echo "run-tests.sh: end-to-end tests exit $e2e_status, modules' tests $([ $lanes_status -eq 0 ] && echo passed || echo FAILED)"
if [ "$e2e_status" -ne 0 ] || [ "$lanes_status" -ne 0 ]; then
  exit 1
fi
