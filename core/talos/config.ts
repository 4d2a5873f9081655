/**
 * Config of the `talos` stack (docs/architecture.md#talos): the Proxmox connection and its
 * hosts, the Talos and Kubernetes versions with the image extensions, and the
 * pinned Cilium and Argo CD charts. The node list itself is project-level
 * (core/config/project.ts) because the platform stack checks against it too.
 */
import { z } from "zod";
import type { ConfigIssue } from "../config/errors";
import { kubeletForbiddenLabel, labelKey, labelValue } from "../config/node-labels";
import { chartVersion, describe, dnsLabel, duplicates, gitUrl, httpUrl, vVersion } from "../config/primitives";
import type { NodeConfig } from "../config/project";
import type { SecretName } from "../secrets";
import { placementIssues } from "./placement";

/** The newest Talos 1.13 release; its config schema is what the patches are written against. */
export const DEFAULT_TALOS_VERSION = "v1.13.9";

export const BASE_EXTENSIONS = [
  "siderolabs/qemu-guest-agent",
  "siderolabs/iscsi-tools",
  "siderolabs/util-linux-tools",
] as const;

/** Added on top of the base extensions for nodes with a GPU (NVIDIA open modules, production branch). */
export const GPU_EXTENSIONS = [
  "siderolabs/nvidia-open-gpu-kernel-modules-production",
  "siderolabs/nvidia-container-toolkit-production",
] as const;

/** Talos' KubePrism port (siderolabs/talos v1.13.9, pkg/machinery/constants: DefaultKubePrismPort). */
export const DEFAULT_KUBEPRISM_PORT = 7445;

/** Ports Talos and Kubernetes already listen on at every node (or every control plane). */
const TALOS_HOST_PORTS = new Map<unknown, string>([
  [2379, "etcd"],
  [2380, "etcd"],
  [6443, "the Kubernetes API server"],
  [10250, "the kubelet"],
  [10257, "kube-controller-manager"],
  [10259, "kube-scheduler"],
  [50000, "apid (the Talos API)"],
  [50001, "trustd"],
]);

/**
 * The oldest config contract the patches here fit: they use the multi-document
 * network kinds (HostnameConfig, LinkConfig, …) that Talos generates from the
 * 1.12 contract on (siderolabs/talos v1.13.9, pkg/machinery/config/contract.go:
 * MultidocNetworkConfigSupported).
 */
export const MIN_CONFIG_CONTRACT = "v1.12";
/**
 * The newest contract the bound Talos provider can generate
 * (terraform-provider-talos v0.11.0 builds on Talos machinery v1.13.0; a newer
 * contract would silently yield 1.13 defaults).
 */
export const MAX_CONFIG_CONTRACT = "v1.13";

/** `v1.13` or `v1.13.2`; the contract is the major.minor part. */
const configContract = z.string().regex(/^v\d+\.\d+(\.\d+)?$/, {
  error: (issue) => `expected a Talos config contract like v1.13, got ${describe(issue.input)}`,
});

/** Major.minor of a Talos version (`v1.13.9` → `v1.13`), the form the provider's `talosVersion` takes. */
export function contractOf(version: string): string {
  const [major, minor] = version.replace(/^v/, "").split(".");
  return `v${major}.${minor}`;
}

/** Compares two `vX.Y[.Z]` versions by major and minor only. */
export function compareContracts(a: string, b: string): number {
  const [am, an] = contractOf(a).slice(1).split(".").map(Number);
  const [bm, bn] = contractOf(b).slice(1).split(".").map(Number);
  return am! - bm! || an! - bn!;
}

/** The contract a new cluster gets: its Talos version's, capped at what the provider generates. */
export function newClusterContract(version: string): string {
  return compareContracts(version, MAX_CONFIG_CONTRACT) > 0 ? MAX_CONFIG_CONTRACT : contractOf(version);
}

const extensionName = z.string().regex(/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9._-]*$/, {
  error: (issue) => `expected an Image Factory extension like siderolabs/iscsi-tools, got ${JSON.stringify(issue.input)}`,
});

const kernelModule = z.string().regex(/^[a-z0-9_-]+$/, {
  error: (issue) => `expected a kernel module name like iscsi_tcp, got ${JSON.stringify(issue.input)}`,
});

const labels = z.record(labelKey, labelValue);

const proxmoxHostSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, {
      error: (issue) => `expected a Proxmox node name like pve1, got ${JSON.stringify(issue.input)}`,
    }).describe("Proxmox node name as the cluster knows it (`pvecm nodes`)."),
    imageDatastore: z.string().min(1).default("local").describe("Storage for the downloaded Talos images; needs the `iso` content type."),
  })
  .strict();

export const proxmoxSchema = z
  .object({
    endpoint: httpUrl.describe("API endpoint of the Proxmox cluster, like https://pve1.lab.example.com:8006/."),
    insecure: z.boolean().default(false).describe("Skip TLS verification. Off by default; turn on only for a self-signed certificate you cannot replace."),
    auth: z.enum(["token", "password"]).default("token").describe("`token`: API token in PROXMOX_API_TOKEN (recommended). `password`: user + PROXMOX_PASSWORD (needed for raw PCI ids)."),
    tokenId: z
      .string()
      .regex(/^[^@\s!]+@[^@\s!]+![A-Za-z][A-Za-z0-9._-]*$/, {
        error: (issue) => `expected an API token id like pulumi@pve!homelab, got ${JSON.stringify(issue.input)}`,
      })
      .optional().describe("Token id `user@realm!name` (auth token)."),
    username: z
      .string()
      .regex(/^[^@\s!]+@[^@\s!]+$/, { error: (issue) => `expected a Proxmox user like root@pam, got ${JSON.stringify(issue.input)}` })
      .optional().describe("User `name@realm` (auth password), like root@pam."),
    ssh: z
      .object({
        username: z.string().min(1).default("root").describe("User the provider logs in to the Proxmox hosts as over SSH."),
        agent: z.boolean().default(true).describe("Authenticate with the keys in your SSH agent (SSH_AUTH_SOCK)."),
      })
      .strict()
      .default({ username: "root", agent: true }).describe("SSH to the hosts. The provider imports a downloaded disk image into a new VM over SSH (the API cannot), using your SSH agent."),
    hosts: z.array(proxmoxHostSchema).min(1, { error: "expected at least one Proxmox host" }).describe("The Proxmox hosts VMs may run on. With more than one, every node names its `host`."),
    sharedDatastores: z.array(z.string().min(1)).default([]).describe("Datastores every host sees as the same storage (NFS, CephFS, a shared directory): a Talos image on one is downloaded once, not once per host. Name them as in `imageDatastore`."),
    cpuType: z.string().min(1).default("x86-64-v2-AES").describe("vCPU model. x86-64-v2-AES keeps VMs migratable between unlike CPUs and meets Talos' x86-64-v2 floor."),
    protectVms: z.boolean().default(true).describe("Protect the VMs and their disks (etcd and workload data live there): Pulumi refuses to delete or replace them, and Proxmox's protection flag blocks removing the VM or a disk from the UI or API. Removing a node is then deliberate: set this to false (or `pulumi state unprotect`) first."),
  })
  .strict();

export const talosSchema = z
  .object({
    clusterName: dnsLabel.default("homelab").describe("Cluster name (kubeconfig context, Talos cluster name). Changing it re-creates the machine configs."),
    version: vVersion.default(DEFAULT_TALOS_VERSION).describe("Talos version installed on the nodes (image and installer). Default: newest 1.13.x."),
    configVersion: configContract.optional().describe("Machine-config contract (`v1.13`): which Talos release's config defaults the generated machine configs follow. Keep it at the version the cluster was created with; upgrading `version` does not move it. Unset: the contract this stack recorded on its first run (its `configVersion` output), or `version`'s minor for a new cluster. Raising it is a deliberate change after every node runs at least that version (README, upgrade notes)."),
    kubePrismPort: z
      .number()
      .int()
      .min(1024, { error: "expected an unprivileged port (1024-65535) for KubePrism" })
      .max(65535, { error: "expected a port up to 65535" })
      .refine((p) => !TALOS_HOST_PORTS.has(p), {
        error: (issue) => `port ${describe(issue.input)} is taken on Talos nodes by ${TALOS_HOST_PORTS.get(issue.input as number)}; KubePrism needs a free one (default 7445)`,
      })
      .default(DEFAULT_KUBEPRISM_PORT).describe("Port of KubePrism, Talos' node-local load balancer to the API servers (localhost:<port> on every node). Cilium reaches the API through it, so the VIP moving between control planes never cuts it off. Talos' default."),
    kubernetesVersion: vVersion.describe("Kubernetes version, pinned (no default: an upgrade is a deliberate change)."),
    installDisk: z.string().regex(/^\/dev\/[a-z0-9]+$/).default("/dev/sda").describe("Disk Talos installs to: scsi0 on virtio-scsi-single is /dev/sda."),
    extensions: z
      .object({
        base: z.array(extensionName).default([...BASE_EXTENSIONS]).describe("Image Factory system extensions baked into every node's Talos image. Changing the list makes a new image: with homelab:upgrades.enabled, every node is upgraded to it in turn (one reboot each)."),
        gpu: z.array(extensionName).default([...GPU_EXTENSIONS]).describe("Added to `base` for GPU nodes."),
      })
      .strict()
      .default({ base: [...BASE_EXTENSIONS], gpu: [...GPU_EXTENSIONS] }).describe("Talos system extensions in the node images (from the Image Factory)."),
    workers: z
      .object({
        kernelModules: z.array(kernelModule).default(["iscsi_tcp"]).describe("Kernel modules loaded on every worker. The default is what Longhorn's v1 data engine needs (iSCSI, with the iscsi-tools extension); local-path needs none. For Longhorn's v2 engine set `longhornV2` instead."),
        longhornV2: z.boolean().default(false).describe("Prepare workers for Longhorn's v2 data engine (SPDK): the nvme_tcp, vfio_pci and uio_pci_generic modules and 2 GiB of huge pages per worker."),
        labels: labels.default({ "homelab/pool": "general" }).describe("Labels on every worker (GPU workers too)."),
      })
      .strict()
      .default({ kernelModules: ["iscsi_tcp"], longhornV2: false, labels: { "homelab/pool": "general" } }).describe("Machine config of every worker (GPU workers included)."),
    gpu: z
      .object({
        kernelModules: z.array(kernelModule).default(["nvidia", "nvidia_uvm", "nvidia_drm", "nvidia_modeset"]).describe("Kernel modules loaded on GPU workers, on top of the workers' modules."),
        labels: labels.default({ "homelab/pool": "gpu", "nvidia.com/gpu.present": "true" }).describe("Labels on GPU workers, on top of the workers' labels."),
        taint: z
          .object({
            key: labelKey.describe("Taint key."),
            value: labelValue.describe("Taint value."),
            effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).describe("What the taint does to pods that do not tolerate it."),
          })
          .strict()
          .default({ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }).describe("Keeps ordinary pods off GPU nodes; GPU workloads tolerate it."),
      })
      .strict()
      .default({
        kernelModules: ["nvidia", "nvidia_uvm", "nvidia_drm", "nvidia_modeset"],
        labels: { "homelab/pool": "gpu", "nvidia.com/gpu.present": "true" },
        taint: { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" },
      }).describe("Machine config of the workers with a GPU (`gpu` in homelab:nodes)."),
  })
  .strict();

const helmValues = z.record(z.string(), z.unknown());

export const ciliumSchema = z
  .object({
    chartVersion: chartVersion.default("1.18.12").describe("Cilium Helm chart version (https://helm.cilium.io/), pinned. Changing it upgrades Cilium in place."),
    values: helmValues.default({}).describe("Deep-merged over the values this stack sets (objects merge, lists and scalars replace)."),
  })
  .strict();

export const argocdSchema = z
  .object({
    chartVersion: chartVersion.default("9.3.4").describe("argo-cd Helm chart version (https://argoproj.github.io/argo-helm), pinned. Changing it upgrades Argo CD in place."),
    namespace: dnsLabel.default("argocd").describe("Namespace Argo CD is installed in (created by the release). Changing it re-installs Argo CD there."),
    repoUrl: gitUrl.describe("Git repository holding the generated manifests."),
    branch: z.string().regex(/^[A-Za-z0-9._/-]+$/).default("manifests").describe("Branch with one top-level directory per application."),
    values: helmValues.default({}).describe("Deep-merged over the values this stack sets for Argo CD (objects merge, lists and scalars replace)."),
  })
  .strict();

/** A validated Go duration (30m, 1h30m, 90s) in seconds, for the scripts' polling loops. */
export function durationSeconds(duration: string): number {
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const [, n, u] of duration.matchAll(/(\d+)([hms])/g)) total += Number(n) * unit[u!]!;
  return total;
}

const formatSeconds = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;

/**
 * A Go duration as talosctl takes it (30m, 1h, 1h30m, 90s), between `min` and
 * `max` seconds: a typo like 3000h is a config error here rather than a talosctl
 * flag or shell-arithmetic failure halfway through a rolling upgrade.
 */
function goDuration(min: number, max: number) {
  return z.string().superRefine((d, ctx) => {
    if (!/^(?=\d)(\d{1,6}h)?(\d{1,6}m)?(\d{1,6}s)?$/.test(d))
      ctx.addIssue({ code: "custom", message: `expected a duration like 30m, 1h or 1h30m, got ${describe(d)}` });
    else if (durationSeconds(d) < min || durationSeconds(d) > max)
      ctx.addIssue({ code: "custom", message: `expected between ${formatSeconds(min)} and ${formatSeconds(max)}, got ${describe(d)}` });
  });
}

export const upgradesSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Plan the rolling upgrade steps (core/talos/upgrades.ts). Off: a changed Talos version or extension only changes the machine configs; running nodes keep their version until upgraded by hand."),
    workerBatchSize: z.number().int().min(1, { error: "expected at least 1 node per batch" }).max(100).default(1).describe("Workers (and, separately, GPU workers) upgraded at the same time. Control planes always go one by one."),
    nodeTimeout: goDuration(5 * 60, 6 * 3600).default("30m").describe("Per node: image pull, install, drain, reboot and the wait for Ready (`talosctl upgrade --timeout`)."),
    drainTimeout: goDuration(60, 6 * 3600).default("10m").describe("Cap on evicting a node's pods before its reboot (`--drain-timeout`); PodDisruptionBudgets can hold it up."),
    gateTimeout: goDuration(60, 2 * 3600).default("10m").describe("How long a step waits for etcd (and the node) to be healthy before and after its upgrade."),
  })
  .strict();

export const UPGRADES_DEFAULTS = { enabled: true, workerBatchSize: 1, nodeTimeout: "30m", drainTimeout: "10m", gateTimeout: "10m" } as const;

export const talosStackShape = {
  proxmox: proxmoxSchema.describe("The Proxmox cluster the node VMs run on: API endpoint, authentication and hosts."),
  talos: talosSchema.describe("Talos and Kubernetes on the nodes: versions, image extensions and the machine config of workers and GPU workers."),
  cilium: ciliumSchema.default({ chartVersion: "1.18.12", values: {} }).describe("Cilium, the cluster network (CNI), installed by this stack."),
  argocd: argocdSchema.describe("Argo CD, installed by this stack, and the Git repository it syncs the applications from."),
  upgrades: upgradesSchema.default(UPGRADES_DEFAULTS).describe("Rolling Talos upgrades: a changed Talos version or image extension is applied node by node, gated on etcd health."),
} as const;

export type ProxmoxConfig = z.infer<typeof proxmoxSchema>;
export type TalosConfig = z.infer<typeof talosSchema>;
export type CiliumConfig = z.infer<typeof ciliumSchema>;
export type ArgoCdConfig = z.infer<typeof argocdSchema>;
export type UpgradesConfig = z.infer<typeof upgradesSchema>;

/** Cross-field rules of the talos stack (the project rules run as well). */
export function validateTalosStack(c: {
  proxmox: ProxmoxConfig;
  nodes: readonly NodeConfig[];
  talos: TalosConfig;
  cilium: CiliumConfig;
}): ConfigIssue[] {
  const issues: ConfigIssue[] = [...talosRules(c.talos)];
  // Cilium reaches the API through KubePrism (core/talos/cilium.ts); an override would point it back at the VIP.
  for (const key of ["k8sServiceHost", "k8sServicePort"])
    if (key in c.cilium.values)
      issues.push({
        path: ["cilium", "values", key],
        message: `set by the stack: Cilium reaches the API server through KubePrism (localhost:${c.talos.kubePrismPort}); change homelab:talos.kubePrismPort instead`,
      });
  const { proxmox } = c;
  if (proxmox.auth === "token" && proxmox.tokenId === undefined)
    issues.push({ path: ["proxmox", "tokenId"], message: "required when auth is token: the API token id, like pulumi@pve!homelab" });
  if (proxmox.auth === "password" && proxmox.username === undefined)
    issues.push({ path: ["proxmox", "username"], message: "required when auth is password: the Proxmox user, like root@pam" });
  issues.push(...duplicates(proxmox.hosts, (h) => h.name, "name", ["proxmox", "hosts"], "Proxmox host"));

  const hostNames = proxmox.hosts.map((h) => h.name);
  issues.push(...placementIssues(c.nodes, hostNames));
  c.nodes.forEach((node, i) => {
    if (node.host !== undefined && !hostNames.includes(node.host))
      issues.push({
        path: ["nodes", i, "host"],
        message: `unknown Proxmox host "${node.host}"; homelab:proxmox.hosts has ${hostNames.map((h) => `"${h}"`).join(", ")}`,
      });
    const slots = node.gpu?.mappings?.length ?? node.gpu?.pciIds?.length ?? 0;
    if (slots > 16)
      issues.push({ path: ["nodes", i, "gpu"], message: `Proxmox has 16 hostpci slots (hostpci0-15), got ${slots} devices` });
    if (node.gpu?.pciIds && proxmox.auth === "token")
      issues.push({
        path: ["nodes", i, "gpu", "pciIds"],
        message: "raw PCI ids need root@pam with a password (homelab:proxmox.auth password); with an API token use Proxmox resource `mappings`",
      });
  });
  return issues;
}

/** Rules within homelab:talos: worker labels, driver flavours, the config contract. */
function talosRules(t: TalosConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const group of ["workers", "gpu"] as const)
    for (const key of Object.keys(t[group].labels)) {
      const why = kubeletForbiddenLabel(key);
      if (why) issues.push({ path: ["talos", group, "labels", key], message: why });
    }

  const flavours = nvidiaFlavours([...t.extensions.base, ...t.extensions.gpu]);
  if (flavours.size > 1)
    issues.push({
      path: ["talos", "extensions", "gpu"],
      message:
        `NVIDIA extensions of more than one driver branch in one image (${[...flavours.values()].join(", ")}): ` +
        `the kernel modules and the container toolkit must come from the same branch; use all -production or all -lts`,
    });

  if (t.configVersion !== undefined) {
    const at = ["talos", "configVersion"];
    if (compareContracts(t.configVersion, MIN_CONFIG_CONTRACT) < 0)
      issues.push({ path: at, message: `the machine-config patches of this stack need a ${MIN_CONFIG_CONTRACT} contract or newer (multi-document network config), got ${t.configVersion}` });
    else if (compareContracts(t.configVersion, t.version) > 0)
      issues.push({ path: at, message: `${t.configVersion} is newer than the installed Talos ${t.version}: nodes cannot read a config contract newer than the Talos they run` });
    else if (compareContracts(t.configVersion, MAX_CONFIG_CONTRACT) > 0)
      issues.push({ path: at, message: `the Talos provider this project binds generates configs up to ${MAX_CONFIG_CONTRACT}, got ${t.configVersion}` });
  }
  return issues;
}

/**
 * NVIDIA extensions come per driver branch, suffixed `-lts` or `-production`
 * (siderolabs/extensions v1.13.9, nvidia-gpu/: nvidia-open-gpu-kernel-modules-*,
 * nonfree-kmod-nvidia-*, nvidia-container-toolkit-*, nvidia-fabricmanager-*).
 * Returns branch → the first extension naming it.
 */
export function nvidiaFlavours(extensions: readonly string[]): Map<string, string> {
  const flavours = new Map<string, string>();
  for (const ext of extensions) {
    const match = /^[^/]+\/(?:nonfree-kmod-)?nvidia(?:-[a-z0-9-]+?)?-(lts|production)$/.exec(ext);
    if (match && !flavours.has(match[1]!)) flavours.set(match[1]!, ext);
  }
  return flavours;
}

/** The secret the chosen Proxmox authentication needs. */
export function proxmoxSecrets(proxmox: ProxmoxConfig): SecretName[] {
  return [proxmox.auth === "token" ? "PROXMOX_API_TOKEN" : "PROXMOX_PASSWORD"];
}
