/**
 * Policy checks over a captured plan. Each returns the violations it found
 * (empty = compliant) plus how much it looked at, so a test can also prove it
 * was not vacuous. Written over resource types and property names, never over
 * one stack's current resource list, so new resources are checked too.
 */
import * as argoprojV1alpha1 from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import * as acmeCertManagerV1 from "@kubernetes-models/cert-manager/acme.cert-manager.io/v1";
import * as certManagerV1 from "@kubernetes-models/cert-manager/cert-manager.io/v1";
import * as ciliumV2 from "@kubernetes-models/cilium/cilium.io/v2";
import * as ciliumV2alpha1 from "@kubernetes-models/cilium/cilium.io/v2alpha1";
import * as gatewayV1 from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import * as gatewayV1alpha2 from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1alpha2";
import * as gatewayV1alpha3 from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1alpha3";
import * as gatewayV1beta1 from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1";
import * as gatewayXV1alpha1 from "@kubernetes-models/gateway-api/gateway.networking.x-k8s.io/v1alpha1";
import type { Plan } from "../../../core/render/harness";
import type { Json } from "../../../core/render/wire";
import { isUnderSecret, shapeOf, walk, walkDeep } from "./walk";

export interface Finding {
  readonly stack: string;
  /** Resource name (or `invoke <token>`) and the input path. */
  readonly where: string;
  readonly problem: string;
}

export interface Check {
  readonly findings: Finding[];
  /** How many things the check examined (rules, releases, images, objects, inputs). */
  readonly examined: number;
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `  - [${f.stack}] ${f.where}: ${f.problem}`).join("\n");
}

/** Resources and invokes alike: what was sent to a provider, with secrets revealed. */
function subjects(plan: Plan): Array<{ label: string; type: string; values: Json; secretPaths: readonly string[] }> {
  return [
    ...plan.resources.map((r) => ({ label: r.name, type: r.type, values: r.values as Json, secretPaths: r.secretPaths })),
    ...plan.invokes.map((i) => ({ label: `invoke ${i.token}`, type: i.token, values: i.values as Json, secretPaths: i.secretPaths })),
  ];
}

// ---------------------------------------------------------------------------
// 1. No firewall rule opens SSH to the world.

const WORLD = new Set(["0.0.0.0/0", "::/0", "0.0.0.0", "::", "any", "*"]);
const SOURCE_KEYS = ["sourceIps", "sourceRanges", "sourceCidrs", "sources", "source", "fromCIDR", "cidrs", "cidr"];
const PORT_KEYS = ["port", "ports", "destinationPort", "dport", "portRange"];

function coversSsh(port: Json | undefined, protocol: Json | undefined): boolean {
  if (protocol !== undefined && protocol !== null && !/^(tcp|any|all|\*)$/i.test(String(protocol))) return false;
  if (port === undefined || port === null || port === "") return true; // no port on a TCP rule: every port
  const ports = Array.isArray(port) ? port : [port];
  return ports.some((p) => {
    const text = String(p).trim().toLowerCase();
    if (text === "any" || text === "*" || text === "all") return true;
    const range = /^(\d+)\s*[-:]\s*(\d+)$/.exec(text);
    if (range) return Number(range[1]) <= 22 && 22 <= Number(range[2]);
    return Number(text) === 22;
  });
}

/** Firewall-rule-shaped objects anywhere in inputs: a source list plus a port or protocol, inbound. */
export function sshOpenToWorld(plan: Plan): Check {
  const findings: Finding[] = [];
  let examined = 0;
  for (const s of subjects(plan)) {
    for (const { path, value } of walk(s.values)) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
      const sourceKey = SOURCE_KEYS.find((k) => k in value);
      const hasPortOrProtocol = PORT_KEYS.some((k) => k in value) || "protocol" in value;
      if (!sourceKey || !hasPortOrProtocol) continue;
      const direction = value["direction"];
      if (direction !== undefined && !/^(in|ingress|inbound)$/i.test(String(direction))) continue;
      examined++;
      const sources = ([] as Json[]).concat(value[sourceKey] ?? []).map((x) => String(x).trim());
      const port = PORT_KEYS.map((k) => value[k]).find((v) => v !== undefined);
      if (coversSsh(port, value["protocol"]) && sources.some((src) => WORLD.has(src)))
        findings.push({ stack: plan.stack, where: `${s.label} ${path}`, problem: `opens SSH (port 22) to ${sources.filter((x) => WORLD.has(x)).join(", ")}` });
    }
  }
  return { findings, examined };
}

// ---------------------------------------------------------------------------
// 2. Every Helm release pins an exact chart version.

export const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart"];
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export function unpinnedCharts(plan: Plan): Check {
  const findings: Finding[] = [];
  const releases = plan.resources.filter((r) => HELM_TYPES.includes(r.type));
  for (const r of releases) {
    const version = (r.values as Record<string, Json>)["version"];
    if (typeof version !== "string" || !EXACT_VERSION.test(version))
      findings.push({
        stack: plan.stack,
        where: r.name,
        problem: `chart ${JSON.stringify((r.values as Record<string, Json>)["chart"])} has version ${JSON.stringify(version ?? null)}; pin an exact chart version (like 1.18.12), never a range or latest`,
      });
  }
  return { findings, examined: releases.length };
}

// ---------------------------------------------------------------------------
// 3. Every container image pins a tag (not latest) or a digest.

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Why an image reference is not pinned, or undefined when it is. */
export function unpinnedReason(ref: string): string | undefined {
  if (ref.includes("${") || ref.includes("{{")) return "is templated, so the pinned version cannot be checked";
  if (DIGEST.test(ref)) return undefined;
  const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return "has no tag (means latest)";
  const tag = lastSegment.slice(colon + 1);
  if (!TAG.test(tag)) return `has an invalid tag ${JSON.stringify(tag)}`;
  if (tag.toLowerCase() === "latest") return "uses the floating tag latest";
  return undefined;
}

const isImageKey = (key: string) => key === "image" || /[a-z]Image$/.test(key);

/**
 * Images in Kubernetes objects and Helm values (resources of kubernetes:*
 * types) and in every structured document carried in a string (compose files,
 * Talos machine configs, …). Other `image` inputs — a cloud server's OS image —
 * are not container images.
 */
export function unpinnedImages(plan: Plan): Check {
  const findings: Finding[] = [];
  let examined = 0;
  for (const s of subjects(plan)) {
    const kubernetes = s.type.startsWith("kubernetes:");
    for (const { path, key, value, embedded } of walkDeep(s.values)) {
      if (!(kubernetes || embedded) || !isImageKey(key)) continue;
      if (typeof value === "string") {
        examined++;
        const reason = unpinnedReason(value);
        if (reason) findings.push({ stack: plan.stack, where: `${s.label} ${path}`, problem: `image ${JSON.stringify(value)} ${reason}` });
      } else if (value !== null && typeof value === "object" && !Array.isArray(value) && ("repository" in value || "tag" in value)) {
        // Helm convention { repository, tag, digest }; without a tag the chart's pinned default applies.
        examined++;
        const tag = value["tag"];
        const digest = value["digest"];
        if (typeof digest === "string" && digest !== "") continue;
        if (tag !== undefined && (typeof tag !== "string" || !TAG.test(tag) || tag.toLowerCase() === "latest"))
          findings.push({ stack: plan.stack, where: `${s.label} ${path}`, problem: `image tag ${JSON.stringify(tag)} is not a pinned version` });
      }
    }
  }
  return { findings, examined };
}

// ---------------------------------------------------------------------------
// 4. Every Kubernetes custom object validates against its upstream schema.

type ModelClass = new (data: unknown) => { validate(): void };

/** apiVersion → the @kubernetes-models module of that group/version (kind → class). */
const MODELS: Record<string, Record<string, unknown>> = {
  "argoproj.io/v1alpha1": argoprojV1alpha1,
  "cert-manager.io/v1": certManagerV1,
  "acme.cert-manager.io/v1": acmeCertManagerV1,
  "cilium.io/v2": ciliumV2,
  "cilium.io/v2alpha1": ciliumV2alpha1,
  "gateway.networking.k8s.io/v1": gatewayV1,
  "gateway.networking.k8s.io/v1beta1": gatewayV1beta1,
  "gateway.networking.k8s.io/v1alpha2": gatewayV1alpha2,
  "gateway.networking.k8s.io/v1alpha3": gatewayV1alpha3,
  "gateway.networking.x-k8s.io/v1alpha1": gatewayXV1alpha1,
};

/**
 * Kubernetes' own API groups: not custom objects, and no @kubernetes-models
 * package for them is installed (the API server validates them on apply).
 */
const BUILT_IN_GROUPS = new Set([
  "core",
  "apps",
  "batch",
  "policy",
  "autoscaling",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "rbac.authorization.k8s.io",
  "scheduling.k8s.io",
  "storage.k8s.io",
]);

/** Provider-side resources of the Kubernetes provider that are not objects themselves. */
const NOT_OBJECTS = new Set(["helm.sh", "yaml", "kustomize", "providers"]);

/**
 * Custom kinds allowed without a model, each with the reason. Empty today:
 * every custom kind the stacks create has an upstream model installed.
 */
export const CUSTOM_KINDS_WITHOUT_MODEL: ReadonlyArray<{ readonly apiVersion: string; readonly kind: string; readonly reason: string }> = [];

export function invalidCustomObjects(plan: Plan): Check {
  const findings: Finding[] = [];
  let examined = 0;
  for (const r of plan.resources) {
    const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(r.type);
    if (!m) continue;
    const [, group, version, kind] = m as unknown as [string, string, string, string];
    if (BUILT_IN_GROUPS.has(group) || NOT_OBJECTS.has(group) || r.type.endsWith("List")) continue;
    const apiVersion = `${group}/${version}`;
    const where = `${r.name} (${apiVersion} ${kind})`;
    const values = r.values as Record<string, Json>;
    if (values["apiVersion"] !== apiVersion || values["kind"] !== kind) {
      findings.push({ stack: plan.stack, where, problem: `apiVersion/kind inputs ${JSON.stringify(values["apiVersion"])}/${JSON.stringify(values["kind"])} do not match the resource type` });
      continue;
    }
    const Model = MODELS[apiVersion]?.[kind] as ModelClass | undefined;
    if (typeof Model !== "function") {
      if (!CUSTOM_KINDS_WITHOUT_MODEL.some((a) => a.apiVersion === apiVersion && a.kind === kind))
        findings.push({
          stack: plan.stack,
          where,
          problem: `no @kubernetes-models class for this custom kind; add its group/version to MODELS in test/safety/lib/policies.ts, or allow-list it in CUSTOM_KINDS_WITHOUT_MODEL with the reason`,
        });
      continue;
    }
    examined++;
    try {
      new Model(values).validate();
    } catch (err) {
      findings.push({ stack: plan.stack, where, problem: `fails its upstream schema: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return { findings, examined };
}

// ---------------------------------------------------------------------------
// 5. Every input that looks secret is secret.

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
  { type: /^kubernetes:/, path: /SecretRef\.key$/, reason: "names the key inside a Kubernetes Secret; the value stays in that Secret" },
  { type: /^kubernetes:/, path: /matchExpressions\[\]\.key$/, reason: "a label selector's label key" },
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
 */
export function plainSecretInputs(plan: Plan): Check {
  const findings: Finding[] = [];
  let examined = 0;
  for (const s of subjects(plan)) {
    for (const { path, key, value } of walk(s.values)) {
      if (!path || !looksSecret(key) || value === null || typeof value === "boolean" || typeof value === "number" || value === "") continue;
      examined++;
      if (isUnderSecret(s.secretPaths, path) || excepted(s.type, path)) continue;
      findings.push({
        stack: plan.stack,
        where: `${s.label} ${path}`,
        problem: `input named like a secret (${key}) is not a Pulumi secret; read it with secrets.require / wrap it with pulumi.secret, or add it to NOT_SECRET in test/safety/lib/policies.ts with the reason`,
      });
    }
    // Whatever its key is called, a Kubernetes Secret's data is secret.
    if (s.type === "kubernetes:core/v1:Secret") {
      const values = s.values as Record<string, Json>;
      for (const field of ["data", "stringData"]) {
        const entries = values[field];
        if (entries === null || typeof entries !== "object" || Array.isArray(entries)) continue;
        for (const key of Object.keys(entries)) {
          examined++;
          if (!isUnderSecret(s.secretPaths, `${field}.${key}`))
            findings.push({ stack: plan.stack, where: `${s.label} ${field}.${key}`, problem: "Kubernetes Secret data is not a Pulumi secret" });
        }
      }
    }
  }
  return { findings, examined };
}
