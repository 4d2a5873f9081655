#!/usr/bin/env bash
# just init: the first run's secrets, in one step that cannot strand you.
#  1. Finds your age key at $SOPS_AGE_KEY_FILE, or makes one there (age-keygen).
#  2. Puts its public key in .sops.yaml in place of the example recipient.
#  3. Encrypts secrets/bootstrap.sops.yaml.example to a temporary file and moves
#     it into place: the plaintext is never written under secrets/, and a
#     failure leaves nothing behind.
# Running it again with the file in place changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
secrets_file="secrets/bootstrap.sops.yaml"
example="secrets/bootstrap.sops.yaml.example"
example_recipient="age1qkr3nuy92z3z078dvugm22dnkjsh0d255s4leclpxl7a8ns3nsasfn8mc8"
key_file="${SOPS_AGE_KEY_FILE:-$HOME/.config/sops/age/keys.txt}"

for tool in sops age-keygen; do
  command -v "$tool" >/dev/null 2>&1 || { echo "init: $tool is not installed (just doctor says how to install it); nothing changed" >&2; exit 1; }
done

if [ -s "$key_file" ]; then
  echo "init: using the age key in $key_file" >&2
else
  mkdir -p "$(dirname "$key_file")"
  (umask 077 && age-keygen -o "$key_file" 2>/dev/null)
  echo "init: made an age key in $key_file (back it up: without it the secrets cannot be decrypted)" >&2
fi
recipient="$(age-keygen -y "$key_file")"
case "$recipient" in age1*) ;; *) echo "init: $key_file holds no age key"; exit 1 ;; esac

if grep -q "$example_recipient" .sops.yaml; then
  tmp_sops="$(mktemp .sops.yaml.XXXXXX)"
  sed "s/$example_recipient/$recipient/" .sops.yaml > "$tmp_sops"
  mv -f "$tmp_sops" .sops.yaml
  echo "init: .sops.yaml now encrypts for $recipient" >&2
elif ! grep -q "$recipient" .sops.yaml; then
  echo "init: note: .sops.yaml does not list $recipient; add it if this key must decrypt the secrets" >&2
fi

if [ -e "$secrets_file" ]; then
  echo "init: $secrets_file exists; edit it with just secrets-edit" >&2
  exit 0
fi
# sops picks the creation rule by the file's path, so encrypt the example
# under that path (--filename-override) and write the result to a temp file.
tmp="$(mktemp "secrets/.bootstrap.XXXXXX")"
trap 'rm -f -- "$tmp"' EXIT
sops --encrypt --filename-override "$secrets_file" --input-type yaml --output-type yaml "$example" > "$tmp"
mv -f -- "$tmp" "$secrets_file"
trap - EXIT
echo "init: wrote $secrets_file (encrypted); fill it in with just secrets-edit" >&2
