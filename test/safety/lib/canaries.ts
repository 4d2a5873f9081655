/**
 * Secret canaries: every secret in the table set to a unique, recognisable
 * value, and a search that finds a canary in any text — literally, or
 * base64-encoded (Kubernetes Secret `data`, basic-auth headers, encoded files).
 */
import { randomBytes } from "node:crypto";
import { SECRETS, type SecretName } from "../../../core/secrets";
import type { Json } from "../../../core/render/wire";
import { walk } from "../../../policy/walk";

export type Canaries = Readonly<Record<SecretName, string>>;

/** `CANARY-<NAME>-<random hex>` for every secret in core/secrets.ts. */
export function makeCanaries(): Canaries {
  return Object.fromEntries(
    (Object.keys(SECRETS) as SecretName[]).map((name) => [name, `CANARY-${name}-${randomBytes(6).toString("hex")}`]),
  ) as Canaries;
}

/** Base64 runs long enough to hold a canary; decoded, they may reveal one. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{24,}={0,2}/g;

/** Names of the secrets whose canary appears in `text`, plainly or base64-encoded. */
export function canariesIn(text: string, canaries: Canaries): SecretName[] {
  const found = new Set<SecretName>();
  const entries = Object.entries(canaries) as Array<[SecretName, string]>;
  for (const [name, canary] of entries) if (text.includes(canary)) found.add(name);
  if (found.size < entries.length) {
    for (const run of text.match(BASE64_RUN) ?? []) {
      // Try every alignment: the canary may start mid-way through the encoded text.
      for (const offset of [0, 1, 2, 3]) {
        const decoded = Buffer.from(run.slice(offset), run.includes("-") || run.includes("_") ? "base64url" : "base64").toString("latin1");
        for (const [name, canary] of entries) if (decoded.includes(canary)) found.add(name);
      }
    }
  }
  return [...found].sort();
}

export interface CanaryHit {
  readonly path: string;
  readonly secret: SecretName;
}

/** Every string leaf that carries a canary, with its path. */
export function canaryHits(value: Json, canaries: Canaries): CanaryHit[] {
  const hits: CanaryHit[] = [];
  for (const { path, value: v } of walk(value)) {
    if (typeof v !== "string") continue;
    for (const secret of canariesIn(v, canaries)) hits.push({ path: path || "<root>", secret });
  }
  return hits;
}
