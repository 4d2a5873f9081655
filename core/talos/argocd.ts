/**
 * Argo CD (Helm) and the one ApplicationSet that turns every top-level
 * directory of the manifests branch into an Application. Workloads flow by
 * GitOps from there; this program only points Argo CD at the branch.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ArgoCdConfig } from "./config";
import { deepMerge, type Values } from "./values";

/** The values this stack sets; config overrides are merged over them. */
export function argoCdValues(): Values {
  return {
    // TLS ends at the shared Gateway (platform stack); the server speaks plain HTTP behind it.
    configs: { params: { "server.insecure": true } },
  };
}

export interface ApplicationSetArgs {
  readonly name: string;
  readonly namespace: string;
  readonly repoUrl: string;
  readonly branch: string;
}

/** The ApplicationSet object (argoproj.io/v1alpha1), as data so tests validate it against the CRD schema. */
export function applicationSet(a: ApplicationSetArgs) {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: a.name, namespace: a.namespace },
    spec: {
      goTemplate: true,
      // A typo in a template field fails loudly instead of rendering an empty name.
      goTemplateOptions: ["missingkey=error"],
      generators: [{ git: { repoURL: a.repoUrl, revision: a.branch, directories: [{ path: "*" }] } }],
      template: {
        metadata: { name: "{{.path.basename}}" },
        spec: {
          project: "default",
          source: { repoURL: a.repoUrl, targetRevision: a.branch, path: "{{.path.path}}" },
          destination: { server: "https://kubernetes.default.svc", namespace: "{{.path.basename}}" },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
          },
        },
      },
    },
  };
}

export interface ArgoCdArgs {
  readonly config: ArgoCdConfig;
  readonly provider: k8s.Provider;
}

export class ArgoCd extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;
  readonly applicationSet: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:talos:ArgoCd", name, {}, opts);
    const { config } = args;
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: "argocd",
        chart: "argo-cd",
        version: config.chartVersion,
        repositoryOpts: { repo: "https://argoproj.github.io/argo-helm" },
        namespace: config.namespace,
        createNamespace: true,
        values: deepMerge(argoCdValues(), config.values),
        timeout: 900,
        maxHistory: 5,
      },
      // The component's dependencies hold for the release itself (Pulumi does not pass them to children).
      { parent: this, provider: args.provider, dependsOn: opts?.dependsOn },
    );

    const appSet = applicationSet({ name: "manifests", namespace: config.namespace, repoUrl: config.repoUrl, branch: config.branch });
    this.applicationSet = new k8s.apiextensions.CustomResource(
      `${name}-apps`,
      { apiVersion: appSet.apiVersion, kind: appSet.kind, metadata: appSet.metadata, spec: appSet.spec },
      // The ApplicationSet CRD and controller come with the chart.
      { parent: this, provider: args.provider, dependsOn: [this.release] },
    );
    this.registerOutputs({ status: this.release.status });
  }
}
