#!/usr/bin/env bash
# Stands in for the `docker` client that Quarkus's Jib extension hands a finished image to (`docker load`, reading the
# image tarball from stdin), where there is no Docker daemon: `load` writes the tarball to
# $CUTOVER_IMAGE_OUT/<repository>.tar instead (docker-archive format: `docker load -i`, `podman load -i` and
# `skopeo copy docker-archive:` read it). `info` and `version` answer what Jib asks before it builds. Nothing is run.
set -euo pipefail
out=${CUTOVER_IMAGE_OUT:?CUTOVER_IMAGE_OUT: where to write the image tarballs}
case "${1:-}" in
  info)    echo '{"OSType":"linux","Architecture":"x86_64"}' ;;
  version) echo '{"Client":{"Version":"tarball"},"Server":{"Version":"tarball"}}' ;;
  load)
    mkdir -p "$out"
    tmp=$(mktemp "$out/.load.XXXXXX")
    cat > "$tmp"
    tag=$(tar -xOf "$tmp" manifest.json | sed -n 's/.*"RepoTags":\["\([^"]*\)".*/\1/p')
    name=$(basename "${tag%:*}")
    chmod 644 "$tmp"
    mv "$tmp" "$out/$name.tar"
    echo "Loaded image: $tag"
    ;;
  *) echo "docker-load-to-tar.sh: '$*' is not supported (only load, info, version)" >&2; exit 1 ;;
esac
