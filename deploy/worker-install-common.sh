# Sourced by deploy/launchd/install-worker.sh and deploy/systemd/install-worker.sh: what installing a regional probe
# worker means on any host. The sourcing script sets `here`, `app_dir` and `user` (their defaults) first, then calls
# parse_worker_option for every option it does not handle itself, check_region_and_user, and check_worker_inputs.

region="" env_file="" ssh_key="" kafka_ca="" root="" dry_run=0 uninstall=0

die() { echo "install-worker.sh: $*" >&2; exit 64; }

# parse_worker_option ARGS...: one of the options both installers take; sets `consumed` to the words it used
parse_worker_option() {
  case "$1" in
    --region) region=${2:?--region needs a value}; consumed=2 ;;
    --env-file) env_file=${2:?--env-file needs a file}; consumed=2 ;;
    --ssh-key) ssh_key=${2:?--ssh-key needs a file}; consumed=2 ;;
    --kafka-ca) kafka_ca=${2:?--kafka-ca needs a file}; consumed=2 ;;
    --app-dir) app_dir=${2:?--app-dir needs a directory}; consumed=2 ;;
    --user) user=${2:?--user needs a name}; consumed=2 ;;
    --root) root=${2:?--root needs a directory}; consumed=2 ;;
    --dry-run) dry_run=1; consumed=1 ;;
    --uninstall) uninstall=1; consumed=1 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
}

# the regions of contracts' Region enum; never root
check_region_and_user() {
  case "$region" in
    hk|jp|kr|sg|us) ;;
    *) die "--region must be one of hk, jp, kr, sg, us (got '${region}')" ;;
  esac
  case "$user" in
    root|'') die "--user must be a dedicated account, not '${user}'" ;;
  esac
  root=${root%/}
}

# run CMD...: print it (shell-quoted), run it unless --dry-run
run() {
  printf '+'; printf ' %q' "$@"; printf '\n'
  if [ "$dry_run" = 0 ]; then "$@"; fi
}

require_root_unless_dry_run() {
  if [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ]; then die "run as root (sudo), or with --dry-run"; fi
}

# The inputs of an install: the environment file (KEY=VALUE lines; the installer owns the region and the key's path),
# the region's SSH key, the optional Kafka CA, the built worker. Nothing of the files' contents is printed.
check_worker_inputs() {
  [ -n "$env_file" ] && [ -f "$env_file" ] || die "--env-file FILE is required (start from $here/../launchd/probe-worker.env.example)"
  [ -n "$ssh_key" ] && [ -f "$ssh_key" ] || die "--ssh-key FILE is required: the region's SSH client key (OpenSSH format)"
  [ -z "$kafka_ca" ] || [ -f "$kafka_ca" ] || die "--kafka-ca $kafka_ca not found"
  [ -f "$app_dir/quarkus-run.jar" ] || die "no quarkus-run.jar in $app_dir (build: ./mvnw -pl probe-service -am package -DskipTests)"
  if grep -Eq '^PROBE_SSH_PRIVATE_KEY_FILE=' "$env_file"; then
    die "$env_file sets PROBE_SSH_PRIVATE_KEY_FILE: leave it out, the installer points it at the installed --ssh-key"
  fi
  if grep -Eq '^PROBE_REGION=' "$env_file" && ! grep -Eqi "^PROBE_REGION=['\"]?$region['\"]?\$" "$env_file"; then
    die "$env_file sets PROBE_REGION to another region than --region $region"
  fi
  if grep -Evq '^([[:space:]]*$|#|[A-Za-z_][A-Za-z0-9_]*=)' "$env_file"; then
    die "$env_file has a line that is not KEY=VALUE, a comment or blank"
  fi
}
