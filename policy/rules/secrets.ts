/**
 * No plain secret in any input.
 */
import { clean, isObject, type ResourceGuard, type Violation } from "../guard";
import { isUnderSecret, shapeOf, walk } from "../walk";
import type { Json } from "../../core/render/wire";

/** Last words of a property name that mean "this holds a secret". */
const SECRET_WORDS = new Set(["password", "passwd", "passphrase", "token", "secret", "secrets", "key", "kubeconfig", "talosconfig", "credential", "credentials"]);

/** `clientSecret` → ["client", "secret"]; `api-token` → ["api", "token"]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_.\-/:]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export function looksSecret(name: string): boolean {
  const last = words(name).pop();
  return last !== undefined && SECRET_WORDS.has(last);
}

export interface SecretNameException {
  /** Resource type or invoke token (exact, or a pattern). */
  readonly type: string | RegExp;
  /** Input path with list indices as `[]`. */
  readonly path: RegExp;
  readonly reason: string;
}

/** False positives of the name rule: inputs named like secrets that hold none. */
export const NOT_SECRET: readonly SecretNameException[] = [
  { type: /.*/, path: /(^|\.)publicKey$/, reason: "the public half of an SSH key pair, meant to be shared" },
  { type: /.*/, path: /(^|\.)hostKey$/, reason: "a server's public SSH host key, pinned so the connection trusts only that server" },
  {
    type: "authentik:index/sourceOauth:SourceOauth",
    path: /^consumerKey$/,
    reason: "the GitHub OAuth app's client id: public, GitHub shows it in every authorize URL (the secret is consumerSecret)",
  },
  {
    type: "authentik:index/providerOauth2:ProviderOauth2",
    path: /^signingKey$/,
    reason: "the UUID of Authentik's signing certificate-key pair (a look-up result), not key material",
  },
  { type: /^kubernetes:/, path: /(SecretRef|secretKeyRef)\.key$/, reason: "names the key inside a Kubernetes Secret; the value stays in that Secret" },
  { type: /^kubernetes:/, path: /matchExpressions\[\]\.key$/, reason: "a label selector's label key" },
  { type: /^kubernetes:/, path: /\.topologyKey$/, reason: "the node label a scheduling rule spreads or groups pods by" },
  { type: "kubernetes:cert-manager.io/v1:Certificate", path: /^spec\.privateKey$/, reason: "key generation parameters (algorithm, size, rotation policy), not key material" },
];

function excepted(type: string, path: string): boolean {
  const shape = shapeOf(path);
  return NOT_SECRET.some((e) => (typeof e.type === "string" ? e.type === type : e.type.test(type)) && e.path.test(shape));
}

/**
 * Inputs named like secrets (password, token, secret, key, kubeconfig, …)
 * holding a value, and every entry of a Kubernetes Secret, must be Pulumi
 * secrets. Booleans and numbers (`retrieveKey: true`) hold no secret.
 *
 * Needs to know which inputs are secret: the offline render does; a real
 * policy pack does not (see Subject.secretPaths), so there it examines nothing.
 */
export const noPlainSecrets: ResourceGuard = {
  kind: "resource",
  name: "no-plain-secrets",
  description: "Every input named like a secret (password, token, key, …) and every Kubernetes Secret entry is a Pulumi secret.",
  why: "a plain value is stored unencrypted in the Pulumi state and printed by preview, diff and the offline render.",
  fix: "read the value with secrets.require (core/secrets.ts) or wrap it with pulumi.secret(); if the input holds no secret, add it to NOT_SECRET in policy/rules/secrets.ts with the reason.",
  status: "enforced",
  level: "mandatory",
  check(r) {
    const secretPaths = r.secretPaths;
    if (secretPaths === undefined) return clean(0);
    const violations: Violation[] = [];
    let examined = 0;
    for (const { path, key, value } of walk(r.props as Json)) {
      if (!path || !looksSecret(key) || value === null || typeof value === "boolean" || typeof value === "number" || value === "") continue;
      examined++;
      if (isUnderSecret(secretPaths, path) || excepted(r.type, path)) continue;
      violations.push({ where: `${r.name} ${path}`, problem: `input named like a secret (${key}) is not a Pulumi secret` });
    }
    // Whatever its key is called, a Kubernetes Secret's data is secret.
    if (r.type === "kubernetes:core/v1:Secret") {
      for (const field of ["data", "stringData"]) {
        const entries = r.props[field];
        if (!isObject(entries)) continue;
        for (const key of Object.keys(entries)) {
          examined++;
          if (!isUnderSecret(secretPaths, `${field}.${key}`)) violations.push({ where: `${r.name} ${field}.${key}`, problem: "Kubernetes Secret data is not a Pulumi secret" });
        }
      }
    }
    return { violations, examined };
  },
};
