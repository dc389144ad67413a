#!/usr/bin/env bash
# Checks one image tarball (docker-archive) built by build-images.sh: its config (entrypoint runs quarkus-run.jar with
# java, user 1001, the service's HTTP port exposed) and, with --run, that it starts: its layers unpacked into a root
# file system mounted read-only (as readOnlyRootFilesystem in deploy/k8s) with a tmpfs on /tmp, the entrypoint run as
# the image's user by chroot in new network, mount and PID namespaces (nothing reaches outside the machine; the
# service finds no Kafka), until GET /q/health/live answers 200 on the port. Needs root for --run.
# Usage: check-image.sh IMAGE.tar PORT [--run [ENV=VALUE ...]]
set -euo pipefail
image=$(readlink -f "${1:?usage: check-image.sh IMAGE.tar PORT [--run [ENV=VALUE ...]]}")
port=${2:?port}
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xf "$image" -C "$work" manifest.json
config=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$work/manifest.json")
tar -xf "$image" -C "$work" "$config"
read -r entrypoint user ports workdir < <(python3 - "$work/$config" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["config"]
print(json.dumps(c.get("Entrypoint")).replace(" ", ""), c.get("User") or "-", ",".join(sorted(c.get("ExposedPorts", {}))) or "-",
      c.get("WorkingDir") or "/")
PY
)
echo "$(basename "$image"): entrypoint $entrypoint, user $user, ports $ports, workdir $workdir"
fail=0
[[ "$entrypoint" == *'"java"'* && "$entrypoint" == *quarkus-run.jar* ]] || { echo "  entrypoint does not run quarkus-run.jar with java" >&2; fail=1; }
[[ "$user" == 1001 || "$user" == 1001:* ]] || { echo "  user is $user, not 1001" >&2; fail=1; }
[[ ",$ports," == *",$port/tcp,"* ]] || { echo "  port $port/tcp is not exposed ($ports)" >&2; fail=1; }
[ "$fail" = 0 ] || exit 1
[ "${1:-}" = --run ] || exit 0
shift
root=$work/rootfs
mkdir -p "$root"
for layer in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$work/manifest.json"); do
  tar -xOf "$image" "$layer" | tar -xz -C "$root" 2>/dev/null || tar -xOf "$image" "$layer" | tar -x -C "$root"
done
env_file=$work/env
python3 -c 'import json,sys; [print(e) for e in json.load(open(sys.argv[1]))["config"].get("Env", [])]' "$work/$config" > "$env_file"
for e in "$@"; do echo "$e" >> "$env_file"; done
mkdir -p "$root/proc" "$root/dev" "$root/tmp"
uid=${user%%:*}
# the image has no shell to cd with: a relative argument that names a file of the working directory is made absolute
cmd=$(python3 -c '
import json, os, shlex, sys
root, wd = sys.argv[2], sys.argv[3]
args = [os.path.join(wd, a) if not a.startswith("-") and "/" not in a and os.path.exists(os.path.join(root + wd, a)) else a
        for a in json.loads(sys.argv[1])]
print(" ".join(shlex.quote(a) for a in args))' "$entrypoint" "$root" "$workdir")
start=$(date +%s.%N)
set +e
unshare --net --mount --pid --fork bash -c "
  set -e
  ip link set lo up
  mount --bind '$root' '$root' && mount -o remount,bind,ro '$root'
  mount -t proc proc '$root/proc'
  mount --bind /dev '$root/dev'
  mount -t tmpfs -o mode=1777 tmpfs '$root/tmp'
  env -i \$(cat '$env_file' | tr '\n' ' ') $(command -v chroot) --userspec=$uid:$uid '$root' $cmd \
    > '$work/out.log' 2>&1 &
  pid=\$!
  for i in \$(seq 1 240); do
    kill -0 \$pid 2>/dev/null || { echo '  the service exited' >&2; exit 1; }
    code=\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/q/health/live || true)
    if [ \"\$code\" = 200 ]; then echo \"  started: GET /q/health/live on $port = 200 after \$i polls\"; exit 0; fi
    sleep 0.5
  done
  echo '  did not answer 200 on /q/health/live' >&2; exit 1
" 2>&1
rc=$?
set -e
echo "  $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f s", e-s}') with unpacking; from its output:"
grep -E 'started in|ERROR|Exception' "$work/out.log" | head -5 | cut -c1-220 | sed 's/^/    /'
exit $rc
