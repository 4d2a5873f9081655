/**
 * Storage prerequisites as Talos documents (Talos 1.13 config schema), for
 * the engines people run on this cluster: Longhorn (v1 and v2 data engines)
 * and local-path.
 *
 * - A node's optional data disk (a second VM disk, scsi1) is mounted by Talos
 *   through a `UserVolumeConfig` of `volumeType: disk` at `/var/mnt/<volume>`
 *   (siderolabs/talos v1.13.9 pkg/machinery/constants: UserVolumeMountPoint),
 *   selected by the serial number the VM gives that disk. The kubelet gets the
 *   same path as a bind mount with `rshared` propagation, which Longhorn needs
 *   to see the volumes it mounts there (longhorn/website, docs 1.13.0
 *   advanced-resources/os-distro-specific/talos-linux-support.md). Point
 *   Longhorn's default data path, or local-path-provisioner's node path, at
 *   `/var/mnt/<volume>`.
 * - Longhorn's v1 engine needs `iscsi_tcp` (the worker default) and the
 *   iscsi-tools extension; the v2 engine (SPDK) needs `nvme_tcp`, `vfio_pci`
 *   and `uio_pci_generic` and 2 GiB of 2 MiB huge pages (same page; the Talos
 *   repository's own Longhorn test patch, hack/test/patches/longhorn.yaml,
 *   sets the same).
 */
import type { NodeConfig } from "../config/project";

export interface UserVolumeConfig {
  apiVersion: "v1alpha1";
  kind: "UserVolumeConfig";
  name: string;
  volumeType: "disk";
  provisioning: { diskSelector: { match: string } };
  filesystem: { type: "xfs" | "ext4" };
}

/** The part of the v1alpha1 document these prerequisites set (field names per the schema). */
export interface StoragePatch {
  machine: {
    kubelet?: { extraMounts: { destination: string; type: "bind"; source: string; options: string[] }[] };
    kernel?: { modules: { name: string }[] };
    sysctls?: Record<string, string>;
  };
}

/** Where Talos mounts a user volume. */
export function userVolumePath(volume: string): string {
  return `/var/mnt/${volume}`;
}

/**
 * Serial number of a node's data disk: unique per VM, within Proxmox's 20
 * bytes, and what the UserVolumeConfig selects the disk by (never a device
 * name like /dev/sdb, which depends on probe order).
 */
export function dataDiskSerial(vmId: number): string {
  return `data${vmId}`;
}

/** The data disk's documents: the user volume, and the kubelet mount of its path. */
export function dataDiskDocuments(node: Pick<NodeConfig, "vmId" | "dataDisk">): [UserVolumeConfig, StoragePatch] | [] {
  const disk = node.dataDisk;
  if (!disk) return [];
  const path = userVolumePath(disk.volume);
  return [
    {
      apiVersion: "v1alpha1",
      kind: "UserVolumeConfig",
      name: disk.volume,
      volumeType: "disk",
      provisioning: { diskSelector: { match: `disk.serial == "${dataDiskSerial(node.vmId)}"` } },
      filesystem: { type: disk.filesystem },
    },
    { machine: { kubelet: { extraMounts: [{ destination: path, type: "bind", source: path, options: ["bind", "rshared", "rw"] }] } } },
  ];
}

/** Kernel modules and huge pages Longhorn's v2 data engine (SPDK) needs on every worker. */
export const LONGHORN_V2_MODULES = ["nvme_tcp", "vfio_pci", "uio_pci_generic"] as const;

export function longhornV2Patch(): StoragePatch {
  return {
    machine: {
      kernel: { modules: LONGHORN_V2_MODULES.map((name) => ({ name })) },
      // 1024 pages of 2 MiB: the 2 GiB SPDK allocates per node.
      sysctls: { "vm.nr_hugepages": "1024" },
    },
  };
}
