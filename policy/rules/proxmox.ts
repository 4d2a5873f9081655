/**
 * Proxmox VMs with PCI passthrough: no memory ballooning.
 */
import { clean, get, UNKNOWN_VALUE, type ResourceGuard } from "../guard";

export const VM_TYPE = "proxmoxve:index/vmLegacy:VmLegacy";

/**
 * bpg/terraform-provider-proxmox docs/resources/virtual_environment_vm.md:
 * memory.floating is "the floating memory in megabytes. The default is 0,
 * which disables ballooning device"; the same value as dedicated leaves the
 * guest no memory to give back. A passthrough device DMAs into guest memory,
 * so every page must stay pinned: the balloon cannot take any back.
 */
export const noBallooningOnPassthrough: ResourceGuard = {
  kind: "resource",
  name: "no-ballooning-on-passthrough",
  description: "A Proxmox VM with PCI passthrough (hostpcis) has memory.floating 0 or equal to memory.dedicated.",
  why: "a PCI device (a GPU) reads and writes guest memory directly, so all of it is pinned; a balloon that tries to reclaim memory fails or starves the VM.",
  fix: "leave memory.floating unset (0) for passthrough VMs, or set it to the same value as memory.dedicated.",
  status: "pending",
  level: "mandatory",
  check(r) {
    if (r.type !== VM_TYPE) return clean(0);
    const devices = r.props["hostpcis"];
    if (!Array.isArray(devices) || devices.length === 0) return clean(0);
    const dedicated = get(r.props, "memory.dedicated");
    const floating = get(r.props, "memory.floating") ?? 0;
    if (floating === UNKNOWN_VALUE || Number(floating) === 0 || floating === dedicated) return clean(1);
    return {
      examined: 1,
      violations: [{ where: `${r.name} memory.floating`, problem: `the VM passes through a PCI device but balloons between ${JSON.stringify(floating)} and ${JSON.stringify(dedicated ?? null)} MiB` }],
    };
  },
};
