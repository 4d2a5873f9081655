#!/usr/bin/env bash
# Decides whether a pull request needs `pulumi preview` of one stack.
#
#   git diff --name-only BASE HEAD | .github/scripts/preview-scope.sh <stack>
#
# Prints `preview=true|false` and `reason=…` (GITHUB_OUTPUT lines). A stack is
# previewed when its own files changed (core/<stack>/**, Pulumi.<stack>.yaml)
# or anything every stack runs on: core/ outside the stack folders, index.ts,
# Pulumi.yaml, package*.json, tsconfig.json, sdks/**, the policy pack
# (policy/**, it runs on every preview), the encrypted secrets,
# and this preview machinery itself. The stack names come from the committed
# Pulumi.<stack>.yaml files, so a new stack needs no edit here.
set -euo pipefail

stack="${1:?usage: preview-scope.sh <stack> < changed-paths}"
cd "$(dirname "$0")/../.."

stacks=()
for f in Pulumi.*.yaml; do
  [ -e "$f" ] || continue
  s="${f#Pulumi.}"
  stacks+=("${s%.yaml}")
done

own=""
shared=""
while IFS= read -r path || [ -n "$path" ]; do
  [ -n "$path" ] || continue
  case "$path" in
    "core/$stack/"* | "Pulumi.$stack.yaml")
      own="$path"
      ;;
    core/*)
      other=""
      for s in "${stacks[@]}"; do
        case "$path" in "core/$s/"*) other="$s" ;; esac
      done
      [ -n "$other" ] || shared="$path"
      ;;
    index.ts | Pulumi.yaml | package.json | package-lock.json | tsconfig.json | sdks/* | policy/* \
      | secrets/bootstrap.sops.yaml | .github/workflows/preview.yml | .github/scripts/preview-scope.sh)
      shared="$path"
      ;;
  esac
done

if [ -n "$own" ]; then
  echo "preview=true"
  echo "reason=$stack's own files changed ($own)"
elif [ -n "$shared" ]; then
  echo "preview=true"
  echo "reason=code every stack runs on changed ($shared)"
else
  echo "preview=false"
  echo "reason=nothing $stack depends on changed"
fi
