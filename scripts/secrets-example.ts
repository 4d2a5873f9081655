/**
 * Writes secrets/bootstrap.sops.yaml.example from the secrets table in
 * core/secrets.ts, so the example can never drift from what the stacks read.
 * `npm run secrets:example` (a test fails when the committed file is stale).
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { SECRETS, type SecretName } from "../core/secrets";

export function secretsExample(): string {
  const lines = [
    "# Every secret the stacks read, as environment variables injected by",
    "#   sops exec-env secrets/bootstrap.sops.yaml '<command>'",
    "# Copy to secrets/bootstrap.sops.yaml, fill in, and encrypt in place:",
    "#   just secrets-init   (or: sops --encrypt --in-place secrets/bootstrap.sops.yaml)",
    "# Generated from core/secrets.ts by `npm run secrets:example`; do not edit by hand.",
    "",
  ];
  for (const name of Object.keys(SECRETS).sort() as SecretName[]) {
    const spec = SECRETS[name];
    const need = spec.required ? "required" : "optional";
    lines.push(`# ${spec.obtain}`);
    lines.push(`# stacks: ${spec.stacks.join(", ")} (${need})`);
    lines.push(`${name}: ""`);
    lines.push("");
  }
  return lines.join("\n");
}

if (require.main === module) {
  const target = path.resolve(__dirname, "..", "secrets", "bootstrap.sops.yaml.example");
  writeFileSync(target, secretsExample());
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}
