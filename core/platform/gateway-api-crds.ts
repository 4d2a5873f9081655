/**
 * Gateway API CRDs at a pinned release. The manifest is the upstream release
 * asset; `yaml.v2.ConfigFile` hands the URL to the Kubernetes provider, which
 * fetches and applies it at deploy time (the program itself fetches nothing).
 * Anything that creates Gateway API objects depends on this component.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface GatewayApiCrdsArgs {
  /** Release like v1.3.0. */
  readonly version: string;
  readonly channel: "standard" | "experimental";
  readonly provider: k8s.Provider;
}

/** Release asset of one Gateway API version and channel. */
export function gatewayApiManifestUrl(version: string, channel: "standard" | "experimental"): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${version}/${channel}-install.yaml`;
}

export class GatewayApiCrds extends pulumi.ComponentResource {
  readonly manifest: k8s.yaml.v2.ConfigFile;
  readonly url: string;

  constructor(name: string, args: GatewayApiCrdsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:platform:GatewayApiCrds", name, {}, opts);
    this.url = gatewayApiManifestUrl(args.version, args.channel);
    this.manifest = new k8s.yaml.v2.ConfigFile(
      `${name}-manifest`,
      { file: this.url },
      // CRDs outlive the stack: deleting them deletes every Gateway and route
      // in the cluster, including those Argo CD manages.
      { parent: this, provider: args.provider, retainOnDelete: true },
    );
    this.registerOutputs({ url: this.url });
  }
}
