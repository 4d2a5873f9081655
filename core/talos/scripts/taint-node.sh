#!/usr/bin/env bash
# Put the GPU taint on a node's Kubernetes Node object, from the Kubernetes side.
#
# A new GPU node registers with its taint (the kubelet's registerWithTaints,
# core/talos/machine-config.ts). A Node that already exists keeps the taints
# it registered with: the kubelet never re-registers it, and NodeRestriction
# forbids the node to change its own taints. This script, run by the talos
# stack (core/talos/gpu-taint.ts) with the admin kubeconfig, closes that gap.
# `kubectl taint --overwrite` adds or updates this one taint and leaves the
# Node's other taints alone, so running it again changes nothing.
#
# Environment (all required):
#   HOMELAB_KUBECONFIG  the admin kubeconfig, the content (a Pulumi secret; never printed)
#   NODE_NAME           the Node to taint
#   TAINT               key=value:Effect, like nvidia.com/gpu=true:NoSchedule
#   GATE_SECONDS        how long to wait for the Node to be registered
# Optional: POLL_SECONDS between polls (default 10).
# Needs kubectl on PATH (`just doctor`).
set -euo pipefail

: "${HOMELAB_KUBECONFIG:?HOMELAB_KUBECONFIG must hold the admin kubeconfig}"
: "${NODE_NAME:?}" "${TAINT:?}" "${GATE_SECONDS:?}"

# The kubeconfig lives only in a private temp dir for this run.
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
umask 077
printf '%s' "$HOMELAB_KUBECONFIG" >"$workdir/kubeconfig"
chmod 600 "$workdir/kubeconfig"
unset HOMELAB_KUBECONFIG
export KUBECONFIG="$workdir/kubeconfig"

# A node whose VM was just created registers once its kubelet starts.
deadline=$((SECONDS + GATE_SECONDS))
until kubectl get node "$NODE_NAME" --output name >/dev/null 2>&1; do
  ((SECONDS < deadline)) || {
    echo "$NODE_NAME: gave up waiting for the Node to register" >&2
    exit 1
  }
  sleep "${POLL_SECONDS:-10}"
done

kubectl taint node "$NODE_NAME" "$TAINT" --overwrite
printf '%s: tainted %s\n' "$NODE_NAME" "$TAINT"
