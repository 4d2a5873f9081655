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
: "${BIFROST_STATE_MOUNT:?bootstrap.env: BIFROST_STATE_MOUNT missing}"
: "${BIFROST_STATE_DIRS:?bootstrap.env: BIFROST_STATE_DIRS missing}"
: "${BIFROST_DUMP_CALENDAR:?bootstrap.env: BIFROST_DUMP_CALENDAR missing}"
: "${BIFROST_DUMP_KEEP:?bootstrap.env: BIFROST_DUMP_KEEP missing}"
: "${BIFROST_NETBIRD_LAN:?bootstrap.env: BIFROST_NETBIRD_LAN missing}"
: "${BIFROST_NETBIRD_RECONCILER:?bootstrap.env: BIFROST_NETBIRD_RECONCILER missing}"
: "${BIFROST_NETBIRD_API_DIR:?bootstrap.env: BIFROST_NETBIRD_API_DIR missing}"
BIFROST_LOCAL_SECRET_FILES=${BIFROST_LOCAL_SECRET_FILES:-}
BIFROST_NETBIRD_AGENT_ENV=${BIFROST_NETBIRD_AGENT_ENV:-}
BIFROST_RESTART_ON=${BIFROST_RESTART_ON:-}
POLL_SECONDS=${BIFROST_POLL_SECONDS:-5}
STATE_DIR=.state
# Tests only: a directory that stands in for / (fstab, unit files, device, mount point).
SYSROOT=${BIFROST_SYSROOT:-}
FSTAB=$SYSROOT/etc/fstab
UNIT_DIR=$SYSROOT/etc/systemd/system
MOUNT=$SYSROOT$BIFROST_STATE_MOUNT
# Services the NetBird steps look for (compose.yaml's names).
NB_SERVER=netbird-server
NB_AGENT=netbird-agent
# Set when the NetBird step fails: the other services still start, then the
# run fails with this message.
NETBIRD_PROBLEM=""
# Authentik's database: user and database name as compose.yaml sets them.
PG_SERVICE=postgres
PG_ROLE=authentik
PG_DB=authentik

compose() { docker compose --project-directory "$BUNDLE_DIR" -f "$BUNDLE_DIR/compose.yaml" "$@"; }

require_tools() {
  local tool
  for tool in docker envsubst cmp sha256sum blkid findmnt mountpoint systemctl python3; do
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

# A secret env file the bundle no longer uses (like the Cloudflare token
# Traefik once had) must not linger on the VPS: remove every secrets/*.env
# that neither BIFROST_SECRET_FILES (Pulumi writes them) nor
# BIFROST_LOCAL_SECRET_FILES (made here) lists. Names only in the log.
remove_stale_secrets() {
  local path name
  for path in secrets/*.env; do
    [ -e "$path" ] || continue
    name=${path#secrets/}
    case " $BIFROST_SECRET_FILES $BIFROST_LOCAL_SECRET_FILES " in
      *" $name "*) ;;
      *)
        rm -f -- "$path"
        log "removed secrets/$name: the bundle no longer uses it"
        ;;
    esac
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

# ---- the state volume -------------------------------------------------------
# Every stateful directory of the bundle lives on the Hetzner volume Pulumi
# attaches to this server. It is mounted by its by-id device path, recorded in
# /etc/fstab, and docker.service requires the mount, so after a reboot no
# container starts on an empty mount point. Nothing here ever formats: Hetzner
# formats the volume once, when Pulumi creates it.

wait_for_device() {
  local device=$1 deadline=$((SECONDS + 60))
  until [ -e "$device" ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "the state volume $device did not appear within 60s (is it attached? hcloud volume list)"
    sleep 1
  done
}

# Writes unit/drop-in content (stdin) and reloads systemd only when it changed.
install_unit() {
  local dest=$1 result
  install -d -m 0755 "$(dirname "$dest")"
  result=$(install_if_changed "$dest" 0644)
  if [ "$result" = changed ]; then
    systemctl daemon-reload
    echo changed
  else
    echo unchanged
  fi
}

mount_state() {
  local device=${BIFROST_STATE_DEVICE:-} fs line current tmp entry sub uid gid mode
  if [ -z "$device" ] && [ -f "$FSTAB" ]; then
    # A hand re-run: use the device the first run recorded.
    device=$(awk -v m="$BIFROST_STATE_MOUNT" '$2 == m { print $1; exit }' "$FSTAB")
  fi
  [ -n "$device" ] || die "BIFROST_STATE_DEVICE is not set and $FSTAB has no entry for $BIFROST_STATE_MOUNT (Pulumi passes it on every run)"
  [[ $device =~ ^/dev/disk/by-id/scsi-0HC_Volume_[0-9]+$ ]] || die "BIFROST_STATE_DEVICE must be a Hetzner volume path /dev/disk/by-id/scsi-0HC_Volume_<id>"
  wait_for_device "$SYSROOT$device"
  fs=$(blkid -o value -s TYPE "$SYSROOT$device" || true)
  [ "$fs" = ext4 ] || die "$device holds no ext4 file system; refusing to format a volume that may hold data (Hetzner formats it when Pulumi creates it)"

  line="$device $BIFROST_STATE_MOUNT ext4 defaults,nofail,x-systemd.device-timeout=60s 0 2"
  if ! { [ -f "$FSTAB" ] && grep -qxF "$line" "$FSTAB"; }; then
    tmp=$(mktemp "$FSTAB.XXXXXX")
    if [ -f "$FSTAB" ]; then awk -v m="$BIFROST_STATE_MOUNT" '$2 != m' "$FSTAB" >"$tmp"; fi
    printf '%s\n' "$line" >>"$tmp"
    chmod 0644 "$tmp"
    mv -f "$tmp" "$FSTAB"
    systemctl daemon-reload
    log "fstab: state volume entry written"
  fi
  install -d -m 0755 "$MOUNT"
  if mountpoint -q "$MOUNT"; then
    current=$(findmnt -n -o SOURCE --mountpoint "$MOUNT")
    [ "$(readlink -f "$current")" = "$(readlink -f "$SYSROOT$device")" ] || die "$BIFROST_STATE_MOUNT is mounted from $current, not from the state volume $device"
  else
    mount "$MOUNT"
    log "state volume mounted at $BIFROST_STATE_MOUNT"
  fi
  mountpoint -q "$MOUNT" || die "$BIFROST_STATE_MOUNT is not a mount point after mounting; refusing to write state to the server's disk"

  printf '[Unit]\nRequiresMountsFor=%s\n' "$BIFROST_STATE_MOUNT" | install_unit "$UNIT_DIR/docker.service.d/10-bifrost-state.conf" >/dev/null

  # Created once with their owner; never chowned again, since a running
  # service (Postgres) owns its directory by then.
  for entry in $BIFROST_STATE_DIRS; do
    IFS=: read -r sub uid gid mode <<<"$entry"
    [ -d "$MOUNT/$sub" ] && continue
    install -d -m 0755 "$(dirname "$MOUNT/$sub")"
    if [ "$(id -u)" -eq 0 ]; then install -d -m "$mode" -o "$uid" -g "$gid" "$MOUNT/$sub"; else install -d -m "$mode" "$MOUNT/$sub"; fi
    log "state: created $sub"
  done
  install -d -m 0700 "$MOUNT/.bifrost"
}

# ---- NetBird: claimed, and the path to the LAN ---------------------------------
# netbird-lan.py claims NetBird through its setup call (which returns an API
# token) and then makes the groups, setup keys, network and policies of
# netbird/lan-path.json. It talks to the server on the Docker network, by the
# container's address: Traefik never forwards the setup call, and on a first
# boot it is not even running yet. Its secrets (token, setup keys) stay on
# the state volume, mode 0600; it writes bifrost's agent env file itself.

# compose needs the agent's env file to exist before the agent has a key.
prepare_agent_env() {
  [ -n "$BIFROST_NETBIRD_AGENT_ENV" ] || return 0
  [ -e "secrets/$BIFROST_NETBIRD_AGENT_ENV" ] && return 0
  (umask 077 && : >"secrets/$BIFROST_NETBIRD_AGENT_ENV")
}

netbird_api_url() {
  local id ip
  id=$(compose ps -q "$NB_SERVER" 2>/dev/null || true)
  [ -n "$id" ] || return 1
  ip=$(docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$id")
  [[ $ip =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || return 1
  printf 'http://%s:80\n' "$ip"
}

reconcile_netbird() {
  local url rc=0
  local -a args
  if ! url=$(netbird_api_url); then
    NETBIRD_PROBLEM="could not find $NB_SERVER's address on the bundle network"
    return 0
  fi
  args=(--api "$url" --desired "$BIFROST_NETBIRD_LAN" --state-dir "$MOUNT/$BIFROST_NETBIRD_API_DIR" --owner-env secrets/netbird-api.env)
  [ -z "$BIFROST_NETBIRD_AGENT_ENV" ] || args+=(--agent-env "secrets/$BIFROST_NETBIRD_AGENT_ENV")
  python3 "$BIFROST_NETBIRD_RECONCILER" "${args[@]}" || rc=$?
  case $rc in
    0) ;;
    3) NETBIRD_PROBLEM="NetBird was set up without an API token this bundle can use: see the [netbird] lines above" ;;
    *) NETBIRD_PROBLEM="the NetBird step failed (exit $rc): see the [netbird] lines above" ;;
  esac
  return 0
}

# The agent enrols with the key netbird-lan.py wrote; without one it cannot.
agent_ready_to_start() {
  [ -s "secrets/$BIFROST_NETBIRD_AGENT_ENV" ]
}

# ---- Authentik's database -----------------------------------------------------
# The postgres image applies POSTGRES_PASSWORD only when it creates the
# cluster (docker-library/postgres docker-entrypoint.sh, "skipping
# initialization" on an existing one), so a rotated secret would lock
# Authentik out. Set the role's password to the secret whenever the secret
# differs from the one last applied; the record of it lives on the volume,
# next to the data it describes. The statement goes over stdin and psql's
# output is discarded, so the value never reaches argv or a log.
sync_postgres_password() {
  local marker=$MOUNT/.bifrost/postgres-password.sha256 digest
  digest=$(
    # shellcheck source=/dev/null
    . secrets/postgres.env
    printf '%s' "$POSTGRES_PASSWORD" | sha256sum | cut -d' ' -f1
  )
  [ "$digest" != "$(cat "$marker" 2>/dev/null || true)" ] || return 0
  (
    # shellcheck source=/dev/null
    . secrets/postgres.env
    printf "ALTER ROLE %s WITH PASSWORD '%s';\n" "$PG_ROLE" "${POSTGRES_PASSWORD//\'/\'\'}"
  ) | compose exec -T "$PG_SERVICE" psql -v ON_ERROR_STOP=1 -q -U "$PG_ROLE" -d "$PG_DB" >/dev/null 2>&1 ||
    die "could not set the $PG_ROLE role's password to AUTHENTIK_POSTGRES_PASSWORD (psql failed; its output is withheld because it can echo the statement)"
  printf '%s\n' "$digest" >"$marker"
  log "postgres: $PG_ROLE password set from AUTHENTIK_POSTGRES_PASSWORD"
}

# A logical dump of Authentik's database onto the volume, run by
# bifrost-db-dump.timer (restore: README, "Backups and restore").
dump_database() {
  local dir=$MOUNT/backups name tmp
  install -d -m 0700 "$dir"
  name="authentik-$(date -u +%Y%m%dT%H%M%SZ).pgdump"
  tmp=$(mktemp "$dir/.dump.XXXXXX")
  if ! compose exec -T "$PG_SERVICE" pg_dump -U "$PG_ROLE" -d "$PG_DB" --format=custom >"$tmp"; then
    rm -f "$tmp"
    die "pg_dump failed; the previous dumps are untouched"
  fi
  chmod 0600 "$tmp"
  mv -f "$tmp" "$dir/$name"
  # Keep the newest BIFROST_DUMP_KEEP dumps (names sort by time).
  find "$dir" -maxdepth 1 -name 'authentik-*.pgdump' | sort -r | tail -n +"$((BIFROST_DUMP_KEEP + 1))" | while read -r old; do rm -f "$old"; done
  log "dump written: backups/$name"
}

install_dump_timer() {
  local service timer
  service=$(
    printf '[Unit]\nDescription=Logical dump of Authentik'"'"'s database onto the bifrost state volume; NetBird'"'"'s token renewal\n'
    printf 'Requires=docker.service\nAfter=docker.service\nRequiresMountsFor=%s\n\n' "$BIFROST_STATE_MOUNT"
    printf '[Service]\nType=oneshot\nExecStart=/bin/bash %s/bootstrap.sh dump\n' "$BUNDLE_DIR"
    # Daily, too: renew NetBird's API token well before it expires (NetBird
    # caps tokens at 365 days) and put back what was removed by hand. "-":
    # a NetBird failure does not mark the dump failed.
    printf 'ExecStart=-/bin/bash %s/bootstrap.sh netbird\n' "$BUNDLE_DIR"
  )
  timer=$(
    printf '[Unit]\nDescription=Scheduled logical dump of Authentik'"'"'s database\n\n'
    printf '[Timer]\nOnCalendar=%s\nPersistent=true\nRandomizedDelaySec=600\n\n' "$BIFROST_DUMP_CALENDAR"
    printf '[Install]\nWantedBy=timers.target\n'
  )
  local a b
  a=$(printf '%s\n' "$service" | install_unit "$UNIT_DIR/bifrost-db-dump.service")
  b=$(printf '%s\n' "$timer" | install_unit "$UNIT_DIR/bifrost-db-dump.timer")
  if [ "$a" = changed ] || [ "$b" = changed ]; then
    systemctl enable --now bifrost-db-dump.timer >/dev/null 2>&1 || die "could not enable bifrost-db-dump.timer"
    log "database dump timer: $BIFROST_DUMP_CALENDAR, keeping $BIFROST_DUMP_KEEP"
  fi
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
  remove_stale_secrets
  render_netbird_config
  # Before anything starts: every container's data is on the volume.
  mount_state
  install -d -m 0700 "$STATE_DIR"
  prepare_agent_env
  compose config --quiet || die "compose.yaml does not validate"

  IFS=';' read -r -a stages <<<"$BIFROST_STAGES"
  for stage in "${stages[@]}"; do
    read -r -a services <<<"$stage"
    if [[ " ${services[*]} " == *" $NB_AGENT "* ]] && ! agent_ready_to_start; then
      log "not starting $NB_AGENT: it has no setup key yet"
      continue
    fi
    start_stage "${services[@]}"
    wait_stage "${services[@]}"
    record_stage "${services[@]}"
    if [[ " ${services[*]} " == *" $PG_SERVICE "* ]]; then sync_postgres_password; fi
    if [[ " ${services[*]} " == *" $NB_SERVER "* ]]; then reconcile_netbird; fi
    log "ready: ${services[*]}"
  done
  install_dump_timer
  [ -z "$NETBIRD_PROBLEM" ] || die "$NETBIRD_PROBLEM; every other service is up"
  log "bifrost is up"
}

case ${1:-} in
  "") main ;;
  dump)
    mount_state
    dump_database
    ;;
  netbird)
    mount_state
    reconcile_netbird
    [ -z "$NETBIRD_PROBLEM" ] || die "$NETBIRD_PROBLEM"
    log "NetBird is as lan-path.json says"
    ;;
  *) die "usage: $0 [dump|netbird]" ;;
esac
