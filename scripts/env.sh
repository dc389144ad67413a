# Sourced by the top-level scripts: finds a JDK (17 or newer) and the tools the simulated leases use.
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  JAVA="$(command -v java)"
else
  for d in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$d/bin/java" ]; then JAVA="$d/bin/java"; export JAVA_HOME="$d"; break; fi
  done
fi
if [ -z "${JAVA:-}" ]; then echo "no JDK found: install openjdk-17-jdk" >&2; exit 1; fi
for tool in node curl shasum lsof tar; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "missing '$tool' (the simulated leases need it): installing prerequisites" >&2
    "$(dirname "${BASH_SOURCE[0]}")/../.ci/install-prereqs.sh"
    break
  fi
done
export JAVA
