/**
 * Kubernetes node label keys: their syntax, and which of them a worker's own
 * kubelet credential may set.
 *
 * Talos applies `machine.nodeLabels` (and taints) to the Node object in one
 * update; on a worker it uses the kubelet's credential (siderolabs/talos
 * v1.13.9, internal/app/machined/pkg/controllers/k8s/node_apply.go: control
 * planes use an admin client, workers the kubelet kubeconfig). The API
 * server's NodeRestriction admission plugin refuses that whole update when it
 * touches a label the kubelet may not set, so one such key costs the node all
 * its labels. The allow-list below is Kubernetes':
 * kubernetes/kubernetes plugin/pkg/admission/noderestriction/admission.go
 * (getForbiddenLabels) with k8s.io/kubelet v0.35.4 pkg/apis/well_known_labels.go
 * (IsKubeletLabel) and k8s.io/api v0.35.4 core/v1/well_known_labels.go.
 */
import { z } from "zod";
import { describe } from "./primitives";

/** A label (or taint) key: optional DNS-subdomain prefix, `/`, and a name of up to 63 characters. */
export const labelKey = z.string().regex(/^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/, {
  error: (issue) => `expected a Kubernetes label key like homelab/pool or nvidia.com/gpu.present, got ${describe(issue.input)}`,
});

/**
 * A label (or taint) value: empty, or up to 63 letters, digits, `-`, `_` and
 * `.`, starting and ending alphanumeric (k8s.io/apimachinery validation,
 * IsValidLabelValue). The API server refuses anything else.
 */
export const labelValue = z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/, {
  error: (issue) => `expected a Kubernetes label value (up to 63 letters, digits, '-', '_' or '.', alphanumeric at both ends), got ${describe(issue.input)}`,
});

/** Keys in the Kubernetes namespaces that a kubelet may set on its own Node (IsKubeletLabel). */
export const KUBELET_LABELS = [
  "kubernetes.io/hostname",
  "kubernetes.io/os",
  "kubernetes.io/arch",
  "topology.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone",
  "failure-domain.beta.kubernetes.io/region",
  "beta.kubernetes.io/instance-type",
  "node.kubernetes.io/instance-type",
  "beta.kubernetes.io/os",
  "beta.kubernetes.io/arch",
] as const;

/** Namespaces (and their subdomains) a kubelet may set any key in. */
export const KUBELET_LABEL_NAMESPACES = ["kubelet.kubernetes.io", "node.kubernetes.io"] as const;

const inNamespace = (namespace: string, ns: string) => namespace === ns || namespace.endsWith(`.${ns}`);

/**
 * Why a worker's kubelet may not set this label key, or undefined when it may.
 * Keys outside kubernetes.io and k8s.io (like homelab/pool or nvidia.com/gpu.present) are always allowed.
 */
export function kubeletForbiddenLabel(key: string): string | undefined {
  const slash = key.indexOf("/");
  const namespace = slash === -1 ? "" : key.slice(0, slash);
  if (inNamespace(namespace, "node-restriction.kubernetes.io"))
    return `"${key}" is in node-restriction.kubernetes.io/, which Kubernetes reserves for labels only an administrator sets (NodeRestriction refuses it from the node itself)`;
  const kubernetes = ["kubernetes.io", "k8s.io"].some((ns) => inNamespace(namespace, ns));
  if (!kubernetes) return undefined;
  if ((KUBELET_LABELS as readonly string[]).includes(key)) return undefined;
  if (KUBELET_LABEL_NAMESPACES.some((ns) => inNamespace(namespace, ns))) return undefined;
  return (
    `a worker's kubelet may not set "${key}": NodeRestriction lets a node set kubernetes.io and k8s.io keys only under ` +
    `${KUBELET_LABEL_NAMESPACES.map((ns) => `${ns}/`).join(" or ")} or the well-known ${KUBELET_LABELS.join(", ")}; ` +
    `Talos applies worker labels with the kubelet's credential, so the node would get none of its labels. ` +
    `Use a key of your own (like homelab/role) instead`
  );
}
