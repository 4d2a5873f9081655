#!/usr/bin/env bash
# Upgrade the cluster's Kubernetes to a version with `talosctl upgrade-k8s`
# (dry run first), after every node runs its target Talos.
#
#   upgrade-kubernetes.sh confirm   upgrade only if some control-plane component or kubelet is not at the target
#   upgrade-kubernetes.sh upgrade   always run upgrade-k8s (it is idempotent)
#
# The talos stack's upgrade step (core/talos/upgrades.ts) runs `confirm` when
# the step is first created (a new cluster already runs its configured
# version: nothing happens) and `upgrade` when the configured version changes.
# `upgrade` does not skip on a matching version: the machine-config apply that
# precedes this step may already have moved kubelets and static pods to the
# new version, and upgrade-k8s still has the bootstrap manifests to bring along.
#
# Environment (all required):
#   HOMELAB_TALOSCONFIG, HOMELAB_KUBECONFIG   client configs, the content (Pulumi secrets; never printed)
#   CONTROL_PLANE_IP   the control plane upgrade-k8s talks to
#   TARGET_VERSION     like v1.35.4
#   GATE_SECONDS       how long to wait for the API server to list what runs
# Optional: POLL_SECONDS between polls (default 10).
# Needs talosctl and kubectl on PATH (`just doctor`).
set -euo pipefail

mode="${1:-}"
[[ $mode == confirm || $mode == upgrade ]] || {
  echo "usage: upgrade-kubernetes.sh confirm|upgrade" >&2
  exit 2
}
: "${HOMELAB_TALOSCONFIG:?HOMELAB_TALOSCONFIG must hold the talosctl config}"
: "${HOMELAB_KUBECONFIG:?HOMELAB_KUBECONFIG must hold the admin kubeconfig}"
: "${CONTROL_PLANE_IP:?}" "${TARGET_VERSION:?}" "${GATE_SECONDS:?}"

log() { printf 'kubernetes: %s\n' "$*"; }

# Both client configs live only in a private temp dir for this run.
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
umask 077
printf '%s' "$HOMELAB_TALOSCONFIG" >"$workdir/talosconfig"
printf '%s' "$HOMELAB_KUBECONFIG" >"$workdir/kubeconfig"
chmod 600 "$workdir/talosconfig" "$workdir/kubeconfig"
unset HOMELAB_TALOSCONFIG HOMELAB_KUBECONFIG
export TALOSCONFIG="$workdir/talosconfig" KUBECONFIG="$workdir/kubeconfig"

target="v${TARGET_VERSION#v}"

# What the cluster runs, one version per line: the control-plane static pods'
# image tags (Talos labels them k8s-app=<component>), and every node's kubelet.
control_plane_versions() {
  kubectl --namespace kube-system get pods \
    --selector 'k8s-app in (kube-apiserver,kube-controller-manager,kube-scheduler)' \
    --output jsonpath='{range .items[*]}{.spec.containers[0].image}{"\n"}{end}' | sed 's/@.*//; s/.*://'
}
kubelet_versions() {
  kubectl get nodes --output jsonpath='{range .items[*]}{.status.nodeInfo.kubeletVersion}{"\n"}{end}'
}

# Sets `versions`; fails until both lists are readable and non-empty (a cluster
# bootstrapped moments ago may not list its static pods yet).
versions=""
read_versions() {
  local cp kubelets
  cp="$(control_plane_versions)" && kubelets="$(kubelet_versions)" && [[ -n $cp && -n $kubelets ]] || return 1
  versions="$cp"$'\n'"$kubelets"
}
at_target() { ! grep -qvxF -- "$target" <<<"$versions"; }

# Polls a check every POLL_SECONDS (10) until it passes or GATE_SECONDS run out.
wait_for() {
  local what="$1" deadline
  shift
  deadline=$((SECONDS + GATE_SECONDS))
  until "$@"; do
    ((SECONDS < deadline)) || {
      echo "kubernetes: gave up waiting for $what" >&2
      exit 1
    }
    sleep "${POLL_SECONDS:-10}"
  done
}

if [[ $mode == confirm ]]; then
  wait_for "the API server to list the control plane and the nodes" read_versions
  if at_target; then
    log "control plane and every kubelet run $target; nothing to do"
    exit 0
  fi
fi

upgrade_k8s() {
  # Comments off: the machine configs were generated without docs or examples,
  # and upgrade-k8s would otherwise add them to every node's config.
  talosctl --nodes "$CONTROL_PLANE_IP" upgrade-k8s --to "${target#v}" --with-docs=false --with-examples=false "$@"
}

log "upgrading to $target (dry run first)"
upgrade_k8s --dry-run
upgrade_k8s
wait_for "the API server to list the control plane and the nodes" read_versions
at_target || {
  echo "kubernetes: upgrade-k8s finished but not everything runs $target:" >&2
  sort <<<"$versions" | uniq -c >&2
  exit 1
}
log "control plane and every kubelet run $target"
