/**
 * The resources that must survive a careless `pulumi destroy`, a refactor or
 * a replacement, written out by hand (not derived from the plan): losing one
 * of these protections is a decision, taken by editing this list in review.
 *
 * `protect`: Pulumi refuses to delete it. `retainOnDelete`: Pulumi forgets it
 * but leaves it in place. `inputs`: the provider's own protection flags.
 */
import type { Json } from "../../core/render/wire";
import type { StackName } from "../../core/stacks";

export interface ProtectedResource {
  readonly stack: StackName;
  readonly type: string;
  readonly name: string;
  readonly protect?: true;
  readonly retainOnDelete?: true;
  /** Inputs that must keep these values (provider-side delete/rebuild protection). */
  readonly inputs?: Readonly<Record<string, Json>>;
  readonly why: string;
}

/** The example cluster's VMs (Pulumi.yaml homelab:nodes), protected by homelab:proxmox.protectVms. */
const VMS = ["k8s-cp-1", "k8s-cp-2", "k8s-cp-3", "k8s-worker-1", "k8s-worker-2", "k8s-gpu-1"].map(
  (node): ProtectedResource => ({
    stack: "talos",
    type: "proxmoxve:index/vmLegacy:VmLegacy",
    name: `${node}-vm`,
    protect: true,
    inputs: { protection: true },
    why: "the node's disk holds etcd and workload data: deleting or replacing the VM loses it (homelab:proxmox.protectVms)",
  }),
);

export const PROTECTED: readonly ProtectedResource[] = [
  ...VMS,
  {
    stack: "talos",
    type: "talos:machine/secrets:Secrets",
    name: "homelab-secrets",
    protect: true,
    why: "the cluster PKI and tokens: generated once; a new one means a new cluster that no node trusts",
  },
  {
    stack: "hetzner",
    type: "hcloud:index/primaryIp:PrimaryIp",
    name: "bifrost-ipv4",
    protect: true,
    inputs: { deleteProtection: true, autoDelete: false },
    why: "DNS points at it: it outlives the server so a rebuild keeps every public hostname valid",
  },
  {
    stack: "hetzner",
    type: "hcloud:index/primaryIp:PrimaryIp",
    name: "bifrost-ipv6",
    protect: true,
    inputs: { deleteProtection: true, autoDelete: false },
    why: "DNS (AAAA) points at it: it outlives the server",
  },
  {
    stack: "hetzner",
    type: "hcloud:index/server:Server",
    name: "bifrost-server",
    protect: true,
    inputs: { deleteProtection: true, rebuildProtection: true },
    why: "the public edge: Pulumi refuses a replacement at preview and Hetzner refuses delete and reinstall until homelab:hcloud.allowReplace lifts both on purpose",
  },
  {
    stack: "hetzner",
    type: "hcloud:index/volume:Volume",
    name: "bifrost-state",
    protect: true,
    inputs: { deleteProtection: true },
    why: "Authentik's database, NetBird's store, certificates and the database dumps: the state a rebuilt server mounts again",
  },
  {
    stack: "platform",
    type: "kubernetes:yaml/v2:ConfigFile",
    name: "gateway-api-manifest",
    retainOnDelete: true,
    why: "the Gateway API CRDs: deleting a CRD deletes every Gateway and route of every workload",
  },
  {
    stack: "platform",
    type: "kubernetes:core/v1:Namespace",
    name: "namespaces-cert-manager",
    retainOnDelete: true,
    why: "deleting a namespace deletes everything in it, including what Argo CD deployed there",
  },
  {
    stack: "platform",
    type: "kubernetes:core/v1:Namespace",
    name: "namespaces-gateway",
    retainOnDelete: true,
    why: "deleting a namespace deletes everything in it",
  },
  {
    stack: "platform",
    type: "kubernetes:core/v1:Namespace",
    name: "namespaces-monitoring",
    retainOnDelete: true,
    why: "deleting a namespace deletes everything in it, including Grafana's data deployed by Argo CD",
  },
  {
    stack: "platform",
    type: "kubernetes:core/v1:Namespace",
    name: "namespaces-netbird",
    retainOnDelete: true,
    why: "deleting a namespace deletes everything in it; turning the routing peer off must not take the namespace with it",
  },
  {
    stack: "authentik",
    type: "authentik:index/outpost:Outpost",
    name: "forward-auth-outpost",
    retainOnDelete: true,
    why: "Authentik's embedded outpost, adopted by import: it existed before this stack and must outlive it",
  },
  {
    stack: "authentik",
    type: "authentik:index/stageIdentification:StageIdentification",
    name: "github-identification-stage",
    retainOnDelete: true,
    why: "Authentik's default login stage, adopted by import: deleting it breaks every login",
  },
];
