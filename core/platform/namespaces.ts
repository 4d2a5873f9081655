/**
 * Namespaces this stack writes into and nobody else creates first: cert-manager's,
 * the Gateway's, and those of bootstrap Secrets and routes for workloads that
 * Argo CD deploys later. They are kept on delete: Argo CD's workloads (and
 * their data) live in them, and destroying the platform stack must not take
 * those down.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface PlatformNamespacesArgs {
  /** Names to create (sorted, unique). */
  readonly names: readonly string[];
  /** Namespaces whose pods need the `privileged` Pod Security level (the NetBird router's NET_ADMIN). */
  readonly privileged?: readonly string[];
  readonly provider: k8s.Provider;
}

export class PlatformNamespaces extends pulumi.ComponentResource {
  private readonly byName: ReadonlyMap<string, k8s.core.v1.Namespace>;

  constructor(name: string, args: PlatformNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:platform:Namespaces", name, {}, opts);
    this.byName = new Map(
      args.names.map((ns) => [
        ns,
        new k8s.core.v1.Namespace(
          `${name}-${ns}`,
          {
            metadata: {
              name: ns,
              labels: {
                "app.kubernetes.io/managed-by": "pulumi",
                // Talos enforces the baseline level cluster-wide, which refuses NET_ADMIN.
                ...(args.privileged?.includes(ns) ? { "pod-security.kubernetes.io/enforce": "privileged" } : {}),
              },
            },
          },
          { parent: this, provider: args.provider, retainOnDelete: true },
        ),
      ]),
    );
    this.registerOutputs({ names: [...this.byName.keys()] });
  }

  /**
   * The namespace name as an input for a child object: an Output carrying the
   * dependency when this component creates the namespace, the plain name when
   * it already exists.
   */
  ref(namespace: string): pulumi.Input<string> {
    return this.byName.get(namespace)?.metadata.name ?? namespace;
  }

  /** The Namespace resource when this stack creates it, for explicit `dependsOn`. */
  resource(namespace: string): k8s.core.v1.Namespace | undefined {
    return this.byName.get(namespace);
  }
}
