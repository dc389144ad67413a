#!/usr/bin/env bash
# The cluster runs (not part of ./run-tests.sh: each starts a stack of its own with more processes than the suite's
# budget allows): every end-to-end class in com.maclogin.cutover.localstack.cluster, and TopicsAsCodeBrokerTest (a
# service refusing to start without its topics: timing-sensitive under the suite's load), run with -Dcluster.tests=true.
# Pass -Dtest=com.maclogin.cutover.localstack.cluster.SomeClusterTest to run one.
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/env.sh
exec ./mvnw -B -T 2 verify -Dtest='com.maclogin.cutover.localstack.cluster.*Test,com.maclogin.cutover.localstack.TopicsAsCodeBrokerTest' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dcluster.tests=true "$@"
