#!/usr/bin/env bash
# just kubeconfig|talosconfig [path]: write a secret output of the talos stack
# to a file. The value goes to a temporary file created 0600 next to the
# target (umask before creation, so it is never readable by others, not even
# for a moment) and replaces the target only when pulumi succeeded and wrote
# something; on failure the old file is left as it was.
set -euo pipefail
output="$1"
target="${2:-$1}"
case "$output" in kubeconfig | talosconfig) ;; *) echo "write-output: unknown output \"$output\"" >&2; exit 2 ;; esac
umask 077
dir="$(dirname -- "$target")"
tmp="$(mktemp "$dir/.${output}.XXXXXX")"
trap 'rm -f -- "$tmp"' EXIT
pulumi stack output "$output" --show-secrets --stack talos > "$tmp"
if [ ! -s "$tmp" ]; then
  echo "write-output: the talos stack has no $output output yet; $target left as it was" >&2
  exit 1
fi
chmod 600 "$tmp"
mv -f -- "$tmp" "$target"
trap - EXIT
echo "wrote $target (mode 0600)" >&2
