#!/usr/bin/env bash
# Wait for a Talos cluster to be usable, in one of two modes:
#
#   wait-cluster.sh talos        Talos-level health: every node's API answers and has
#                                finished booting; on the control planes etcd and the
#                                kubelet are healthy and etcd has every control plane
#                                as a voting member
#   wait-cluster.sh kubernetes   the Kubernetes API server answers /readyz
#
# Run by the talos stack's readiness steps (core/talos/cluster.ts) through
# @pulumi/command local commands. A command runs when it is created or
# replaced, never during a preview, so these waits happen only when the
# cluster is created or its nodes' configs change.
#
# The Talos checks are the ones the Talos provider's health data source runs
# with skip_kubernetes_checks (siderolabs/talos v1.13 pkg/cluster/check,
# PreBootSequenceChecks): nodes stay NotReady until Cilium, installed after
# this wait, provides the CNI, so Kubernetes node readiness is not waited for
# here (and MachineStatus' `ready` includes it, so the boot stage is read).
#
# Environment:
#   WAIT_SECONDS                  how long to wait in total
#   talos mode:       HOMELAB_TALOSCONFIG (the content, a Pulumi secret; never printed),
#                     CONTROL_PLANE_IPS, WORKER_IPS (comma separated; WORKER_IPS may be empty)
#   kubernetes mode:  HOMELAB_KUBECONFIG (the content, a Pulumi secret; never printed)
# Optional: POLL_SECONDS between polls (default 5).
# Needs talosctl, kubectl and jq on PATH (`just doctor`).
# Runs after lib.sh, the helpers the step scripts share: the step's command is
# both texts (core/talos/step-scripts.ts).
set -euo pipefail

mode="${1:-}"
[[ $mode == talos || $mode == kubernetes ]] || {
  echo "usage: wait-cluster.sh talos|kubernetes" >&2
  exit 2
}
: "${WAIT_SECONDS:?}"

log_as cluster

# Client configs live only in a private temp dir for this run (lib.sh).
make_private_workdir

deadline=$((SECONDS + WAIT_SECONDS))
# Polls a check every POLL_SECONDS (5) until it passes or the one deadline for this run passes.
wait_within_run() { # what check…
  log "waiting for $1"
  poll_until "$deadline" 5 "gave up after ${WAIT_SECONDS}s waiting for $1" "${@:2}"
}

api_ready() { kubectl get --raw /readyz >/dev/null 2>&1; }
if [[ $mode == kubernetes ]]; then
  : "${HOMELAB_KUBECONFIG:?HOMELAB_KUBECONFIG must hold the admin kubeconfig}"
  secret_to_file HOMELAB_KUBECONFIG kubeconfig
  export KUBECONFIG="$workdir/kubeconfig"
  wait_within_run "the Kubernetes API server to answer /readyz" api_ready
  log "the Kubernetes API server is ready"
  exit 0
fi

: "${HOMELAB_TALOSCONFIG:?HOMELAB_TALOSCONFIG must hold the talosctl config}"
: "${CONTROL_PLANE_IPS:?}"
secret_to_file HOMELAB_TALOSCONFIG talosconfig
export TALOSCONFIG="$workdir/talosconfig"

IFS=, read -ra control_planes <<<"$CONTROL_PLANE_IPS"
IFS=, read -ra workers <<<"${WORKER_IPS:-}"
all_nodes=("${control_planes[@]}" "${workers[@]}")

# Every node's Talos API answers and its machine has finished booting.
nodes_booted() {
  local ip
  for ip in "${all_nodes[@]}"; do
    [[ "$(talosctl --nodes "$ip" get machinestatus --output json 2>/dev/null | jq -r '.spec.stage')" == running ]] || return 1
  done
}

# etcd healthy on every control plane, and each control plane sees exactly
# that many members, none of them a learner.
etcd_healthy_everywhere() {
  local ip members
  for ip in "${control_planes[@]}"; do
    service_healthy "$ip" etcd || return 1
    members="$(etcd_voting_members "$ip")" || return 1
    [[ $members == "${#control_planes[@]}" ]] || return 1
  done
}

kubelets_healthy() {
  local ip
  for ip in "${control_planes[@]}"; do service_healthy "$ip" kubelet || return 1; done
}

wait_within_run "every node's Talos API to answer and finish booting" nodes_booted
wait_within_run "etcd to be healthy with every control plane as a member" etcd_healthy_everywhere
wait_within_run "the kubelet to be healthy on every control plane" kubelets_healthy
log "Talos reports ${#all_nodes[@]} nodes booted, etcd and the control-plane kubelets healthy"
