/**
 * Bootstrap Secrets (docs/architecture.md#platform): Kubernetes Secrets whose values come from
 * the sops environment, created before the workloads that read them exist.
 * Argo CD later deploys those workloads from git, where the Secrets are not;
 * the annotations keep Argo CD from pruning them or showing them as drift
 * when an Application's resources happen to include the same namespace.
 *
 * All of them sit under this one component so `just create-secrets` can
 * apply only them (see targets.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SecretName, StackSecrets } from "../secrets";
import type { BootstrapSecretConfig } from "./config";
import type { PlatformNamespaces } from "./namespaces";

/** Argo CD: never prune, and leave out of the Application's diff. */
export const ARGOCD_KEEP_ANNOTATIONS = {
  "argocd.argoproj.io/sync-options": "Prune=false",
  "argocd.argoproj.io/compare-options": "IgnoreExtraneous",
} as const;

export interface BootstrapSecretsArgs {
  readonly secrets: readonly BootstrapSecretConfig[];
  /** Secret values of this run; every name used in `secrets` is required by config. */
  readonly values: StackSecrets;
  readonly namespaces: PlatformNamespaces;
  readonly provider: k8s.Provider;
}

export class BootstrapSecrets extends pulumi.ComponentResource {
  /** Created Secrets by `<namespace>/<name>`. */
  readonly secrets: ReadonlyMap<string, k8s.core.v1.Secret>;

  constructor(name: string, args: BootstrapSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:platform:BootstrapSecrets", name, {}, opts);
    this.secrets = new Map(
      args.secrets.map((s) => [`${s.namespace}/${s.name}`, this.createSecret(name, s, args)]),
    );
    this.registerOutputs({ secrets: [...this.secrets.keys()] });
  }

  private createSecret(name: string, s: BootstrapSecretConfig, args: BootstrapSecretsArgs): k8s.core.v1.Secret {
    // Values are already Pulumi secrets (core/secrets.ts); the provider also
    // marks stringData secret in state.
    const stringData: Record<string, pulumi.Output<string>> = {};
    for (const [key, secret] of Object.entries(s.data) as [string, SecretName][]) stringData[key] = args.values.require(secret);
    return new k8s.core.v1.Secret(
      `${name}-${s.namespace}-${s.name}`,
      {
        metadata: {
          name: s.name,
          namespace: args.namespaces.ref(s.namespace),
          labels: { ...s.labels, "app.kubernetes.io/managed-by": "pulumi" },
          annotations: { ...ARGOCD_KEEP_ANNOTATIONS },
        },
        type: s.type,
        stringData,
      },
      { parent: this, provider: args.provider },
    );
  }

  /** The Secret `<namespace>/<name>`, for dependencies. */
  get(namespace: string, secretName: string): k8s.core.v1.Secret | undefined {
    return this.secrets.get(`${namespace}/${secretName}`);
  }
}
