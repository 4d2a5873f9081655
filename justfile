# homelab core — run from a laptop. `just` lists the recipes.
#
#   just core <stack> <action> [pulumi args…]   e.g. just core talos preview
#
# Every Pulumi run goes through `sops exec-env`, so secrets exist only in the
# environment of that one process.

set shell := ["bash", "-euo", "pipefail", "-c"]

stacks := "talos platform hetzner authentik cloudflare"
actions := "preview up refresh destroy output config history import cancel watch"
secrets_file := "secrets/bootstrap.sops.yaml"
# Checked inside `core` while just evaluates the recipe (so also under --dry-run):
# a typo fails here with the valid names, before Pulumi or sops run.
stack_re := "^(" + replace(stacks, " ", "|") + ")$"
action_re := "^(" + replace(actions, " ", "|") + ")$"

# The policy pack (policy/) runs on every preview and up; HOMELAB_SKIP_POLICY=1 turns it off for one run.
policy_actions := "^(preview|up)$"
skip_policy := env("HOMELAB_SKIP_POLICY", "")
policy_pack := if skip_policy == "1" { "" } else { " --policy-pack policy" }
skip_policy_warning := if skip_policy == "1" { "echo 'WARNING: HOMELAB_SKIP_POLICY=1: the guard rails in policy/ are NOT checked on this run (no SSH, secret, protection or pinning checks).' >&2; " } else { "" }

export SOPS_AGE_KEY_FILE := env("SOPS_AGE_KEY_FILE", home_directory() / ".config/sops/age/keys.txt")

# List the recipes.
default:
    @just --list --unsorted

# Run a Pulumi action on one stack with the secrets injected: just core talos up [--yes] [--target …] [--diff]
# preview and up run the guard rails of policy/ (--policy-pack); HOMELAB_SKIP_POLICY=1 skips them, with a warning.
[positional-arguments]
core stack action *args:
    {{ if action =~ policy_actions { skip_policy_warning } else { "" } }}sops exec-env {{ secrets_file }} "pulumi stack select {{ if stack =~ stack_re { stack } else { error("unknown stack \"" + stack + "\"; valid stacks: " + stacks) } }} && pulumi {{ if action =~ action_re { action } else { error("unknown action \"" + action + "\"; valid actions: " + actions) } }}{{ if action =~ policy_actions { policy_pack } else { "" } }}$(printf ' %q' "${@:3}")"

# Create or update only the platform stack's bootstrap Secrets (and what they need), e.g. before Argo CD syncs apps.
create-secrets *args:
    {{ skip_policy_warning }}sops exec-env {{ secrets_file }} "pulumi stack select platform && pulumi up{{ policy_pack }} --target '**::pulumi:pulumi:StackReference::talos' --target '**::pulumi:providers:kubernetes::cluster' --target '**::homelab:platform:Namespaces**' --target '**::homelab:platform:BootstrapSecrets**'{{ if args == "" { "" } else { " " + args } }}"

# Restart the Cilium operator so it picks up Gateway API CRDs installed after it started (once, after the first platform up).
cilium-restart:
    kubectl --kubeconfig kubeconfig -n kube-system rollout restart deployment/cilium-operator
    kubectl --kubeconfig kubeconfig -n kube-system rollout status deployment/cilium-operator --timeout=5m

# Print a stack's plan offline (no Pulumi CLI, no credentials): just render talos [--json]
render stack *flags:
    npm run --silent render -- {{ stack }}{{ if flags == "" { "" } else { " " + flags } }}

# Run the test suite.
test:
    npm test

# Type-check the program and tests.
typecheck:
    npm run typecheck

# Check the tools the stacks need on this machine and say how to install what is missing.
doctor:
    bash scripts/doctor.sh

# Write the cluster kubeconfig from the talos stack outputs (mode 0600).
kubeconfig path="kubeconfig":
    umask 077 && pulumi stack output kubeconfig --show-secrets --stack talos > {{ quote(path) }} && chmod 600 {{ quote(path) }}

# Write the Talos client config from the talos stack outputs (mode 0600).
talosconfig path="talosconfig":
    umask 077 && pulumi stack output talosconfig --show-secrets --stack talos > {{ quote(path) }} && chmod 600 {{ quote(path) }}

# Edit the encrypted secrets in $EDITOR (sops decrypts to a temp file and re-encrypts).
secrets-edit:
    sops {{ secrets_file }}

# Create secrets/bootstrap.sops.yaml from the example and encrypt it for the recipients in .sops.yaml.
secrets-init:
    test ! -e {{ secrets_file }} || { echo "{{ secrets_file }} exists; use just secrets-edit" >&2; exit 1; }
    cp secrets/bootstrap.sops.yaml.example {{ secrets_file }}
    sops --encrypt --in-place {{ secrets_file }}
