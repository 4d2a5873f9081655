/**
 * One Talos node: its Proxmox VM and the machine configuration applied to it.
 * Rolling upgrades (issue 12) hook in here: each node exposes its role, IP,
 * installer image and the ConfigurationApply that must come before an upgrade.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import * as talos from "@pulumiverse/talos";
import type { NodeConfig } from "../config/project";
import { nodeMac } from "./machine-config";
import { dataDiskSerial } from "./storage";

/** Machine-config class of a node: picks its generated config and its image. */
export type MachineClass = "controlplane" | "worker" | "gpu";

export function machineClassOf(node: Pick<NodeConfig, "role" | "gpu">): MachineClass {
  if (node.role === "controlplane") return "controlplane";
  return node.gpu ? "gpu" : "worker";
}

/** One hostpci slot per device (hostpci0, hostpci1, …): PCIe on, never the primary display. */
export function hostpciSlots(gpu: NodeConfig["gpu"]): proxmoxve.types.input.VmLegacyHostpci[] {
  if (!gpu) return [];
  const devices = gpu.mappings?.map((mapping) => ({ mapping })) ?? gpu.pciIds?.map((id) => ({ id })) ?? [];
  return devices.map((device, i) => ({ device: `hostpci${i}`, ...device, pcie: true, xvga: false }));
}

/** Proxmox sorts tags itself; sending them sorted avoids a permanent diff. */
export function vmTags(node: Pick<NodeConfig, "tags" | "role">, machineClass: MachineClass): string[] {
  return [...new Set([...node.tags, "talos", machineClass])].sort();
}

/**
 * What only a reboot applies to a running VM, as one readable line: the CPU
 * type, cores, memory and PCI devices. Proxmox keeps changes to these pending
 * until the VM is stopped and started (no CPU or memory hotplug is enabled),
 * and bpg's `rebootAfterUpdate` is off, so the ordered reboot step keyed on
 * this line (core/talos/upgrades.ts) applies them. Disk growth and NICs are
 * hotplugged (Proxmox's default hotplug list) and need no reboot.
 */
export function vmRebootKey(node: Pick<NodeConfig, "cores" | "memory" | "gpu">, cpuType: string): string {
  const devices = hostpciSlots(node.gpu).map((d) => `${d.device}=${d.mapping !== undefined ? `mapping:${d.mapping}` : `id:${d.id}`}`);
  return [`cpu=${cpuType}`, `cores=${node.cores}`, `memory=${node.memory}`, ...devices].join(" ");
}

export interface TalosNodeArgs {
  readonly node: NodeConfig;
  /** Proxmox host, explicit or planned. */
  readonly host: string;
  readonly machineClass: MachineClass;
  /** Proxmox volume id of the boot image on this host. */
  readonly imageFileId: pulumi.Input<string>;
  readonly installerImage: pulumi.Input<string>;
  /** Generated config of the node's class (secret). */
  readonly machineConfiguration: pulumi.Input<string>;
  readonly clientConfiguration: pulumi.Input<talos.types.input.machine.ClientConfiguration>;
  /** Per-node patches (network, hostname, labels), one YAML document each. */
  readonly configPatches: readonly string[];
  readonly prefix: number;
  readonly gateway: string;
  readonly nameservers: readonly string[];
  /** vCPU model: the node's own `cpuType`, else the Proxmox-wide one. */
  readonly cpuType: string;
  /** Pulumi `protect` plus Proxmox's protection flag on the VM and its disks. */
  readonly protect: boolean;
  readonly clusterName: string;
  readonly proxmox: proxmoxve.Provider;
  readonly talosProvider: talos.Provider;
}

export class TalosNode extends pulumi.ComponentResource {
  readonly nodeName: string;
  readonly role: NodeConfig["role"];
  readonly machineClass: MachineClass;
  readonly ip: string;
  readonly host: string;
  readonly vmId: number;
  /** What only a reboot applies to the VM (vmRebootKey); the reboot step is keyed on it. */
  readonly rebootKey: string;
  readonly installerImage: pulumi.Output<string>;
  readonly vm: proxmoxve.VmLegacy;
  readonly configApply: talos.machine.ConfigurationApply;

  constructor(name: string, args: TalosNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:talos:Node", name, {}, opts);
    const { node } = args;
    this.nodeName = node.name;
    this.role = node.role;
    this.machineClass = args.machineClass;
    this.ip = node.ip;
    this.host = args.host;
    this.vmId = node.vmId;
    this.rebootKey = vmRebootKey(node, args.cpuType);
    this.installerImage = pulumi.output(args.installerImage);

    this.vm = new proxmoxve.VmLegacy(
      `${name}-vm`,
      {
        name: node.name,
        nodeName: args.host,
        vmId: node.vmId,
        description: `Talos ${args.machineClass} node of cluster ${args.clusterName}. Managed by Pulumi (homelab talos stack).`,
        tags: vmTags(node, args.machineClass),
        machine: "q35",
        bios: "ovmf",
        // No pre-enrolled Microsoft keys: the factory nocloud image is not signed for Secure Boot.
        efiDisk: { datastoreId: node.disk.datastore, type: "4m", preEnrolledKeys: false },
        scsiHardware: "virtio-scsi-single",
        operatingSystem: { type: "l26" },
        // The agent (an image extension) lets Proxmox shut Talos down cleanly. Addresses are
        // static, so the provider needs nothing from it on create: poll only briefly, because
        // the agent may not answer while Talos sits in maintenance mode.
        agent: { enabled: true, trim: true, timeout: "2m" },
        onBoot: true,
        started: true,
        // Never reboot on an update (bpg v0.111.1 proxmoxtf/resource/vm/vm.go: reboot_after_update
        // defaults to true and reboots every changed VM at once). A change that needs a reboot
        // stays pending in Proxmox and the ordered, etcd-gated reboot step applies it.
        rebootAfterUpdate: false,
        protection: args.protect,
        // A VM being deleted gets no graceful shutdown: its disk goes with it.
        stopOnDestroy: true,
        cpu: { cores: node.cores, type: args.cpuType, units: node.cpuWeight },
        memory: { dedicated: node.memory, floating: node.memoryFloor ?? node.memory },
        disks: [
          {
            interface: "scsi0",
            datastoreId: node.disk.datastore,
            size: node.disk.size,
            fileId: args.imageFileId,
            fileFormat: "raw",
            iothread: true,
            discard: "on",
            ssd: true,
          },
          // Workload data (Longhorn, local-path): a second disk Talos mounts by this serial.
          ...(node.dataDisk
            ? [
              {
                interface: "scsi1",
                datastoreId: node.dataDisk.datastore,
                size: node.dataDisk.size,
                fileFormat: "raw",
                iothread: true,
                discard: "on",
                ssd: true,
                serial: dataDiskSerial(node.vmId),
              },
            ]
            : []),
        ],
        bootOrders: ["scsi0"],
        networkDevices: [
          {
            bridge: node.network.bridge,
            ...(node.network.vlan !== undefined ? { vlanId: node.network.vlan } : {}),
            model: "virtio",
            macAddress: nodeMac(node.vmId),
          },
        ],
        // Talos' nocloud platform reads this cloud-init network data, so the node
        // boots into maintenance mode on its final address and the config apply
        // below can reach it without DHCP.
        initialization: {
          datastoreId: node.disk.datastore,
          ipConfigs: [{ ipv4: { address: `${node.ip}/${args.prefix}`, gateway: args.gateway } }],
          dns: { servers: [...args.nameservers] },
        },
        ...(node.gpu ? { hostpcis: hostpciSlots(node.gpu) } : {}),
      },
      {
        parent: this,
        provider: args.proxmox,
        protect: args.protect,
        // The image only seeds a new disk. Later Talos versions arrive by upgrade
        // (issue 12), never by re-creating the VM from a newer image.
        ignoreChanges: ["disks[0].fileId"],
      },
    );

    this.configApply = new talos.machine.ConfigurationApply(
      `${name}-config`,
      {
        node: node.ip,
        endpoint: node.ip,
        clientConfiguration: args.clientConfiguration,
        machineConfigurationInput: args.machineConfiguration,
        configPatches: [...args.configPatches],
        timeouts: { create: "15m", update: "15m" },
      },
      { parent: this, provider: args.talosProvider, dependsOn: [this.vm] },
    );

    this.registerOutputs({ ip: this.ip, installerImage: this.installerImage });
  }
}
