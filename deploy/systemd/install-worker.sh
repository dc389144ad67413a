#!/usr/bin/env bash
# Installs (or removes) one region's probe worker on a Linux host as the systemd instance
# openclaw-cutover-probe@<region>.service, running as the system user cutover-probe.
#
#   sudo deploy/systemd/install-worker.sh --region hk --env-file ./hk.env --ssh-key ./probe-hk \
#        [--kafka-ca ./ca.pem] [--app-dir probe-service/target/quarkus-app]
#   sudo deploy/systemd/install-worker.sh --region hk --uninstall
#   deploy/systemd/install-worker.sh ... --dry-run        print every command, change nothing
#
# Options: --user NAME (default cutover-probe), --root DIR (install under DIR instead of /, e.g. a staging image;
# the installed unit still names the real paths), --no-start (install and enable, do not start).
# Installing again upgrades: the instance is stopped, its files replaced, and started again.
# What goes where: deploy/systemd/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
unit_file="$here/openclaw-cutover-probe@.service"

app_dir="$here/../../probe-service/target/quarkus-app" user="cutover-probe"
start=1
. "$here/../worker-install-common.sh"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) parse_worker_option "$@"; shift "$consumed" ;;
  esac
done
check_region_and_user
if [ "$user" != cutover-probe ]; then
  die "the unit runs as User=cutover-probe; another --user needs a drop-in (User=, Group=) and is not automated"
fi

instance="openclaw-cutover-probe@$region.service"
unit="$root/etc/systemd/system/openclaw-cutover-probe@.service"
opt="$root/opt/openclaw-cutover"
app="$opt/probe-$region/app"
etc="$root/etc/openclaw-cutover"
conf="$etc/probe-$region"
env_target="$etc/probe-$region.env"
state="$root/var/lib/openclaw-cutover/probe-$region"

require_root_unless_dry_run

if [ "$uninstall" = 1 ]; then
  run systemctl disable --now "$instance"
  run rm -rf "$opt/probe-$region" "$conf" "$state"
  run rm -f "$env_target"
  # the other regions' instances on this host (not this one's file, which a dry run has not removed)
  others=$(ls "$etc" 2>/dev/null | grep '^probe-.*\.env$' | grep -vcx "probe-$region.env" || true)
  if [ "$others" != 0 ]; then
    echo "# kept for the $others other region(s) on this host: the unit and the user $user"
  else
    echo "# no other region's worker on this host: the unit and the user go too"
    run rm -f "$unit"
    run systemctl daemon-reload
    run userdel "$user"
  fi
  exit 0
fi

check_worker_inputs

# 1. the system user: no login shell, no home, its own group
if id -u "$user" >/dev/null 2>&1; then
  echo "# user $user exists"
else
  run useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
      --comment "OpenClaw cutover probe worker" "$user"
fi

# 2. an upgrade stops the running instance first
if [ "$dry_run" = 1 ] || systemctl is-active --quiet "$instance" 2>/dev/null; then
  run systemctl stop "$instance"
fi

# 3. directories: code root-owned read-only, the key's directory and the state the user's own
run install -d -m 0755 -o root -g root "$opt" "$opt/probe-$region" "$etc"
run install -d -m 0700 -o "$user" -g "$user" "$conf"
run install -d -m 0755 -o root -g root "$root/var/lib/openclaw-cutover"
run install -d -m 0750 -o "$user" -g "$user" "$state"

# 4. the worker (quarkus-app), replaced whole
run rm -rf "$app.new"
run cp -R "$app_dir" "$app.new"
run chown -R root:root "$app.new"
run chmod -R u=rwX,go=rX "$app.new"
run rm -rf "$app"
run mv "$app.new" "$app"

# 5. secrets, 0600: the environment file root's (systemd reads it before it drops to User=; the worker cannot
#    rewrite its own configuration), the SSH key the user's (the worker reads it)
run install -m 0600 -o root -g root "$env_file" "$env_target"
run install -m 0600 -o "$user" -g "$user" "$ssh_key" "$conf/ssh-key"
if [ -n "$kafka_ca" ]; then run install -m 0644 -o "$user" -g "$user" "$kafka_ca" "$conf/kafka-ca.pem"; fi

# 6. the unit: root 0644, checked, enabled (and started)
if command -v systemd-analyze >/dev/null 2>&1 && [ "$dry_run" = 0 ]; then
  # as this region's instance; verify only warns (exit 0) on a bad key or value, so any output stops the install
  check_dir=$(mktemp -d)
  cat "$unit_file" > "$check_dir/openclaw-cutover-probe@$region.service"
  echo "+ systemd-analyze verify --man=no openclaw-cutover-probe@$region.service"
  complaints=$(systemd-analyze verify --man=no "$check_dir/openclaw-cutover-probe@$region.service" 2>&1) || true
  rm -rf "$check_dir"
  [ -z "$complaints" ] || die "systemd-analyze verify: $complaints"
fi
run install -m 0644 -o root -g root "$unit_file" "$unit"
run systemctl daemon-reload
if [ "$start" = 1 ]; then
  run systemctl enable --now "$instance"
else
  run systemctl enable "$instance"
fi
echo "# installed $instance; check: systemctl status $instance; logs: journalctl -u $instance"
