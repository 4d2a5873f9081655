/**
 * LAN addresses for Services of type LoadBalancer: Cilium's LB-IPAM pool and
 * the L2 announcement policy that makes one node answer ARP for each address.
 * The pool's addresses were checked against the LAN plan in pool.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadBalancerConfig } from "./config";

/** Label Kubernetes puts on control-plane nodes (Talos sets it too). */
export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

export interface LoadBalancerArgs {
  readonly pool: LoadBalancerConfig;
  readonly provider: k8s.Provider;
}

export class LoadBalancer extends pulumi.ComponentResource {
  readonly pool: k8s.apiextensions.CustomResource;
  readonly announcements: k8s.apiextensions.CustomResource;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:platform:LoadBalancer", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const lb = args.pool;
    this.pool = new k8s.apiextensions.CustomResource(
      `${name}-pool`,
      {
        // v2 is the served storage version from Cilium 1.18 (v2alpha1 is deprecated).
        apiVersion: "cilium.io/v2",
        kind: "CiliumLoadBalancerIPPool",
        metadata: { name: lb.name },
        spec: {
          blocks: lb.blocks ? lb.blocks.map((cidr) => ({ cidr })) : [{ start: lb.start!, stop: lb.stop! }],
          // The blocks are slices of the LAN, not networks of their own:
          // their first and last addresses are ordinary hosts (the ingress IP
          // may well be one of them).
          allowFirstLastIPs: "Yes",
        },
      },
      child,
    );
    this.announcements = new k8s.apiextensions.CustomResource(
      `${name}-l2`,
      {
        apiVersion: "cilium.io/v2alpha1",
        kind: "CiliumL2AnnouncementPolicy",
        metadata: { name: lb.name },
        spec: {
          loadBalancerIPs: true,
          externalIPs: false,
          interfaces: [...lb.interfaces],
          ...(lb.announceFromControlPlanes
            ? {}
            : { nodeSelector: { matchExpressions: [{ key: CONTROL_PLANE_LABEL, operator: "DoesNotExist" }] } }),
        },
      },
      child,
    );
    this.registerOutputs({ pool: lb.name });
  }
}
