#!/usr/bin/env bash
# `just doctor`: are the tools the stacks need on this machine? One line per
# tool: its version, or "missing" and how to install it. Exits 1 when a
# required tool is missing. Nothing here talks to the network (version checks
# of pulumi and sops are turned off).
#
# Only bash builtins besides the tools themselves, so it also answers on a
# machine with a bare PATH.
set -uo pipefail

export PULUMI_SKIP_UPDATE_CHECK=true SOPS_DISABLE_VERSION_CHECK=1

missing=0

# check <required|optional> <tool> <why> <install hint> -- <version command…>
check() {
  local need="$1" tool="$2" why="$3" hint="$4" out version
  shift 5
  if ! command -v "$tool" >/dev/null 2>&1; then
    if [[ $need == required ]]; then
      missing=$((missing + 1))
      printf '  %-8s %-10s %s; install: %s\n' missing "$tool" "$why" "$hint"
    else
      printf '  %-8s %-10s %s (optional); install: %s\n' absent "$tool" "$why" "$hint"
    fi
    return
  fi
  out="$("$@" 2>&1)"
  # The first version-looking word: v3.190.0, 3.9.1, jq-1.7.1 -> 1.7.1, "Talos v1.13.9".
  if [[ $out =~ v?[0-9]+\.[0-9]+(\.[0-9]+)?[^[:space:]]* ]]; then version="${BASH_REMATCH[0]}"; else version="(version unknown)"; fi
  printf '  %-8s %-10s %s\n' ok "$tool" "$version"
}

echo "Tools for homelab core:"
check required node "runs the Pulumi program and the tests" "https://nodejs.org/en/download (Node 20 or newer)" -- node --version
check required npm "installs the pinned dependencies" "comes with Node.js: https://nodejs.org/en/download" -- npm --version
check required pulumi "runs every stack" "curl -fsSL https://get.pulumi.com | sh (or: brew install pulumi/tap/pulumi)" -- pulumi version
check required sops "decrypts secrets/bootstrap.sops.yaml for each run" "https://github.com/getsops/sops/releases (or: brew install sops)" -- sops --version --disable-version-check
check required age "holds the key sops decrypts with" "https://github.com/FiloSottile/age#installation (or: brew install age / apt install age)" -- age --version
check required talosctl "talks to the Talos nodes; runs the upgrade steps (use the cluster's Talos minor)" "curl -sL https://talos.dev/install | sh (or: brew install siderolabs/tap/talosctl)" -- talosctl version --client --short
check required kubectl "talks to the cluster; the Kubernetes upgrade step reads versions with it" "https://kubernetes.io/docs/tasks/tools/ (or: brew install kubectl)" -- kubectl version --client
check required jq "the upgrade steps read talosctl's JSON with it" "https://jqlang.org/download/ (or: brew install jq / apt install jq)" -- jq --version
check optional shellcheck "lints the shell scripts in the tests" "https://github.com/koalaman/shellcheck#installing (or: brew install shellcheck / apt install shellcheck)" -- shellcheck --version

# The policy pack (policy/) runs on every `just core <stack> preview|up`.
# Pulumi does not install a local pack's dependencies: Node finds them in the
# repository's node_modules, so `npm install` at the root provides them.
echo "Policy pack (policy/, run by just core <stack> preview|up):"
repo="${BASH_SOURCE[0]%/*}/.."
for pkg in @pulumi/policy ts-node typescript; do
  if [[ -f "$repo/node_modules/$pkg/package.json" ]]; then
    printf '  %-8s %s\n' ok "$pkg"
  else
    missing=$((missing + 1))
    printf '  %-8s %-10s the policy pack needs it; install: npm install (in the repository; HOMELAB_SKIP_POLICY=1 skips the pack for one run)\n' missing "$pkg"
  fi
done

if ((missing > 0)); then
  printf '%d required tool(s) missing; install them and run just doctor again.\n' "$missing" >&2
  exit 1
fi
echo "All required tools found."
