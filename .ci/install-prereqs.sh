#!/usr/bin/env bash
# Installs what a fresh machine of this kind may lack for the tests and the demo. Idempotent.
set -euo pipefail
need=()
command -v node   >/dev/null 2>&1 || need+=(nodejs)
command -v curl   >/dev/null 2>&1 || need+=(curl)
command -v lsof   >/dev/null 2>&1 || need+=(lsof)
command -v shasum >/dev/null 2>&1 || need+=(perl)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
