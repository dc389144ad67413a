#!/usr/bin/env bash
# Installs (or removes) one region's probe worker on a Mac as a LaunchDaemon: runs from boot with nobody logged in,
# as the hidden service account _cutoverprobe, its environment file and SSH key 0600 owned by that account.
#
#   sudo deploy/launchd/install-worker.sh --region hk --env-file ./hk.env --ssh-key ./probe-hk \
#        [--kafka-ca ./ca.pem] [--app-dir probe-service/target/quarkus-app]
#   sudo deploy/launchd/install-worker.sh --region hk --uninstall
#   deploy/launchd/install-worker.sh ... --dry-run        print every command, change nothing
#   deploy/launchd/install-worker.sh --region sg --print-plist   the plist this would install
#
# Options: --user NAME (default _cutoverprobe), --uid N (default: the first id from 400 to 499 free as user and
# group id), --root DIR (install under DIR instead of /, e.g. a staging image; the installed files still name the
# real paths). Installing again upgrades: the daemon is booted out, its files replaced, and bootstrapped again.
# What goes where: deploy/launchd/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
template="$here/com.maclogin.cutover.probe-hk.plist"
wrapper="$here/probe-worker"

app_dir="$here/../../probe-service/target/quarkus-app" user="_cutoverprobe"
uid="" print_plist=0
. "$here/../worker-install-common.sh"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --uid) uid=${2:?--uid needs a number}; shift 2 ;;
    --print-plist) print_plist=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) parse_worker_option "$@"; shift "$consumed" ;;
  esac
done
check_region_and_user

label="com.maclogin.cutover.probe-$region"
plist="$root/Library/LaunchDaemons/$label.plist"
base="$root/usr/local/openclaw-cutover"
app="$base/probe-$region/app"
etc="$root/usr/local/etc/openclaw-cutover"
conf="$etc/probe-$region"
var="$root/usr/local/var/openclaw-cutover"
logs="$root/Library/Logs/openclaw-cutover"

render_plist() {
  # every "probe-hk" of the template (label, paths) and the region value; the user if another one was asked for
  sed -e "s/probe-hk/probe-$region/g" \
      -e "s#<key>PROBE_REGION</key><string>hk</string>#<key>PROBE_REGION</key><string>$region</string>#" \
      -e "s#<string>_cutoverprobe</string>#<string>$user</string>#g" "$template"
}
if [ "$print_plist" = 1 ]; then render_plist; exit 0; fi


require_root_unless_dry_run

installed() { [ -e "$plist" ]; }
bootout() {
  if installed || [ "$dry_run" = 1 ]; then
    # not loaded is fine: the daemon may have been booted out by hand
    run launchctl bootout "system/$label" || true
  fi
}

if [ "$uninstall" = 1 ]; then
  bootout
  run rm -f "$plist"
  run rm -rf "$base/probe-$region" "$conf" "$var/probe-$region"
  echo "# kept: the logs in $logs/probe-$region"
  # the other regions' daemons on this host (not this one's plist, which a dry run has not removed)
  others=$(ls "$root/Library/LaunchDaemons/" 2>/dev/null | grep '^com\.maclogin\.cutover\.probe-' \
           | grep -vcx "$label.plist" || true)
  if [ "$others" != 0 ]; then
    echo "# kept for the $others other region(s) on this host: the wrapper and the account $user"
  else
    echo "# no other region's worker on this host: the wrapper and the account go too"
    run rm -f "$base/bin/probe-worker"
    run dscl . -delete "/Users/$user"
    run dscl . -delete "/Groups/$user"
  fi
  exit 0
fi

check_worker_inputs

# 1. the service account: hidden, no login shell, no home, its own group
if id -u "$user" >/dev/null 2>&1; then
  echo "# account $user exists"
else
  if [ -z "$uid" ]; then
    if command -v dscl >/dev/null 2>&1; then
      used=$( (dscl . -list /Users UniqueID; dscl . -list /Groups PrimaryGroupID) | awk '{print $2}')
      for i in $(seq 400 499); do
        if ! grep -qx "$i" <<<"$used"; then uid=$i; break; fi
      done
      [ -n "$uid" ] || die "no free id in 400-499: pass --uid"
    else
      uid="<first free id in 400-499>"
    fi
  fi
  run dscl . -create "/Groups/$user"
  run dscl . -create "/Groups/$user" PrimaryGroupID "$uid"
  run dscl . -create "/Groups/$user" RealName "OpenClaw cutover probe worker"
  run dscl . -create "/Users/$user"
  run dscl . -create "/Users/$user" UniqueID "$uid"
  run dscl . -create "/Users/$user" PrimaryGroupID "$uid"
  run dscl . -create "/Users/$user" RealName "OpenClaw cutover probe worker"
  run dscl . -create "/Users/$user" NFSHomeDirectory /var/empty
  run dscl . -create "/Users/$user" UserShell /usr/bin/false
  run dscl . -create "/Users/$user" Password '*'
  run dscl . -create "/Users/$user" IsHidden 1
fi

# 2. an upgrade stops the running daemon first
bootout

# 3. directories: code root:wheel read-only, secrets and state the account's own
run install -d -m 0755 -o root -g wheel "$base" "$base/bin" "$base/probe-$region" "$etc" "$var" "$logs"
run install -d -m 0700 -o "$user" -g "$user" "$conf" "$var/probe-$region"
run install -d -m 0750 -o "$user" -g "$user" "$logs/probe-$region"

# 4. the worker (quarkus-app), replaced whole; the wrapper
run rm -rf "$app.new"
run cp -R "$app_dir" "$app.new"
run chown -R root:wheel "$app.new"
run chmod -R u=rwX,go=rX "$app.new"
run rm -rf "$app"
run mv "$app.new" "$app"
run install -m 0755 -o root -g wheel "$wrapper" "$base/bin/probe-worker"

# 5. secrets: 0600, owned by the service account (the wrapper refuses anything else)
run install -m 0600 -o "$user" -g "$user" "$env_file" "$conf/worker.env"
run install -m 0600 -o "$user" -g "$user" "$ssh_key" "$conf/ssh-key"
if [ -n "$kafka_ca" ]; then run install -m 0644 -o "$user" -g "$user" "$kafka_ca" "$conf/kafka-ca.pem"; fi

# 6. the plist: root:wheel 0644 (launchd refuses a daemon plist others can write), checked, bootstrapped
rendered=$(mktemp "${TMPDIR:-/tmp}/$label.XXXXXX")
trap 'rm -f "$rendered"' EXIT
render_plist > "$rendered"
if command -v plutil >/dev/null 2>&1; then run plutil -lint "$rendered"; fi
run install -m 0644 -o root -g wheel "$rendered" "$plist"
run launchctl enable "system/$label"
run launchctl bootstrap system "$plist"
echo "# installed $label; check: sudo launchctl print system/$label | grep -E 'state|pid'; logs: $logs/probe-$region/worker.log"
