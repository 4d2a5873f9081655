/**
 * Cilium as the cluster's CNI (Helm), with the settings Talos documents for
 * it (docs.siderolabs.com, Kubernetes guides, "Deploy Cilium CNI"):
 * kube-proxy replacement (Talos runs no kube-proxy here) with the API server
 * reached through KubePrism on localhost, cgroup v2 at the host's mount
 * instead of Cilium mounting its own, and explicit capability lists because
 * Talos does not grant SYS_MODULE.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CiliumConfig } from "./config";
import { deepMerge, type Values } from "./values";

export interface CiliumValuesArgs {
  /** KubePrism's port (homelab:talos.kubePrismPort): every node's local path to the API servers. */
  readonly kubePrismPort: number;
  /** Nodes in the cluster: the operator runs two replicas (on different nodes) when it can. */
  readonly nodeCount: number;
}

/**
 * Where Cilium reaches the API server without kube-proxy: KubePrism on the
 * node itself. Not the VIP: it moves between control planes (up to a minute
 * to fail over, several times during a rolling upgrade), and every agent and
 * the operator would lose the API meanwhile.
 */
export const KUBEPRISM_HOST = "localhost";

/** The values this stack sets; config overrides are merged over them. */
export function ciliumValues(a: CiliumValuesArgs): Values {
  return {
    ipam: { mode: "kubernetes" },
    kubeProxyReplacement: true,
    k8sServiceHost: KUBEPRISM_HOST,
    k8sServicePort: a.kubePrismPort,
    securityContext: {
      capabilities: {
        ciliumAgent: ["CHOWN", "KILL", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "SYS_ADMIN", "SYS_RESOURCE", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"],
        cleanCiliumState: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"],
      },
    },
    cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
    // LoadBalancer IPs on the LAN (the platform stack's pool and policy) are answered by ARP.
    l2announcements: { enabled: true },
    externalIPs: { enabled: true },
    // L2 announcements hold one lease per service; the default client rate limit starves them.
    k8sClientRateLimit: { qps: 50, burst: 100 },
    // The Gateway API CRDs come from the platform stack; the operator picks them up on its next start.
    // The platform stack also owns the `cilium` GatewayClass: with the chart's default ("auto")
    // a later talos run would create a second owner of the same object once the CRDs exist.
    gatewayAPI: { enabled: true, enableAlpn: true, enableAppProtocol: true, gatewayClass: { create: "false" } },
    hubble: { enabled: true, relay: { enabled: true }, ui: { enabled: true } },
    operator: { replicas: Math.min(2, a.nodeCount) },
  };
}

export interface CiliumArgs extends CiliumValuesArgs {
  readonly config: CiliumConfig;
  readonly provider: k8s.Provider;
}

export class Cilium extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: CiliumArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:talos:Cilium", name, {}, opts);
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: "cilium",
        chart: "cilium",
        version: args.config.chartVersion,
        repositoryOpts: { repo: "https://helm.cilium.io/" },
        namespace: "kube-system",
        values: deepMerge(ciliumValues(args), args.config.values),
        // Nodes become Ready only once the agents run; wait for them.
        timeout: 900,
        maxHistory: 5,
      },
      // The component's dependencies hold for the release itself (Pulumi does not pass them to children).
      { parent: this, provider: args.provider, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({ status: this.release.status });
  }
}
