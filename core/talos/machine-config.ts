/**
 * Talos machine-config patches as typed documents (docs/development.md, rule 7). Every
 * document here is one the Talos 1.13 config schema accepts: the legacy
 * `v1alpha1` machine/cluster document for cluster, role and GPU settings, and
 * the 1.13 multi-document network kinds (HostnameConfig, LinkAliasConfig,
 * LinkConfig, Layer2VIPConfig, ResolverConfig) instead of the deprecated
 * `machine.network` block. Each patch is one document, serialised once.
 */
import YAML from "yaml";
import type { NodeConfig } from "../config/project";
import type { TalosConfig } from "./config";
import type { StoragePatch, UserVolumeConfig } from "./storage";

/** Subset of the `v1alpha1` config document this program patches (field names per the schema). */
export interface V1Alpha1Patch {
  machine?: {
    install?: { disk?: string; image?: string; wipe?: boolean };
    kubelet?: {
      nodeIP?: { validSubnets: string[] };
      /** KubeletConfiguration fields (Talos refuses the ones it manages itself). */
      extraConfig?: { registerWithTaints?: KubeletTaint[] };
    };
    features?: { kubePrism?: { enabled: boolean; port: number } };
    kernel?: { modules: { name: string; parameters?: string[] }[] };
    sysctls?: Record<string, string>;
    nodeLabels?: Record<string, string>;
  };
  cluster?: {
    clusterName?: string;
    controlPlane?: { endpoint: string };
    network?: { cni: { name: "none" | "flannel" | "custom" } };
    proxy?: { disabled: boolean };
    etcd?: { advertisedSubnets: string[] };
    allowSchedulingOnControlPlanes?: boolean;
  };
}

/** A taint as the KubeletConfiguration's `registerWithTaints` lists it (core/v1 Taint). */
export interface KubeletTaint {
  key: string;
  value: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

interface Meta<K extends string> {
  apiVersion: "v1alpha1";
  kind: K;
}
export interface HostnameConfig extends Meta<"HostnameConfig"> {
  auto: "off" | "stable";
  hostname?: string;
}
export interface LinkAliasConfig extends Meta<"LinkAliasConfig"> {
  name: string;
  selector: { match: string };
}
export interface LinkConfig extends Meta<"LinkConfig"> {
  name: string;
  up: boolean;
  addresses: { address: string }[];
  routes: { destination?: string; gateway: string; metric?: number }[];
}
export interface Layer2VIPConfig extends Meta<"Layer2VIPConfig"> {
  name: string;
  link: string;
}
export interface ResolverConfig extends Meta<"ResolverConfig"> {
  nameservers: { address: string }[];
}
export type NetworkDocument = HostnameConfig | LinkAliasConfig | LinkConfig | Layer2VIPConfig | ResolverConfig;
/** Storage documents (core/talos/storage.ts) are patches too. */
export type MachineDocument = V1Alpha1Patch | NetworkDocument | UserVolumeConfig | StoragePatch;

/**
 * The name every node's LAN interface gets. Talos names a virtio NIC on q35
 * after its PCI slot (`ens18` on Proxmox today), which changes if Proxmox moves
 * the device or the machine type changes. Instead each VM gets a fixed MAC
 * derived from its VM id (see `nodeMac`) and a LinkAliasConfig selects that MAC
 * and names the link `lan`; LinkConfig and the VIP then refer to `lan`, so the
 * patches never depend on slot-based names.
 */
export const LAN_LINK = "lan";

/**
 * Locally administered unicast MAC for a VM (first octet 0x02), unique per
 * VM id: `02:7a:` + the VM id as four bytes. Stable across re-creation, so the
 * link alias keeps matching.
 */
export function nodeMac(vmId: number): string {
  const bytes = [0x02, 0x7a, (vmId >>> 24) & 0xff, (vmId >>> 16) & 0xff, (vmId >>> 8) & 0xff, vmId & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** The Kubernetes API endpoint on the VIP. */
export function clusterEndpoint(vip: string): string {
  return `https://${vip}:6443`;
}

export interface ClusterPatchArgs {
  readonly clusterName: string;
  readonly vip: string;
  /** LAN subnet, e.g. 10.10.0.0/24. */
  readonly subnet: string;
  /** KubePrism's port on every node (Cilium reaches the API server there). */
  readonly kubePrismPort: number;
}

/**
 * Every node: cluster identity, no CNI and no kube-proxy (Cilium replaces
 * both), kubelet on the LAN, and KubePrism on.
 */
export function clusterPatch(a: ClusterPatchArgs): V1Alpha1Patch {
  return {
    machine: {
      // Pins the kubelet's node IP to the LAN, so it never picks the VIP or a pod address.
      kubelet: { nodeIP: { validSubnets: [a.subnet] } },
      // Talos turns KubePrism on by default from the 1.6 contract on; Cilium depends on it,
      // so it is stated here rather than left to a default a contract could change.
      features: { kubePrism: { enabled: true, port: a.kubePrismPort } },
    },
    cluster: {
      clusterName: a.clusterName,
      controlPlane: { endpoint: clusterEndpoint(a.vip) },
      network: { cni: { name: "none" } },
      proxy: { disabled: true },
    },
  };
}

/** Where and what Talos installs; the image carries the schematic's extensions. */
export function installPatch(disk: string, installerImage: string): V1Alpha1Patch {
  return { machine: { install: { disk, image: installerImage } } };
}

/** Control planes: etcd peers talk over the LAN only (never the VIP). */
export function controlPlanePatch(subnet: string): V1Alpha1Patch {
  return { cluster: { etcd: { advertisedSubnets: [subnet] }, allowSchedulingOnControlPlanes: false } };
}

/** The API VIP, held by one control plane at a time on its LAN link. */
export function vipDocument(vip: string): Layer2VIPConfig {
  return { apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: vip, link: LAN_LINK };
}

/** Workers: kernel modules for storage engines and the worker labels. */
export function workerPatch(workers: Pick<TalosConfig["workers"], "kernelModules" | "labels">): V1Alpha1Patch {
  return {
    machine: {
      kernel: { modules: workers.kernelModules.map((name) => ({ name })) },
      ...(Object.keys(workers.labels).length > 0 ? { nodeLabels: { ...workers.labels } } : {}),
    },
  };
}

/**
 * GPU workers: NVIDIA modules, and a taint + labels that reserve the node for
 * GPU work. The taint is registered by the kubelet when it creates its Node
 * (`registerWithTaints`, which Talos v1.13 passes through from extraConfig),
 * not set by `machine.nodeTaints`: Talos applies nodeTaints with a worker's
 * kubelet credential, NodeRestriction refuses a node changing its own taints,
 * and the refusal takes the labels of the same update with it. A Node that
 * already exists is tainted from the Kubernetes side (core/talos/gpu-taint.ts).
 */
export function gpuPatch(gpu: TalosConfig["gpu"]): V1Alpha1Patch {
  return {
    machine: {
      kernel: { modules: gpu.kernelModules.map((name) => ({ name })) },
      // Talos' NVIDIA guide: the container toolkit needs BPF JIT hardening relaxed to 1.
      sysctls: { "net.core.bpf_jit_harden": "1" },
      kubelet: { extraConfig: { registerWithTaints: [{ ...gpu.taint }] } },
      nodeLabels: { ...gpu.labels },
    },
  };
}

export interface NodeNetworkArgs {
  readonly node: Pick<NodeConfig, "name" | "vmId" | "ip" | "routes">;
  readonly prefix: number;
  readonly gateway: string;
  readonly nameservers: readonly string[];
}

/** Per node: hostname, the LAN link (static address, default route, extra routes) and DNS. */
export function nodeNetworkDocuments(a: NodeNetworkArgs): NetworkDocument[] {
  return [
    // The generated config carries `auto: stable`; a static hostname needs auto off explicitly,
    // or the merged document sets both and Talos rejects it.
    { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off", hostname: a.node.name },
    {
      apiVersion: "v1alpha1",
      kind: "LinkAliasConfig",
      name: LAN_LINK,
      selector: { match: `mac(link.permanent_addr) == "${nodeMac(a.node.vmId)}"` },
    },
    {
      apiVersion: "v1alpha1",
      kind: "LinkConfig",
      name: LAN_LINK,
      up: true,
      addresses: [{ address: `${a.node.ip}/${a.prefix}` }],
      routes: [
        { gateway: a.gateway },
        ...a.node.routes.map((r) => ({
          destination: r.network,
          gateway: r.gateway,
          ...(r.metric !== undefined ? { metric: r.metric } : {}),
        })),
      ],
    },
    { apiVersion: "v1alpha1", kind: "ResolverConfig", nameservers: a.nameservers.map((address) => ({ address })) },
  ];
}

/** Per node: labels from the node's own config, on top of its role's. */
export function nodeLabelsPatch(labels: Readonly<Record<string, string>>): V1Alpha1Patch | undefined {
  return Object.keys(labels).length > 0 ? { machine: { nodeLabels: { ...labels } } } : undefined;
}

/**
 * One document as a patch string. YAML 1.1 output quotes `off`, `yes` and the
 * like, so no reader can take `auto: off` for a boolean.
 */
export function toPatch(doc: MachineDocument): string {
  return YAML.stringify(doc, { version: "1.1", lineWidth: 0 });
}
