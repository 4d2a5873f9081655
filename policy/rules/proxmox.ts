/**
 * Proxmox VMs with PCI passthrough: no memory ballooning.
 */
import { ballooningOnPassthrough, type VmMemoryInputs } from "../../core/talos/checks";
import { clean, type ResourceGuard } from "../guard";

export const VM_TYPE = "proxmoxve:index/vmLegacy:VmLegacy";

/**
 * The talos stack's own rule (core/talos/checks.ts ballooningOnPassthrough):
 * bpg/terraform-provider-proxmox docs/resources/virtual_environment_vm.md,
 * memory.floating "The default is 0, which disables ballooning device"; the
 * same value as dedicated never shrinks the guest. A passthrough device DMAs
 * into guest memory, so every page stays pinned and a balloon cannot take any
 * back.
 */
export const noBallooningOnPassthrough: ResourceGuard = {
  kind: "resource",
  name: "no-ballooning-on-passthrough",
  description: "A Proxmox VM with PCI passthrough (hostpcis) has memory.floating 0 or equal to memory.dedicated.",
  why: "a PCI device (a GPU) reads and writes guest memory directly, so all of it is pinned; a balloon that tries to reclaim memory fails or starves the VM.",
  fix: "leave memoryFloor unset for a node with a GPU (or set it to the node's memory) in homelab:nodes.",
  status: "enforced",
  level: "mandatory",
  check(r) {
    if (r.type !== VM_TYPE) return clean(0);
    const devices = r.props["hostpcis"];
    if (!Array.isArray(devices) || devices.length === 0) return clean(0);
    const problem = ballooningOnPassthrough(r.props as VmMemoryInputs);
    return problem ? { examined: 1, violations: [{ where: `${r.name} memory.floating`, problem }] } : clean(1);
  },
};
