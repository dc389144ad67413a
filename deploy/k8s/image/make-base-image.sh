#!/usr/bin/env bash
# Makes a base image tarball (docker-archive format, what `docker save` writes and Jib's tar:// base reads) from this
# machine's own JDK, for building the service images where no registry is reachable:
#   - a Java runtime made by jlink from the JDK's jmods (the modules the services use),
#   - the JDK's CA certificates (Slack and Telegram over HTTPS), the C libraries the runtime links against,
#   - /etc/passwd and /etc/group with the user 1001 (cutover) the services run as, /tmp (1777).
# Usage: make-base-image.sh OUT.tar   (JAVA_HOME: a JDK 17+ with jmods; default: the one `javac` belongs to)
set -euo pipefail
out=${1:?usage: make-base-image.sh OUT.tar}
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
[ -d "$jdk/jmods" ] || { echo "no jmods in $jdk (Debian: apt-get install openjdk-17-jdk-headless provides them)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{opt,etc,tmp,lib64,usr/lib/x86_64-linux-gnu}
chmod 1777 "$root/tmp"
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,\
java.prefs,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,java.xml.crypto,\
jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr,jdk.localedata,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs
"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$root/opt/java"
# the JDK's trust store (Debian keeps it in /etc/ssl/certs/java and links to it): copied, not linked
cp --remove-destination "$(readlink -f "$jdk/lib/security/cacerts")" "$root/opt/java/lib/security/cacerts"
# the shared libraries of the runtime, from the machine's own C library
# (not those of the desktop libraries, which only a GUI would load: X11, ALSA, fonts)
libs=$(find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -name 'libawt*' ! -name 'libjawt*' ! -name 'libsplashscreen*' ! -name 'libjsound*' ! -name 'libfontmanager*' \
    ! -name 'liblcms*' ! -name 'libjavajpeg*' ! -name 'libmlib_image*' -exec ldd {} \; 2>/dev/null \
  | awk '/=> \//{print $3} /^\t\/lib64/{print $1}' | grep -v "^$root/" | sort -u)
for lib in $libs /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
  [ -e "$lib" ] || continue
  real=$(readlink -f "$lib")
  case "$lib" in /lib64/*) dest=$root/lib64;; *) dest=$root/usr/lib/x86_64-linux-gnu;; esac
  cp "$real" "$dest/$(basename "$lib")"
done
ln -s usr/lib "$root/lib"
printf 'root:x:0:0:root:/root:/sbin/nologin\ncutover:x:1001:1001:cutover:/tmp:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\ncutover:x:1001:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
mkdir -p "$work/image"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$work/image/layer.tar" .
diff=$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
cat > "$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"WorkingDir":"/tmp"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/k8s/image/make-base-image.sh: jlink of $("$jdk/bin/java" -version 2>&1 | head -1 | tr -d '"')"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["openclaw-cutover/jre-base:local"],"Layers":["layer.tar"]}]' > "$work/image/manifest.json"
mkdir -p "$(dirname "$out")"
tar --owner=0 --group=0 --numeric-owner -C "$work/image" -cf "$out" manifest.json config.json layer.tar
echo "base image: $out ($(du -h "$out" | cut -f1), layer sha256:$diff)"
