/**
 * The LAN side of the path public services take: a NetBird routing peer in
 * the cluster. bifrost's Traefik forwards to the Gateway's LAN address
 * (homelab:network.ingressIp) over NetBird; that address is reachable only
 * through a peer on the LAN that routes to it. This Deployment is that peer:
 * the NetBird client (netbirdio/netbird image, which reads NB_SETUP_KEY,
 * NB_MANAGEMENT_URL and NB_HOSTNAME from its environment) enrolled with a
 * setup key from the sops secret NETBIRD_LAN_SETUP_KEY, kept in a Kubernetes
 * Secret and never in the pod spec. Its traffic to the LAN leaves through the
 * node (masqueraded), so it needs no host network.
 *
 * The network route (the Gateway address, routed by this peer's group) and
 * the access policy (bifrost's group → that route) live in NetBird; the README
 * ("NetBird: the LAN path") says how they are set up.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Name of the Secret holding the setup key, and its key. */
export const ROUTER_SECRET = { name: "netbird-router-setup-key", key: "NB_SETUP_KEY" } as const;

export interface NetbirdRouterArgs {
  readonly namespace: pulumi.Input<string>;
  readonly image: string;
  /** NetBird's management URL: bifrost's public NetBird hostname. */
  readonly managementUrl: string;
  /** Peer name in NetBird. */
  readonly hostname: string;
  /** The Secret with the setup key (created by the bootstrap Secrets). */
  readonly setupKeySecret: pulumi.Resource;
  readonly provider: k8s.Provider;
}

export class NetbirdRouter extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: NetbirdRouterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:platform:NetbirdRouter", name, {}, opts);
    const labels = { "app.kubernetes.io/name": "netbird-router", "app.kubernetes.io/managed-by": "pulumi" };
    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { name: "netbird-router", namespace: args.namespace, labels },
        spec: {
          replicas: 1,
          // One peer identity at a time.
          strategy: { type: "Recreate" },
          selector: { matchLabels: { "app.kubernetes.io/name": "netbird-router" } },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: "netbird",
                  image: args.image,
                  env: [
                    { name: "NB_MANAGEMENT_URL", value: args.managementUrl },
                    { name: "NB_HOSTNAME", value: args.hostname },
                    { name: "NB_LOG_LEVEL", value: "info" },
                    { name: "NB_SETUP_KEY", valueFrom: { secretKeyRef: { name: ROUTER_SECRET.name, key: ROUTER_SECRET.key } } },
                  ],
                  // WireGuard interface and routes in the pod's namespace.
                  securityContext: { capabilities: { add: ["NET_ADMIN", "SYS_RESOURCE", "SYS_ADMIN"] } },
                  volumeMounts: [{ name: "state", mountPath: "/var/lib/netbird" }],
                  resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                },
              ],
              volumes: [{ name: "state", emptyDir: {} }],
            },
          },
        },
      },
      { parent: this, provider: args.provider, dependsOn: [args.setupKeySecret] },
    );
    this.registerOutputs({});
  }
}
