/**
 * The LAN side of the path public services take: a NetBird routing peer in
 * the cluster. bifrost's Traefik forwards to the Gateway's LAN address
 * (homelab:network.ingressIp) over NetBird; that address is reachable only
 * through a peer on the LAN that routes to it. This Deployment is that peer:
 * the NetBird client (netbirdio/netbird image, which reads NB_SETUP_KEY,
 * NB_MANAGEMENT_URL and NB_HOSTNAME from its environment) enrolled with the
 * setup key bifrost's bootstrap created (the hetzner stack's secret output
 * netbirdLanSetupKey), kept in a Kubernetes Secret and never in the pod
 * spec. Its traffic to the LAN leaves through the node (masqueraded), so it
 * needs no host network.
 *
 * The network, its route and the access policy live in NetBird; bifrost's
 * bootstrap creates them (core/hetzner/bundle/netbird-lan.ts): the key's
 * group routes the Gateway address, and only bifrost's group may reach it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackOrderError } from "../config/errors";
import { ARGOCD_KEEP_ANNOTATIONS } from "./bootstrap-secrets";

/** The hetzner stack output holding the routing peer's setup key. */
export const LAN_SETUP_KEY_OUTPUT = "netbirdLanSetupKey";

/**
 * The routing peer's setup key from the hetzner stack. Checked before any
 * resource exists: without it the stacks ran out of order, which is a clean
 * error naming the fix rather than a failed Deployment.
 */
export async function lanSetupKey(hetznerStack: string): Promise<pulumi.Output<string>> {
  const hetzner = new pulumi.StackReference("hetzner", { name: hetznerStack });
  const details = await hetzner.getOutputDetails(LAN_SETUP_KEY_OUTPUT);
  const value = details.secretValue ?? details.value;
  if (typeof value !== "string" || value.trim() === "")
    throw new StackOrderError(
      { stack: hetznerStack, output: LAN_SETUP_KEY_OUTPUT },
      "homelab:netbirdRouter.enabled is true, and bifrost's bootstrap makes the routing peer's setup key",
      "Run `just core hetzner up` first (with homelab:bifrost.deliver: true), or set homelab:netbirdRouter.enabled: false in Pulumi.platform.yaml.",
    );
  return pulumi.secret(value);
}

/** Name of the Secret holding the setup key, and its key. */
export const ROUTER_SECRET = { name: "netbird-router-setup-key", key: "NB_SETUP_KEY" } as const;

export interface NetbirdRouterArgs {
  readonly namespace: pulumi.Input<string>;
  /** The namespace's name (part of the Secret's former logical name). */
  readonly namespaceName: string;
  readonly image: string;
  /** NetBird's management URL: bifrost's public NetBird hostname. */
  readonly managementUrl: string;
  /** Peer name in NetBird. */
  readonly hostname: string;
  /** Routing peers: NetBird routes through any peer of the group that is up. */
  readonly replicas: number;
  /** The setup key (a secret): the hetzner stack's output netbirdLanSetupKey. */
  readonly setupKey: pulumi.Output<string>;
  /**
   * The component that held the Secret when the key came from sops, so the
   * Secret keeps its identity (an alias) instead of being deleted and made
   * again under the same Kubernetes name.
   */
  readonly formerParent: pulumi.Resource;
  readonly provider: k8s.Provider;
}

export class NetbirdRouter extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly secret: k8s.core.v1.Secret;
  readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;

  constructor(name: string, args: NetbirdRouterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:platform:NetbirdRouter", name, {}, opts);
    // What the Deployment, the spreading rule and the budget select the pods by.
    const selector = { matchLabels: { "app.kubernetes.io/name": "netbird-router" } };
    const labels = { ...selector.matchLabels, "app.kubernetes.io/managed-by": "pulumi" };
    this.secret = new k8s.core.v1.Secret(
      `${name}-setup-key`,
      {
        metadata: { name: ROUTER_SECRET.name, namespace: args.namespace, labels: { "app.kubernetes.io/managed-by": "pulumi" }, annotations: { ...ARGOCD_KEEP_ANNOTATIONS } },
        type: "Opaque",
        stringData: { [ROUTER_SECRET.key]: pulumi.secret(args.setupKey) },
      },
      {
        parent: this,
        provider: args.provider,
        // Its name when it was one of the bootstrap Secrets (bootstrap-secrets.ts).
        aliases: [{ name: `bootstrap-secrets-${args.namespaceName}-${ROUTER_SECRET.name}`, parent: args.formerParent }],
      },
    );
    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { name: "netbird-router", namespace: args.namespace, labels },
        spec: {
          // Each pod is a peer of its own (ephemeral, state in an emptyDir),
          // and every peer of a router's peer_groups routes the network
          // (netbirdio/netbird management/server/types/account.go, the
          // network routers map), so more than one keeps the path up while a
          // node drains or reboots. A rollout adds the new peer before it
          // stops an old one.
          replicas: args.replicas,
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          selector,
          template: {
            metadata: { labels },
            spec: {
              // Spread over nodes, so one node going down leaves a peer.
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: selector } },
                  ],
                },
              },
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
      { parent: this, provider: args.provider, dependsOn: [this.secret] },
    );
    // A drain (Talos upgrades drain each node) never takes the last peer.
    if (args.replicas > 1)
      this.disruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
        name,
        {
          metadata: { name: "netbird-router", namespace: args.namespace, labels },
          spec: { minAvailable: 1, selector },
        },
        { parent: this, provider: args.provider },
    );
    this.registerOutputs({});
  }
}
