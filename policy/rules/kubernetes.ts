/**
 * Kubernetes guards: custom objects against their upstream schemas, and how
 * Cilium reaches the API server.
 */
import { ciliumApiThroughKubePrism } from "../../core/talos/checks";
import type { Json } from "../../core/render/wire";
import { clean, isObject, UNKNOWN_VALUE, type ResourceGuard, type StackGuard, type Violation } from "../guard";
import { walkDeep } from "../walk";
import { HELM_TYPES } from "./versions";

type ModelClass = new (data: unknown) => { validate(): void };

/**
 * apiVersion → the @kubernetes-models module of that group/version (kind →
 * class). The packages are ES modules only (their package.json "exports" has
 * just an "import" condition), so the pack, which Pulumi runs as CommonJS,
 * loads them with import() before it serves (loadSchemas).
 */
const MODEL_MODULES: Record<string, () => Promise<Record<string, unknown>>> = {
  "argoproj.io/v1alpha1": () => import("@kubernetes-models/argo-cd/argoproj.io/v1alpha1"),
  "cert-manager.io/v1": () => import("@kubernetes-models/cert-manager/cert-manager.io/v1"),
  "acme.cert-manager.io/v1": () => import("@kubernetes-models/cert-manager/acme.cert-manager.io/v1"),
  "cilium.io/v2": () => import("@kubernetes-models/cilium/cilium.io/v2"),
  "cilium.io/v2alpha1": () => import("@kubernetes-models/cilium/cilium.io/v2alpha1"),
  "gateway.networking.k8s.io/v1": () => import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1"),
  "gateway.networking.k8s.io/v1beta1": () => import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1"),
  "gateway.networking.k8s.io/v1alpha2": () => import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1alpha2"),
  "gateway.networking.k8s.io/v1alpha3": () => import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1alpha3"),
  "gateway.networking.x-k8s.io/v1alpha1": () => import("@kubernetes-models/gateway-api/gateway.networking.x-k8s.io/v1alpha1"),
};

let MODELS: Record<string, Record<string, unknown>> | undefined;

/** Loads the upstream schemas; custom-objects-match-schema needs them. */
export async function loadSchemas(): Promise<void> {
  if (MODELS) return;
  const entries = await Promise.all(Object.entries(MODEL_MODULES).map(async ([apiVersion, load]) => [apiVersion, await load()] as const));
  MODELS = Object.fromEntries(entries);
}

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

export const customObjectsMatchSchema: ResourceGuard = {
  kind: "resource",
  name: "custom-objects-match-schema",
  description: "Every Kubernetes custom object (cert-manager, Gateway API, Cilium, Argo CD) validates against its upstream schema.",
  why: "a misspelt or misplaced field in a custom object is accepted by Pulumi and rejected (or silently dropped) by the cluster only at up.",
  fix: "correct the object as the validation error says; for a new custom kind add its @kubernetes-models group/version to MODEL_MODULES in policy/rules/kubernetes.ts.",
  status: "enforced",
  level: "mandatory",
  check(r) {
    const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(r.type);
    if (!m) return clean(0);
    const [, group, version, kind] = m as unknown as [string, string, string, string];
    if (BUILT_IN_GROUPS.has(group) || NOT_OBJECTS.has(group) || r.type.endsWith("List")) return clean(0);
    const apiVersion = `${group}/${version}`;
    const where = `${r.name} (${apiVersion} ${kind})`;
    const problem = (text: string) => ({ examined: 1, violations: [{ where, problem: text }] });
    if (r.props["apiVersion"] !== apiVersion || r.props["kind"] !== kind)
      return problem(`apiVersion/kind inputs ${JSON.stringify(r.props["apiVersion"])}/${JSON.stringify(r.props["kind"])} do not match the resource type`);
    if (!MODELS) throw new Error("custom-objects-match-schema: call loadSchemas() before checking");
    const Model = MODELS[apiVersion]?.[kind] as ModelClass | undefined;
    if (typeof Model !== "function") {
      if (CUSTOM_KINDS_WITHOUT_MODEL.some((a) => a.apiVersion === apiVersion && a.kind === kind)) return clean(0);
      return problem("no @kubernetes-models class for this custom kind, so its schema cannot be checked");
    }
    try {
      new Model(r.props).validate();
      return clean(1);
    } catch (err) {
      return problem(`fails its upstream schema: ${err instanceof Error ? err.message : String(err)}`);
    }
  },
};

/**
 * KubePrism: Talos runs a load balancer for the API server on every node at
 * localhost (port 7445 by default: siderolabs/talos
 * pkg/machinery/constants/constants.go DefaultKubePrismPort; the talos stack
 * sets it from homelab:talos.kubePrismPort into machine.features.kubePrism).
 * The rule is the talos stack's own (core/talos/checks.ts
 * ciliumApiThroughKubePrism), given the port the machine configs of the same
 * plan enable.
 */
export const ciliumThroughKubePrism: StackGuard = {
  kind: "stack",
  name: "cilium-through-kubeprism",
  description: "Cilium reaches the Kubernetes API through KubePrism (k8sServiceHost localhost, k8sServicePort the port the machine configs enable).",
  why: "Cilium replaces kube-proxy, so it cannot use the Service IP of the API; pointed at one control-plane address or the VIP it loses the API (and the cluster its network) when that node or the VIP is down.",
  fix: "set the Cilium Helm values k8sServiceHost: localhost and k8sServicePort to homelab:talos.kubePrismPort (7445 by default).",
  status: "enforced",
  level: "mandatory",
  check(resources) {
    const releases = resources.filter((r) => HELM_TYPES.includes(r.type) && r.props["chart"] === "cilium");
    const ports = new Set<number>();
    for (const r of resources)
      for (const { path, value } of walkDeep(r.props as Json))
        if (/(^|\.|>)machine\.features\.kubePrism\.port$/.test(path) && typeof value === "number") ports.add(value);
    const port = ports.size === 1 ? [...ports][0] : undefined;
    const violations: Violation[] = [];
    for (const r of releases) {
      const values = r.props["values"];
      if (!isObject(values) || values["k8sServiceHost"] === UNKNOWN_VALUE || values["k8sServicePort"] === UNKNOWN_VALUE) continue;
      const problem = ciliumApiThroughKubePrism(values, port);
      if (problem) violations.push({ where: `${r.name} values`, urn: r.urn, problem });
    }
    return { violations, examined: releases.length };
  },
};
