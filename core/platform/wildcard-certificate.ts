/**
 * The wildcard certificate (`<domain>` and `*.<domain>`) the shared Gateway
 * terminates TLS with, and the copy Cilium's Envoy reads.
 *
 * How Cilium finds it: Envoy only reads Secrets in Cilium's secrets namespace
 * (`cilium-secrets`). When the chart's `gatewayAPI.secretsNamespace.sync` is
 * on (its default), the Cilium operator copies each Secret a Cilium Gateway
 * references into that namespace as `<namespace>-<name>` and keeps it in sync
 * on renewal; then the copy needs nothing from us. When that sync is off,
 * this component makes cert-manager issue the same certificate straight
 * into the secrets namespace under the name Cilium looks up. Exactly one of
 * the two writes the copy (config: homelab:gateway.ciliumSecrets).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface WildcardCertificateArgs {
  readonly domain: string;
  /** Namespace of the Gateway (the Secret must sit next to it: no ReferenceGrant needed). */
  readonly namespace: pulumi.Input<string>;
  /** Plain name of that namespace, for the copy's name. */
  readonly namespaceName: string;
  readonly secretName: string;
  /** ClusterIssuer that signs it. */
  readonly issuer: string;
  /** Issue the Cilium copy here instead of letting the Cilium operator sync it. */
  readonly ciliumCopyNamespace?: string;
  /** The cert-manager release and the issuer: the CRDs and webhook must exist first. */
  readonly dependsOn: pulumi.Resource[];
  readonly provider: k8s.Provider;
}

/** The name Cilium gives (and looks up) for a Gateway's Secret in its secrets namespace. */
export function ciliumSecretName(namespace: string, secretName: string): string {
  return `${namespace}-${secretName}`;
}

export class WildcardCertificate extends pulumi.ComponentResource {
  readonly certificate: k8s.apiextensions.CustomResource;
  readonly ciliumCopy?: k8s.apiextensions.CustomResource;
  readonly secretName: string;

  constructor(name: string, args: WildcardCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:platform:WildcardCertificate", name, {}, opts);
    const child = { parent: this, provider: args.provider, dependsOn: args.dependsOn };
    this.secretName = args.secretName;
    this.certificate = new k8s.apiextensions.CustomResource(
      `${name}-certificate`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: args.secretName, namespace: args.namespace },
        spec: certificateSpec(args.domain, args.secretName, args.issuer),
      },
      child,
    );
    if (args.ciliumCopyNamespace !== undefined) {
      const copyName = ciliumSecretName(args.namespaceName, args.secretName);
      this.ciliumCopy = new k8s.apiextensions.CustomResource(
        `${name}-cilium-copy`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: { name: copyName, namespace: args.ciliumCopyNamespace },
          spec: certificateSpec(args.domain, copyName, args.issuer),
        },
        child,
      );
    }
    this.registerOutputs({ secretName: this.secretName });
  }
}

function certificateSpec(domain: string, secretName: string, issuer: string): Record<string, unknown> {
  return {
    secretName,
    dnsNames: [domain, `*.${domain}`],
    issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: issuer },
    // A fresh key on every renewal: a leaked key expires with its certificate.
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
  };
}
