#!/usr/bin/env bash
# Starts the bifrost edge bundle: Traefik, NetBird, Authentik + Postgres, Gatus.
#
# Pulumi runs this as root after copying the bundle and writing the secret env
# files, and again whenever a bundle file or a secret changes. It is safe to
# re-run by hand (sudo bash /opt/bifrost/bootstrap.sh): every step converges
# instead of redoing work, so a second run with the same inputs changes
# nothing and restarts nothing.
#
# Settings (stages, secret files, timeouts) come from bootstrap.env, which
# Pulumi renders from config. Secret values never pass through this script's
# output.
set -euo pipefail

BUNDLE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$BUNDLE_DIR"

log() { printf '[bootstrap] %s\n' "$*"; }
die() {
  printf '[bootstrap] error: %s\n' "$*" >&2
  exit 1
}

[ -f bootstrap.env ] || die "bootstrap.env is missing next to $0 (Pulumi copies it with the bundle)"
# shellcheck source=/dev/null
. ./bootstrap.env
: "${BIFROST_STAGES:?bootstrap.env: BIFROST_STAGES missing}"
: "${BIFROST_SECRET_FILES:?bootstrap.env: BIFROST_SECRET_FILES missing}"
: "${BIFROST_HEALTH_TIMEOUT:?bootstrap.env: BIFROST_HEALTH_TIMEOUT missing}"
: "${BIFROST_NETBIRD_TEMPLATE:?bootstrap.env: BIFROST_NETBIRD_TEMPLATE missing}"
: "${BIFROST_NETBIRD_CONFIG:?bootstrap.env: BIFROST_NETBIRD_CONFIG missing}"
: "${BIFROST_NETBIRD_VARS:?bootstrap.env: BIFROST_NETBIRD_VARS missing}"
BIFROST_RESTART_ON=${BIFROST_RESTART_ON:-}
POLL_SECONDS=${BIFROST_POLL_SECONDS:-5}
STATE_DIR=.state

compose() { docker compose --project-directory "$BUNDLE_DIR" -f "$BUNDLE_DIR/compose.yaml" "$@"; }

require_tools() {
  local tool
  for tool in docker envsubst cmp sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed; cloud-init installs it (check: cloud-init status --long)"
  done
  docker compose version >/dev/null 2>&1 || die "the docker compose plugin is missing"
}

require_secrets() {
  local file
  for file in $BIFROST_SECRET_FILES; do
    [ -s "secrets/$file" ] || die "secrets/$file is missing or empty; Pulumi writes it before running this script"
  done
}

# Moves stdin to $1 (mode $2) only when the content differs, so an unchanged
# file keeps its inode and mtime. Prints "changed" or "unchanged".
install_if_changed() {
  local dest=$1 mode=$2 tmp
  tmp=$(mktemp "$dest.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    rm -f "$tmp"
    echo unchanged
  else
    mv -f "$tmp" "$dest"
    echo changed
  fi
}

# The NetBird server reads its secrets only from its config file: fill the
# template's placeholders from secrets/netbird-server.env. A subshell keeps
# the values out of this script's environment and away from docker.
render_netbird_config() {
  local result
  result=$(
    set -a
    # shellcheck source=/dev/null
    . secrets/netbird-server.env
    set +a
    shell_format=""
    for var in $BIFROST_NETBIRD_VARS; do
      [ -n "${!var:-}" ] || die "$var is empty in secrets/netbird-server.env"
      # Substituted into a double-quoted YAML string: keep to characters that
      # need no escaping (what `openssl rand -base64` produces, plus the `$`
      # of a bcrypt hash).
      [[ ${!var} =~ ^[A-Za-z0-9+/=._\$-]+$ ]] || die "$var contains characters that cannot go into YAML unescaped; regenerate it with openssl rand -base64 32"
      shell_format+="\${$var} "
    done
    umask 077
    envsubst "$shell_format" <"$BIFROST_NETBIRD_TEMPLATE" | install_if_changed "$BIFROST_NETBIRD_CONFIG" 0600
  )
  log "NetBird config: $result"
}

# Bind-mounted config files a running container will not re-read by itself.
files_of() {
  local service=$1 entry
  local -a entries
  IFS=';' read -r -a entries <<<"$BIFROST_RESTART_ON"
  for entry in "${entries[@]}"; do
    [ "${entry%%=*}" = "$service" ] && printf '%s\n' "${entry#*=}"
  done
  return 0
}

config_digest() {
  local service=$1 file files
  files=$(files_of "$service")
  [ -n "$files" ] || return 0
  for file in $files; do sha256sum "$file"; done | sha256sum | cut -d' ' -f1
}

is_running() { [ -n "$(compose ps -q --status running "$1" 2>/dev/null)" ]; }

# Starts one stage. Containers whose definition changed are recreated by
# compose itself; containers whose mounted config changed are restarted;
# everything else is left running untouched.
start_stage() {
  local service digest
  local -a restart=()
  for service in "$@"; do
    digest=$(config_digest "$service")
    if [ -n "$digest" ] && is_running "$service" && [ "$digest" != "$(cat "$STATE_DIR/$service.sha256" 2>/dev/null || true)" ]; then
      restart+=("$service")
    fi
  done
  log "starting: $*"
  compose up -d --remove-orphans "$@"
  if [ "${#restart[@]}" -gt 0 ]; then
    log "config changed, restarting: ${restart[*]}"
    compose restart "${restart[@]}"
  fi
}

record_stage() {
  local service digest
  for service in "$@"; do
    digest=$(config_digest "$service")
    [ -z "$digest" ] || printf '%s\n' "$digest" >"$STATE_DIR/$service.sha256"
  done
}

state_of() {
  local id
  id=$(compose ps -q "$1" 2>/dev/null || true)
  if [ -z "$id" ]; then
    echo missing
    return 0
  fi
  # Services with a healthcheck report its status; those without (Gatus
  # ships FROM scratch) can only be "running".
  docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id"
}

wait_stage() {
  local deadline=$((SECONDS + BIFROST_HEALTH_TIMEOUT)) service state
  local -a pending
  while :; do
    pending=()
    for service in "$@"; do
      state=$(state_of "$service")
      case $state in
        healthy | running) ;;
        *) pending+=("$service:$state") ;;
      esac
    done
    [ "${#pending[@]}" -eq 0 ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      printf '[bootstrap] error: not healthy after %ss: %s\n' "$BIFROST_HEALTH_TIMEOUT" "${pending[*]}" >&2
      for service in "${pending[@]}"; do
        printf '[bootstrap] last log lines of %s:\n' "${service%%:*}" >&2
        compose logs --no-color --tail 40 "${service%%:*}" >&2 || true
      done
      exit 1
    fi
    sleep "$POLL_SECONDS"
  done
}

main() {
  local stage
  local -a stages services
  require_tools
  require_secrets
  install -d -m 0700 "$STATE_DIR"
  render_netbird_config
  compose config --quiet || die "compose.yaml does not validate"

  IFS=';' read -r -a stages <<<"$BIFROST_STAGES"
  for stage in "${stages[@]}"; do
    read -r -a services <<<"$stage"
    start_stage "${services[@]}"
    wait_stage "${services[@]}"
    record_stage "${services[@]}"
    log "ready: ${services[*]}"
  done
  log "bifrost is up"
}

main "$@"
