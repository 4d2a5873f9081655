/**
 * Pure checks on what the talos stack hands its providers, for the guard
 * rails that read a rendered plan (the policy pack) as well as for the
 * config rules here. Each takes a resource's inputs as the plan records them
 * and returns why they are wrong, or undefined.
 */
import { balloons } from "../config/project";
import { KUBEPRISM_HOST } from "./cilium";

/** The VM inputs the balloon check reads (proxmoxve VmLegacy). */
export interface VmMemoryInputs {
  readonly memory?: { readonly dedicated?: unknown; readonly floating?: unknown };
  readonly hostpcis?: readonly unknown[];
}

/**
 * A VM with PCI passthrough (hostpci devices) must not balloon: passthrough
 * pins all guest memory for DMA, so a balloon floor below the memory is never
 * reclaimed and only misleads. `floating` is the bpg provider's balloon value:
 * 0 removes the balloon device, equal to `dedicated` never shrinks the guest
 * (bpg/terraform-provider-proxmox, proxmoxtf/resource/vm: memory.floating is
 * Proxmox's `balloon`).
 */
export function ballooningOnPassthrough(vm: VmMemoryInputs): string | undefined {
  if (!vm.hostpcis || vm.hostpcis.length === 0) return undefined;
  const dedicated = vm.memory?.dedicated;
  const floating = vm.memory?.floating;
  if (typeof dedicated !== "number") return undefined;
  if (floating !== undefined && typeof floating !== "number") return `memory.floating is ${JSON.stringify(floating)}, not a number of MiB`;
  if (!balloons(dedicated, floating)) return undefined;
  return `VM with PCI passthrough balloons (memory.floating ${floating} MiB below memory.dedicated ${dedicated} MiB): passthrough pins all guest memory, so set floating to ${dedicated} or 0`;
}

/**
 * Cilium (kube-proxy replacement) reaches the API server through KubePrism
 * (`localhost:<kubePrismPort>`), never the VIP or one control plane. The port
 * is checked when given.
 */
export function ciliumApiThroughKubePrism(values: Readonly<Record<string, unknown>>, kubePrismPort?: number): string | undefined {
  const host = values["k8sServiceHost"];
  const port = values["k8sServicePort"];
  if (host !== KUBEPRISM_HOST)
    return `Cilium's k8sServiceHost is ${JSON.stringify(host)}: it must be ${KUBEPRISM_HOST} (KubePrism), or Cilium loses the API whenever the VIP moves`;
  if (typeof port !== "number" || !Number.isInteger(port) || (kubePrismPort !== undefined && port !== kubePrismPort))
    return `Cilium's k8sServicePort is ${JSON.stringify(port)}: it must be KubePrism's port${kubePrismPort !== undefined ? ` ${kubePrismPort}` : ""}`;
  return undefined;
}
