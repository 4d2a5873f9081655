/**
 * How the platform stack reaches the cluster: a Kubernetes provider built from
 * the `talos` stack's kubeconfig output (docs/architecture.md#platform). No kubeconfig file is
 * read; the credentials exist only as a secret stack output.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Logical names of the two resources every Kubernetes object here depends
 * on. They sit at the stack root (no component parent) so their URNs stay
 * short and stable for `pulumi up --target` (see targets.ts).
 */
export const TALOS_REFERENCE_NAME = "talos";
export const CLUSTER_PROVIDER_NAME = "cluster";

/**
 * The Kubernetes provider for the talos cluster. `talosStack` is the fully
 * qualified stack name from homelab:stackRefs.talos.
 */
export function clusterProvider(talosStack: string): k8s.Provider {
  const talos = new pulumi.StackReference(TALOS_REFERENCE_NAME, { name: talosStack });
  // The talos stack exports kubeconfig as a secret; wrapping again keeps it
  // secret even if that output ever lost its flag.
  const kubeconfig = pulumi.secret(talos.requireOutput("kubeconfig")) as pulumi.Output<string>;
  return new k8s.Provider(CLUSTER_PROVIDER_NAME, {
    kubeconfig,
    // Server-side apply (the provider default, stated because the Gateway,
    // issuers and pools rely on field ownership shared with controllers that
    // write their status).
    enableServerSideApply: true,
  });
}
