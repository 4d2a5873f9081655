/**
 * Config of the `talos` stack (DESIGN §4.1): the Proxmox connection and its
 * hosts, the Talos and Kubernetes versions with the image extensions, and the
 * pinned Cilium and Argo CD charts. The node list itself is project-level
 * (core/config/project.ts) because the platform stack checks against it too.
 */
import { z } from "zod";
import type { ConfigIssue } from "../config/errors";
import { chartVersion, dnsLabel, duplicates, gitUrl, httpUrl, vVersion } from "../config/primitives";
import type { NodeConfig } from "../config/project";
import type { SecretName } from "../secrets";

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

const extensionName = z.string().regex(/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9._-]*$/, {
  error: (issue) => `expected an Image Factory extension like siderolabs/iscsi-tools, got ${JSON.stringify(issue.input)}`,
});

const kernelModule = z.string().regex(/^[a-z0-9_-]+$/, {
  error: (issue) => `expected a kernel module name like iscsi_tcp, got ${JSON.stringify(issue.input)}`,
});

const labelKey = z.string().regex(/^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/, {
  error: (issue) => `expected a Kubernetes label key like homelab/pool or nvidia.com/gpu.present, got ${JSON.stringify(issue.input)}`,
});
const labels = z.record(labelKey, z.string().max(63));

const proxmoxHostSchema = z
  .object({
    /** Proxmox node name as the cluster knows it (`pvecm nodes`). */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, {
      error: (issue) => `expected a Proxmox node name like pve1, got ${JSON.stringify(issue.input)}`,
    }),
    /** Storage for the downloaded Talos images; needs the `iso` content type. */
    imageDatastore: z.string().min(1).default("local"),
  })
  .strict();

export const proxmoxSchema = z
  .object({
    /** API endpoint of the Proxmox cluster, like https://pve1.lab.example.com:8006/. */
    endpoint: httpUrl,
    /** Skip TLS verification. Off by default; turn on only for a self-signed certificate you cannot replace. */
    insecure: z.boolean().default(false),
    /** `token`: API token in PROXMOX_API_TOKEN (recommended). `password`: user + PROXMOX_PASSWORD (needed for raw PCI ids). */
    auth: z.enum(["token", "password"]).default("token"),
    /** Token id `user@realm!name` (auth token). */
    tokenId: z
      .string()
      .regex(/^[^@\s!]+@[^@\s!]+![A-Za-z][A-Za-z0-9._-]*$/, {
        error: (issue) => `expected an API token id like pulumi@pve!homelab, got ${JSON.stringify(issue.input)}`,
      })
      .optional(),
    /** User `name@realm` (auth password), like root@pam. */
    username: z
      .string()
      .regex(/^[^@\s!]+@[^@\s!]+$/, { error: (issue) => `expected a Proxmox user like root@pam, got ${JSON.stringify(issue.input)}` })
      .optional(),
    /**
     * SSH to the hosts. The provider imports a downloaded disk image into a
     * new VM over SSH (the API cannot), using your SSH agent.
     */
    ssh: z
      .object({ username: z.string().min(1).default("root"), agent: z.boolean().default(true) })
      .strict()
      .default({ username: "root", agent: true }),
    /** The Proxmox hosts VMs may run on. Nodes name one with `host`, or get one assigned. */
    hosts: z.array(proxmoxHostSchema).min(1, { error: "expected at least one Proxmox host" }),
    /** vCPU model. x86-64-v2-AES keeps VMs migratable between unlike CPUs and meets Talos' x86-64-v2 floor. */
    cpuType: z.string().min(1).default("x86-64-v2-AES"),
    /**
     * Protect the VMs and their disks (etcd and workload data live there):
     * Pulumi refuses to delete or replace them, and Proxmox's protection flag
     * blocks removing the VM or a disk from the UI or API. Removing a node is
     * then deliberate: set this to false (or `pulumi state unprotect`) first.
     */
    protectVms: z.boolean().default(true),
  })
  .strict();

export const talosSchema = z
  .object({
    /** Cluster name (kubeconfig context, Talos cluster name). Changing it re-creates the machine configs. */
    clusterName: dnsLabel.default("homelab"),
    /** Talos version installed on the nodes and the config contract. Default: newest 1.13.x. */
    version: vVersion.default(DEFAULT_TALOS_VERSION),
    /** Kubernetes version, pinned (no default: an upgrade is a deliberate change). */
    kubernetesVersion: vVersion,
    /** Disk Talos installs to: scsi0 on virtio-scsi-single is /dev/sda. */
    installDisk: z.string().regex(/^\/dev\/[a-z0-9]+$/).default("/dev/sda"),
    extensions: z
      .object({
        base: z.array(extensionName).default([...BASE_EXTENSIONS]),
        /** Added to `base` for GPU nodes. */
        gpu: z.array(extensionName).default([...GPU_EXTENSIONS]),
      })
      .strict()
      .default({ base: [...BASE_EXTENSIONS], gpu: [...GPU_EXTENSIONS] }),
    workers: z
      .object({
        /** Kernel modules storage engines need (Longhorn v1 uses iSCSI; v2 / LVM use nbd and dm-thin). */
        kernelModules: z.array(kernelModule).default(["iscsi_tcp", "nbd", "dm_thin_pool"]),
        /** Labels on every worker (GPU workers too). */
        labels: labels.default({ "homelab/pool": "general" }),
      })
      .strict()
      .default({ kernelModules: ["iscsi_tcp", "nbd", "dm_thin_pool"], labels: { "homelab/pool": "general" } }),
    gpu: z
      .object({
        kernelModules: z.array(kernelModule).default(["nvidia", "nvidia_uvm", "nvidia_drm", "nvidia_modeset"]),
        labels: labels.default({ "homelab/pool": "gpu", "nvidia.com/gpu.present": "true" }),
        /** Keeps ordinary pods off GPU nodes; GPU workloads tolerate it. */
        taint: z
          .object({ key: labelKey, value: z.string().max(63), effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]) })
          .strict()
          .default({ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }),
      })
      .strict()
      .default({
        kernelModules: ["nvidia", "nvidia_uvm", "nvidia_drm", "nvidia_modeset"],
        labels: { "homelab/pool": "gpu", "nvidia.com/gpu.present": "true" },
        taint: { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" },
      }),
  })
  .strict();

const helmValues = z.record(z.string(), z.unknown());

export const ciliumSchema = z
  .object({
    chartVersion: chartVersion.default("1.18.12"),
    /** Deep-merged over the values this stack sets (objects merge, lists and scalars replace). */
    values: helmValues.default({}),
  })
  .strict();

export const argocdSchema = z
  .object({
    chartVersion: chartVersion.default("9.3.4"),
    namespace: dnsLabel.default("argocd"),
    /** Git repository holding the generated manifests. */
    repoUrl: gitUrl,
    /** Branch with one top-level directory per application. */
    branch: z.string().regex(/^[A-Za-z0-9._/-]+$/).default("manifests"),
    values: helmValues.default({}),
  })
  .strict();

/** A Go duration as talosctl takes it: 30m, 1h, 1h30m, 90s. */
const goDuration = z.string().regex(/^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/, {
  error: (issue) => `expected a duration like 30m, 1h or 1h30m, got ${JSON.stringify(issue.input)}`,
});

export const upgradesSchema = z
  .object({
    /**
     * Plan the rolling upgrade steps (core/talos/upgrades.ts). Off: a changed
     * Talos version or extension only changes the machine configs; running
     * nodes keep their version until upgraded by hand.
     */
    enabled: z.boolean().default(true),
    /** Workers (and, separately, GPU workers) upgraded at the same time. Control planes always go one by one. */
    workerBatchSize: z.number().int().min(1, { error: "expected at least 1 node per batch" }).max(100).default(1),
    /** Per node: image pull, install, drain, reboot and the wait for Ready (`talosctl upgrade --timeout`). */
    nodeTimeout: goDuration.default("30m"),
    /** Cap on evicting a node's pods before its reboot (`--drain-timeout`); PodDisruptionBudgets can hold it up. */
    drainTimeout: goDuration.default("10m"),
    /** How long a step waits for etcd (and the node) to be healthy before and after its upgrade. */
    gateTimeout: goDuration.default("10m"),
  })
  .strict();

export const UPGRADES_DEFAULTS = { enabled: true, workerBatchSize: 1, nodeTimeout: "30m", drainTimeout: "10m", gateTimeout: "10m" } as const;

export const talosStackShape = {
  proxmox: proxmoxSchema,
  talos: talosSchema,
  cilium: ciliumSchema.default({ chartVersion: "1.18.12", values: {} }),
  argocd: argocdSchema,
  upgrades: upgradesSchema.default(UPGRADES_DEFAULTS),
} as const;

export type ProxmoxConfig = z.infer<typeof proxmoxSchema>;
export type TalosConfig = z.infer<typeof talosSchema>;
export type CiliumConfig = z.infer<typeof ciliumSchema>;
export type ArgoCdConfig = z.infer<typeof argocdSchema>;
export type UpgradesConfig = z.infer<typeof upgradesSchema>;

/** Cross-field rules of the talos stack (the project rules run as well). */
export function validateTalosStack(c: { proxmox: ProxmoxConfig; nodes: readonly NodeConfig[] }): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { proxmox } = c;
  if (proxmox.auth === "token" && proxmox.tokenId === undefined)
    issues.push({ path: ["proxmox", "tokenId"], message: "required when auth is token: the API token id, like pulumi@pve!homelab" });
  if (proxmox.auth === "password" && proxmox.username === undefined)
    issues.push({ path: ["proxmox", "username"], message: "required when auth is password: the Proxmox user, like root@pam" });
  issues.push(...duplicates(proxmox.hosts, (h) => h.name, "name", ["proxmox", "hosts"], "Proxmox host"));

  const hostNames = proxmox.hosts.map((h) => h.name);
  c.nodes.forEach((node, i) => {
    if (node.host !== undefined && !hostNames.includes(node.host))
      issues.push({
        path: ["nodes", i, "host"],
        message: `unknown Proxmox host "${node.host}"; homelab:proxmox.hosts has ${hostNames.map((h) => `"${h}"`).join(", ")}`,
      });
    if (node.gpu && node.host === undefined && hostNames.length > 1)
      issues.push({
        path: ["nodes", i, "host"],
        message: "a GPU node must name its Proxmox host: the passed-through device exists on one host only",
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

/** The secret the chosen Proxmox authentication needs. */
export function proxmoxSecrets(proxmox: ProxmoxConfig): SecretName[] {
  return [proxmox.auth === "token" ? "PROXMOX_API_TOKEN" : "PROXMOX_PASSWORD"];
}
