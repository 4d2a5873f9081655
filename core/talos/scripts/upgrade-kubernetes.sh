#!/usr/bin/env bash
# Upgrade the cluster's Kubernetes to a version with `talosctl upgrade-k8s`
# (dry run first), after every node runs its target Talos, unless the
# control plane and every kubelet already run it.
#
#   upgrade-kubernetes.sh confirm
#
# The talos stack's Kubernetes step (core/talos/upgrades.ts) runs this
# whenever it runs: when it is created (a new cluster already runs its
# configured version: nothing happens), when the configured version changes
# (the version is the step's trigger, which replaces it), and when another
# input changes, such as renewed client credentials (an unchanged cluster is
# only read). Reading is enough to decide: the machine configs keep the
# version the cluster runs until this step has succeeded (the talos stack
# reads its own recorded kubernetesVersion), so a config apply never moves
# the kubelets or static pods ahead of it.
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
[[ $mode == confirm ]] || {
  echo "usage: upgrade-kubernetes.sh confirm" >&2
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

wait_for "the API server to list the control plane and the nodes" read_versions
if at_target; then
  log "control plane and every kubelet run $target; nothing to do"
  exit 0
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
