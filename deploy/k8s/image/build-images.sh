#!/usr/bin/env bash
# Builds the four service images without a Docker daemon and without a registry, as tarballs, and checks them:
#   1. make-base-image.sh: a base image tarball from this machine's JDK (jlink), unless target/jre-base.tar exists;
#   2. the normal Maven build of the four services with Quarkus's Jib extension switched on
#      (quarkus.container-image.build=true), the base image from that tarball (quarkus.jib.base-jvm-image=tar://...),
#      and docker-load-to-tar.sh as the "docker" Jib hands the image to: target/<service>.tar (docker-archive);
#   3. check-image.sh on each: entrypoint, user 1001, the service's HTTP port; with --run also starts the probe
#      worker's image (read-only root, no network) until /q/health/live answers 200 (needs root).
# Usage: deploy/k8s/image/build-images.sh [--run]     MVN_FLAGS (default -o: offline) go to Maven.
# Against a registry, use the command in deploy/k8s/README.md ("Images") instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=$here/target
mkdir -p "$out"
[ -f "$out/jre-base.tar" ] || "$here/make-base-image.sh" "$out/jre-base.tar"
export CUTOVER_IMAGE_OUT=$out
cd "$repo"
# shellcheck disable=SC2086
./mvnw -B ${MVN_FLAGS--o} package -DskipTests -pl orchestrator-service,rollback-service,notifier-service,probe-service -am \
  -Dquarkus.container-image.build=true \
  -Dquarkus.container-image.group=openclaw-cutover \
  "-Dquarkus.jib.base-jvm-image=tar://$out/jre-base.tar" \
  "-Dquarkus.jib.docker-executable-name=$here/docker-load-to-tar.sh" \
  -Dquarkus.jib.user=1001 \
  '-Dquarkus.jib.ports=${quarkus.http.port}' \
  -Dquarkus.jib.jvm-additional-arguments=-XX:MaxRAMPercentage=75
"$here/check-image.sh" "$out/orchestrator-service.tar" 8080
"$here/check-image.sh" "$out/rollback-service.tar" 8082
"$here/check-image.sh" "$out/notifier-service.tar" 8083
if [ "${1:-}" = --run ]; then
  "$here/check-image.sh" "$out/probe-service.tar" 8081 --run PROBE_REGION=hk KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9
else
  "$here/check-image.sh" "$out/probe-service.tar" 8081
fi
ls -l "$out"/*.tar
