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
# Runs after lib.sh, the helpers the step scripts share: the step's command is
# both texts (core/talos/step-scripts.ts).
set -euo pipefail

: "${HOMELAB_TALOSCONFIG:?HOMELAB_TALOSCONFIG must hold the talosctl config}"
: "${NODE_NAME:?}" "${NODE_IP:?}" "${NODE_CLASS:?}" "${TARGET_IMAGE:?}" "${CONTROL_PLANE_IPS:?}"
: "${NODE_TIMEOUT:?}" "${DRAIN_TIMEOUT:?}" "${GATE_SECONDS:?}"

log_as "$NODE_NAME"

# The client config lives only in a private temp dir for this run (lib.sh).
make_private_workdir
secret_to_file HOMELAB_TALOSCONFIG talosconfig
export TALOSCONFIG="$workdir/talosconfig"

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

# Never decide on a failed read: an unreachable node is waited for, not upgraded.
wait_for "the node's Talos API to answer" read_running
if runs_target; then
  log "runs Talos $want_version with schematic $want_schematic; nothing to do"
  exit 0
fi
log "runs Talos ${version} with schematic ${schematic:-none}; upgrading to $TARGET_IMAGE"

# Control planes only: etcd healthy with every member (the gate, lib.sh).
etcd_gate_before upgrading

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

etcd_gate_after "the upgrade"
log "upgraded to Talos $want_version with schematic $want_schematic"
