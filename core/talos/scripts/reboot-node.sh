#!/usr/bin/env bash
# Apply a node VM's pending Proxmox hardware changes (CPU type, cores, memory,
# PCI devices) with one Proxmox reboot, or confirm there is nothing pending.
#
# The talos stack's VMs never reboot on their own (`rebootAfterUpdate: false`
# on the bpg VM resource): Proxmox keeps such a change as pending until the VM
# is stopped and started again. A reboot from inside the guest keeps the same
# QEMU process and applies nothing; Proxmox's own reboot (POST
# /nodes/{node}/qemu/{vmid}/status/reboot: shut down, start again) does.
# This script is run by the rollout steps (core/talos/upgrades.ts) in the
# order of the upgrades: control planes one at a time, each gated on a healthy
# etcd with every member, then workers in batches. Safe to run again: it first
# reads the VM's pending changes (GET …/qemu/{vmid}/pending, Proxmox
# qemu-server PVE/API2/Qemu.pm) and does nothing when there are none.
#
# Environment (all required):
#   HOMELAB_TALOSCONFIG, HOMELAB_KUBECONFIG   client configs, the content (Pulumi secrets; never printed)
#   HOMELAB_PROXMOX_SECRET   API token (`user@realm!name=uuid`) or password (a Pulumi secret; never printed)
#   PROXMOX_AUTH             token | password
#   PROXMOX_USERNAME         user@realm for password auth (empty for a token)
#   PROXMOX_ENDPOINT         like https://10.10.0.2:8006/
#   PROXMOX_INSECURE         true to skip TLS verification (config says so), else false
#   PROXMOX_HOST, VM_ID      where the VM runs
#   NODE_NAME, NODE_IP, NODE_CLASS   the node (controlplane | worker | gpu)
#   CONTROL_PLANE_IPS        every control-plane IP, comma separated (the etcd gate)
#   DRAIN_TIMEOUT            like 10m (kubectl drain --timeout)
#   GATE_SECONDS             how long to wait for etcd, the reboot and the node
# Optional: POLL_SECONDS between polls (default 10).
# Needs curl, jq, talosctl and kubectl on PATH (`just doctor`).
# Runs after lib.sh, the helpers the step scripts share: the step's command is
# both texts (core/talos/step-scripts.ts).
set -euo pipefail

: "${HOMELAB_TALOSCONFIG:?}" "${HOMELAB_KUBECONFIG:?}" "${HOMELAB_PROXMOX_SECRET:?}"
: "${PROXMOX_AUTH:?}" "${PROXMOX_ENDPOINT:?}" "${PROXMOX_INSECURE:?}" "${PROXMOX_HOST:?}" "${VM_ID:?}"
: "${NODE_NAME:?}" "${NODE_IP:?}" "${NODE_CLASS:?}" "${CONTROL_PLANE_IPS:?}" "${DRAIN_TIMEOUT:?}" "${GATE_SECONDS:?}"

log_as "$NODE_NAME"

# Credentials live only in a private temp dir for this run (lib.sh), never on a command line.
make_private_workdir
secret_to_file HOMELAB_TALOSCONFIG talosconfig
secret_to_file HOMELAB_KUBECONFIG kubeconfig
secret_to_file HOMELAB_PROXMOX_SECRET proxmox-secret
export TALOSCONFIG="$workdir/talosconfig" KUBECONFIG="$workdir/kubeconfig"

api="${PROXMOX_ENDPOINT%/}/api2/json"
vm_path="nodes/$PROXMOX_HOST/qemu/$VM_ID"

# curl's own config file carries the credential (curl --config, `header = …`).
curl_config="$workdir/curl.conf"
{
  echo 'silent'
  echo 'show-error'
  echo 'fail'
  [[ $PROXMOX_INSECURE == true ]] && echo 'insecure'
} >"$curl_config"
if [[ $PROXMOX_AUTH == token ]]; then
  printf 'header = "Authorization: PVEAPIToken=%s"\n' "$(cat "$workdir/proxmox-secret")" >>"$curl_config"
else
  : "${PROXMOX_USERNAME:?PROXMOX_USERNAME is needed for password auth}"
  # A ticket for this run: the password goes in as a form field read from the file.
  ticket="$(curl --config "$curl_config" --data-urlencode "username=$PROXMOX_USERNAME" \
    --data-urlencode "password@$workdir/proxmox-secret" "$api/access/ticket")" || fail "Proxmox refused the login"
  jq -r '"cookie = \"PVEAuthCookie=\(.data.ticket)\"", "header = \"CSRFPreventionToken: \(.data.CSRFPreventionToken)\""' <<<"$ticket" >>"$curl_config"
  unset ticket
fi
pve() { curl --config "$curl_config" "$@"; }

# Keys Proxmox holds as pending (a new value, or a deletion) for this VM, one per line.
pending_keys() {
  pve "$api/$vm_path/pending" | jq -r '.data[] | select(has("pending") or has("delete")) | .key'
}

pending="$(pending_keys)" || fail "could not read the VM's pending changes from Proxmox"
if [[ -z $pending ]]; then
  log "VM $VM_ID on $PROXMOX_HOST has no pending hardware changes; nothing to do"
  exit 0
fi
log "VM $VM_ID on $PROXMOX_HOST has pending changes ($(tr '\n' ' ' <<<"$pending")); rebooting it through Proxmox"

machine_ready() {
  [[ "$(talosctl --nodes "$NODE_IP" get machinestatus --output json 2>/dev/null | jq -r '.spec.status.ready')" == true ]]
}

# Control planes only: etcd healthy with every member (the gate, lib.sh).
etcd_gate_before rebooting

kubectl drain "$NODE_NAME" --ignore-daemonsets --delete-emptydir-data --timeout "$DRAIN_TIMEOUT"

upid="$(pve --request POST "$api/$vm_path/status/reboot" | jq -r '.data')" || fail "Proxmox refused to reboot VM $VM_ID"
task_done() {
  local status
  status="$(pve "$api/nodes/$PROXMOX_HOST/tasks/$(jq -rn --arg u "$upid" '$u | @uri')/status")" || return 1
  [[ "$(jq -r '.data.status' <<<"$status")" == stopped ]] || return 1
  [[ "$(jq -r '.data.exitstatus' <<<"$status")" == OK ]] || fail "the Proxmox reboot task failed: $(jq -r '.data.exitstatus' <<<"$status")"
}
wait_for "Proxmox to reboot VM $VM_ID" task_done
wait_for "the node to report ready" machine_ready
kubectl uncordon "$NODE_NAME"

etcd_gate_after "the reboot"
pending="$(pending_keys)" || fail "could not read the VM's pending changes from Proxmox"
[[ -z $pending ]] || fail "rebooted, but Proxmox still holds pending changes: $(tr '\n' ' ' <<<"$pending")"
log "rebooted; the VM runs its configured hardware"
