#!/usr/bin/env bash
# Upgrade one Talos node to an installer image, or confirm it already runs it.
#
# Run by the talos stack's upgrade steps (core/talos/upgrades.ts) through a
# @pulumi/command local command, one node per run. Safe to run again at any
# point: it first reads what the node runs and does nothing when that is the
# target, so the first `up` (nodes installed from the target image) only
# confirms, and an `up` interrupted mid-rollout resumes where it stopped.
#
# Environment (all required):
#   HOMELAB_TALOSCONFIG  talosctl client config, the content (a Pulumi secret; never printed)
#   NODE_NAME, NODE_IP   the node
#   NODE_CLASS           controlplane | worker | gpu
#   TARGET_IMAGE         factory.talos.dev/<platform>-installer/<schematic id>:<Talos version>
#   CONTROL_PLANE_IPS    every control-plane IP, comma separated (the etcd gate)
#   NODE_TIMEOUT, DRAIN_TIMEOUT   durations for talosctl, like 30m
#   GATE_SECONDS         how long to wait for the node's API and for etcd health
# Optional: POLL_SECONDS between health polls (default 10).
# Needs talosctl and jq on PATH (`just doctor`).
set -euo pipefail

: "${HOMELAB_TALOSCONFIG:?HOMELAB_TALOSCONFIG must hold the talosctl config}"
: "${NODE_NAME:?}" "${NODE_IP:?}" "${NODE_CLASS:?}" "${TARGET_IMAGE:?}" "${CONTROL_PLANE_IPS:?}"
: "${NODE_TIMEOUT:?}" "${DRAIN_TIMEOUT:?}" "${GATE_SECONDS:?}"

log() { printf '%s: %s\n' "$NODE_NAME" "$*"; }
fail() {
  printf '%s: %s\n' "$NODE_NAME" "$*" >&2
  exit 1
}

# The client config lives only in a private temp dir for this run; the trap
# removes it on every exit, and signals are turned into exits so it runs then too.
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
umask 077
printf '%s' "$HOMELAB_TALOSCONFIG" >"$workdir/talosconfig"
chmod 600 "$workdir/talosconfig"
unset HOMELAB_TALOSCONFIG
export TALOSCONFIG="$workdir/talosconfig"

# Polls a check every POLL_SECONDS (10) until it passes or GATE_SECONDS run out.
wait_for() {
  local what="$1" deadline
  shift
  deadline=$((SECONDS + GATE_SECONDS))
  until "$@"; do
    ((SECONDS < deadline)) || fail "gave up after ${GATE_SECONDS}s waiting for $what"
    sleep "${POLL_SECONDS:-10}"
  done
}

# The installer reference names both halves of what a node runs.
want_version="${TARGET_IMAGE##*:}"
want_schematic="${TARGET_IMAGE%:*}"
want_schematic="${want_schematic##*/}"
[[ $want_schematic =~ ^[0-9a-f]{64}$ ]] || fail "expected an Image Factory installer (…/<schematic id>:<version>), got $TARGET_IMAGE"

running_version() { talosctl --nodes "$NODE_IP" get version --output json | jq -r '.spec.version'; }
# Image Factory images carry their schematic id as the version of a pseudo-extension named "schematic".
running_schematic() {
  talosctl --nodes "$NODE_IP" get extensions --output json |
    jq -r 'select(.spec.metadata.name == "schematic") | .spec.metadata.version'
}

# Sets `version` and `schematic` to what the node runs; fails while its API does not answer.
version="" schematic=""
read_running() {
  version="$(running_version)" && schematic="$(running_schematic)" && [[ -n $version && $version != null ]]
}
runs_target() { [[ $version == "$want_version" && $schematic == "$want_schematic" ]]; }

machine_ready() {
  [[ "$(talosctl --nodes "$NODE_IP" get machinestatus --output json | jq -r '.spec.status.ready')" == true ]]
}

# etcd is healthy with every control plane a voting member: the service
# reports healthy on each control plane, and this node sees exactly that many
# members, none a learner. Taking one member down is only safe then.
etcd_healthy() {
  local ip members expected cps
  IFS=, read -ra cps <<<"$CONTROL_PLANE_IPS"
  expected="${#cps[@]}"
  for ip in "${cps[@]}"; do
    [[ "$(talosctl --nodes "$ip" get services etcd --output json 2>/dev/null | jq -r '.spec.healthy')" == true ]] || return 1
  done
  # Table: a header, then one row per member ending in the LEARNER column.
  members="$(talosctl --nodes "$NODE_IP" etcd members 2>/dev/null | awk 'NR > 1 && $NF == "false" { n++ } NR > 1 && $NF != "false" { l++ } END { print (l ? -1 : n + 0) }')" || return 1
  [[ $members == "$expected" ]]
}

# Never decide on a failed read: an unreachable node is waited for, not upgraded.
wait_for "the node's Talos API to answer" read_running
if runs_target; then
  log "runs Talos $want_version with schematic $want_schematic; nothing to do"
  exit 0
fi
log "runs Talos ${version} with schematic ${schematic:-none}; upgrading to $TARGET_IMAGE"

if [[ $NODE_CLASS == controlplane ]]; then
  log "waiting for etcd to be healthy with all control planes as members"
  wait_for "a healthy etcd before upgrading" etcd_healthy
fi

# Talos 1.13 upgrades through the lifecycle API: pull the installer, install to
# the inactive boot slot (data is kept), cordon and drain, reboot, wait for the
# node to come back Ready, uncordon. It does not check etcd itself (the legacy
# API did), hence the gate above.
talosctl --nodes "$NODE_IP" upgrade \
  --image "$TARGET_IMAGE" \
  --wait --timeout "$NODE_TIMEOUT" \
  --drain --drain-timeout "$DRAIN_TIMEOUT" \
  --progress plain

wait_for "the node to report ready" machine_ready
# A new image that fails to boot makes Talos fall back to the previous one, and
# the upgrade call above still returns; only what the node runs now tells.
wait_for "the node's Talos API to answer" read_running
runs_target || fail "came back running Talos $version with schematic ${schematic:-none}, not $TARGET_IMAGE: Talos rolled back; see talosctl -n $NODE_IP dmesg"

if [[ $NODE_CLASS == controlplane ]]; then
  wait_for "etcd to be healthy again after the upgrade" etcd_healthy
fi
log "upgraded to Talos $want_version with schematic $want_schematic"
