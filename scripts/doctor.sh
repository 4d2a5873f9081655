#!/usr/bin/env bash
# `just doctor`: are the tools the stacks need on this machine, new enough?
# One line per tool: its version, "old" with the minimum, or "missing" and how
# to install it. Exits 1 when a required tool is missing or too old. Then the
# first-run setup: the age key, its recipient in .sops.yaml, the encrypted
# secrets file ("todo" lines say what to run; they do not fail the check). Nothing here talks to the network (version checks
# of pulumi and sops are turned off).
#
# Only bash builtins besides the tools themselves, so it also answers on a
# machine with a bare PATH.
set -uo pipefail

export PULUMI_SKIP_UPDATE_CHECK=true SOPS_DISABLE_VERSION_CHECK=1

missing=0

# version_ge A B: is dotted version A (leading v allowed) at least B?
version_ge() {
  local a="${1#v}" b="${2#v}" i x y
  local -a pa pb
  IFS=. read -r -a pa <<<"${a%%[!0-9.]*}"
  IFS=. read -r -a pb <<<"$b"
  for i in 0 1 2; do
    x="${pa[i]:-0}" y="${pb[i]:-0}"
    ((10#$x > 10#$y)) && return 0
    ((10#$x < 10#$y)) && return 1
  done
  return 0
}

# check <required|optional> <tool> <minimum version or -> <why> <install hint> -- <version command…>
check() {
  local need="$1" tool="$2" min="$3" why="$4" hint="$5" out version
  shift 6
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
  if [[ $min != - && $version != "(version unknown)" ]] && ! version_ge "$version" "$min"; then
    [[ $need == required ]] && missing=$((missing + 1))
    printf '  %-8s %-10s %s, need %s or newer (%s); update: %s\n' old "$tool" "$version" "$min" "$why" "$hint"
    return
  fi
  printf '  %-8s %-10s %s\n' ok "$tool" "$version"
}

echo "Tools for homelab core:"
check required node 22.11.0 "runs the Pulumi program and the tests" "https://nodejs.org/en/download (an LTS release: 22 or 24)" -- node --version
check required npm 10.0.0 "installs the pinned dependencies" "comes with Node.js: https://nodejs.org/en/download" -- npm --version
check required pulumi 3.214.0 "runs every stack" "curl -fsSL https://get.pulumi.com | sh (or: brew install pulumi/tap/pulumi)" -- pulumi version
check required sops 3.9.0 "decrypts secrets/bootstrap.sops.yaml for each run" "https://github.com/getsops/sops/releases (or: brew install sops)" -- sops --version --disable-version-check
check required age 1.1.0 "holds the key sops decrypts with" "https://github.com/FiloSottile/age#installation (or: brew install age / apt install age)" -- age --version
check required talosctl 1.13.0 "talks to the Talos nodes; runs the upgrade steps (use the cluster's Talos minor)" "curl -sL https://talos.dev/install | sh (or: brew install siderolabs/tap/talosctl)" -- talosctl version --client --short
check required kubectl 1.34.0 "talks to the cluster; the Kubernetes upgrade step reads versions with it" "https://kubernetes.io/docs/tasks/tools/ (or: brew install kubectl)" -- kubectl version --client
check required jq 1.6 "the upgrade steps read talosctl's JSON with it" "https://jqlang.org/download/ (or: brew install jq / apt install jq)" -- jq --version
check optional shellcheck - "lints the shell scripts in the tests" "https://github.com/koalaman/shellcheck#installing (or: brew install shellcheck / apt install shellcheck)" -- shellcheck --version

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

# First-run setup (just init does all three).
echo "Secrets setup:"
key_file="${SOPS_AGE_KEY_FILE:-${HOME:-}/.config/sops/age/keys.txt}"
example_recipient="age1qkr3nuy92z3z078dvugm22dnkjsh0d255s4leclpxl7a8ns3nsasfn8mc8"
if [[ -s $key_file ]]; then
  printf '  %-8s %-10s %s\n' ok "age key" "$key_file"
else
  printf '  %-8s %-10s none at %s; run: just init\n' todo "age key" "$key_file"
fi
sops_config="$repo/.sops.yaml"
recipient=""
if [[ -s $key_file ]] && command -v age-keygen >/dev/null 2>&1; then recipient="$(age-keygen -y "$key_file" 2>/dev/null || true)"; fi
sops_text=""
[[ -f $sops_config ]] && sops_text="$(<"$sops_config")"
if [[ ! -f $sops_config ]]; then
  printf '  %-8s %-10s .sops.yaml is missing; run: just init\n' todo recipient
elif [[ $sops_text == *"$example_recipient"* ]]; then
  printf '  %-8s %-10s .sops.yaml still encrypts for the example key (nobody can decrypt); run: just init\n' todo recipient
elif [[ -n $recipient && $sops_text != *"$recipient"* ]]; then
  printf '  %-8s %-10s .sops.yaml does not list your key %s; add it, then sops updatekeys\n' todo recipient "$recipient"
else
  printf '  %-8s %-10s %s\n' ok recipient ".sops.yaml"
fi
secrets="$repo/secrets/bootstrap.sops.yaml"
if [[ ! -f $secrets ]]; then
  printf '  %-8s %-10s secrets/bootstrap.sops.yaml is missing; run: just init\n' todo secrets
elif secrets_text="$(<"$secrets")" && [[ $secrets_text != *$'\nsops:\n'* || $secrets_text != *$'\n    mac: ENC['* ]]; then
  printf '  %-8s %-10s secrets/bootstrap.sops.yaml is not sops-encrypted; encrypt it (sops --encrypt --in-place) before anything else\n' todo secrets
else
  printf '  %-8s %-10s %s\n' ok secrets "secrets/bootstrap.sops.yaml (encrypted)"
fi

if ((missing > 0)); then
  printf '%d required tool(s) missing or too old; install them and run just doctor again.\n' "$missing" >&2
  exit 1
fi
echo "All required tools found."
