# homelab core — run from a laptop. `just` lists the recipes.
#
#   just core <stack> <action> [pulumi args…]   e.g. just core talos preview
#
# Every Pulumi run goes through `sops exec-env`, so secrets exist only in the
# environment of that one process.

set shell := ["bash", "-euo", "pipefail", "-c"]

stacks := "talos platform hetzner authentik cloudflare"
# Top-level Pulumi commands that take --stack (pulumi/pulumi pkg/cmd/pulumi);
# stack outputs and history are `stack output` / `stack history`.
actions := "preview up refresh destroy import config state stack cancel watch"
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
    @just --list --unsorted --list-heading $'homelab core: just <recipe> [args]\n'

# preview and up run the guard rails of policy/ (--policy-pack); HOMELAB_SKIP_POLICY=1 skips them, with a warning.
# Refuses to start while example values are in the config (npm run check lists them); destroy asks first.
# Run a Pulumi command on one stack, secrets injected: just core talos up [--yes] [--target …] [--diff]
[group('stacks')]
[positional-arguments]
core stack action *args:
    {{ if action == "destroy" { "read -r -p 'Destroy every resource of stack " + stack + "? Type its name to go on: ' answer && [ \"$answer\" = " + stack + " ] || { echo 'destroy: not confirmed, nothing done' >&2; exit 1; }" } else { "true" } }}
    {{ if action =~ "^(preview|up|refresh|destroy|import)$" { "npx --no-install tsx scripts/check.ts --placeholders " + stack } else { "true" } }}
    {{ if action =~ policy_actions { skip_policy_warning } else { "" } }}sops exec-env {{ secrets_file }} "pulumi {{ if action =~ action_re { action } else { error("unknown action \"" + action + "\"; valid actions: " + actions) } }}{{ if action =~ policy_actions { policy_pack } else { "" } }}$(printf ' %q' "${@:3}") --stack {{ if stack =~ stack_re { stack } else { error("unknown stack \"" + stack + "\"; valid stacks: " + stacks) } }}"

# Create or update only the platform stack's bootstrap Secrets (and what they need), e.g. before Argo CD syncs apps.
[group('stacks')]
[positional-arguments]
create-secrets *args:
    {{ skip_policy_warning }}sops exec-env {{ secrets_file }} "pulumi up{{ policy_pack }} --target '**::pulumi:pulumi:StackReference::talos' --target '**::pulumi:providers:kubernetes::cluster' --target '**::homelab:platform:Namespaces**' --target '**::homelab:platform:BootstrapSecrets**'$(printf ' %q' "$@") --stack platform"

# Restart the Cilium operator so it picks up Gateway API CRDs installed after it started (once, after the first platform up).
[group('cluster')]
cilium-restart:
    kubectl --kubeconfig kubeconfig -n kube-system rollout restart deployment/cilium-operator
    kubectl --kubeconfig kubeconfig -n kube-system rollout status deployment/cilium-operator --timeout=5m

# Print a stack's plan offline (no Pulumi CLI, no credentials): just render talos [--json]
[group('offline')]
[positional-arguments]
render stack *flags:
    npm run --silent render -- "$@"

# Validate and render every stack from your config; list example values still in it.
[group('offline')]
check:
    npm run --silent check

# Run the test suite.
[group('offline')]
test:
    npm test

# Type-check the program and tests.
[group('offline')]
typecheck:
    npm run typecheck

# Check the tools (and their versions), the age key, .sops.yaml and the secrets file.
[group('setup')]
doctor:
    bash scripts/doctor.sh

# Write the cluster kubeconfig from the talos stack outputs (mode 0600; the old file stays if pulumi fails).
[group('cluster')]
[positional-arguments]
kubeconfig path="kubeconfig":
    bash scripts/write-output.sh kubeconfig "$1"

# Write the Talos client config from the talos stack outputs (mode 0600; the old file stays if pulumi fails).
[group('cluster')]
[positional-arguments]
talosconfig path="talosconfig":
    bash scripts/write-output.sh talosconfig "$1"

# Edit the encrypted secrets in $EDITOR (sops decrypts to a temp file and re-encrypts).
[group('setup')]
secrets-edit:
    sops {{ secrets_file }}

# First run: find or make your age key, put its recipient in .sops.yaml, write the encrypted secrets file.
[group('setup')]
init:
    bash scripts/init.sh

# Same as init (the name older notes use).
[group('setup')]
secrets-init: init
