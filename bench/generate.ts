/**
 * Valid configs of any size for the scale benchmark, derived from the
 * committed example so that only the size changes: the same node shapes
 * (cores, memory, disks, tags), the same stack settings, more of them.
 * Every generated config passes the project and stack rules (the bench
 * fails loudly if one does not, rather than timing a config error).
 */
import type { RawConfig } from "../core/config/load";
import { loadConfigValues, toRawConfig } from "../core/render/project-files";
import { planPlacement } from "../core/talos/placement";

type Values = Record<string, unknown>;
type Node = Record<string, unknown> & { name: string; role: string };

/**
 * The talos stack with `nodes` nodes spread over `hosts` Proxmox hosts.
 * Control planes: 1 below 10 nodes, 3 below 100, 5 from 100 (always odd,
 * for etcd quorum). Every tenth worker has a GPU, pinned to a host (a
 * passed-through device exists on one host only); the rest get the host
 * the stack's spreading rule suggests. The LAN becomes a /16 so 300 nodes fit.
 */
export function talosConfig(nodes: number, hosts: number, root?: string): RawConfig {
  const values = structuredClone(loadConfigValues("talos", root));
  const example = values["homelab:nodes"] as Node[];
  const shape = (pick: (n: Node) => boolean): Node => structuredClone(example.find(pick)!);
  const cpShape = shape((n) => n.role === "controlplane");
  const workerShape = shape((n) => n.role === "worker" && n["gpu"] === undefined);
  const gpuShape = shape((n) => n["gpu"] !== undefined);
  const hostNames = Array.from({ length: hosts }, (_, i) => `pve${i + 1}`);

  values["homelab:network"] = {
    ...(values["homelab:network"] as Values),
    subnet: "10.10.0.0/16",
    gateway: "10.10.0.1",
    vip: "10.10.0.10",
    ingressIp: "10.10.0.200",
  };
  const proxmox = values["homelab:proxmox"] as Values;
  const imageDatastore = ((proxmox["hosts"] as Values[])[0]?.["imageDatastore"] as string | undefined) ?? "local";
  proxmox["hosts"] = hostNames.map((name) => ({ name, imageDatastore }));

  const controlPlanes = nodes < 10 ? 1 : nodes < 100 ? 3 : 5;
  const generated: Node[] = [];
  let workers = 0;
  for (let i = 0; i < nodes; i++) {
    // Node i sits at 10.10.<1 + i / 200>.<10 + i % 200>: clear of gateway, VIP and ingress IP.
    const ip = `10.10.${1 + Math.floor(i / 200)}.${10 + (i % 200)}`;
    const vmId = 2000 + i;
    const base = { ip, vmId };
    if (i < controlPlanes) {
      const { host: _h, ...rest } = cpShape;
      generated.push({ ...rest, ...base, name: `k8s-cp-${i + 1}` });
      continue;
    }
    workers++;
    if (workers % 10 === 0) {
      const { host: _h, labels: _l, ...rest } = gpuShape;
      generated.push({ ...rest, ...base, name: `k8s-gpu-${workers / 10}`, host: hostNames[(workers / 10 - 1) % hosts]! });
    } else {
      const { host: _h, labels: _l, ...rest } = workerShape;
      generated.push({ ...rest, ...base, name: `k8s-worker-${workers}` });
    }
  }
  // With several hosts every node names one (placement is written down, never derived
  // from the host list): the stack's own spreading rule picks it, as its config error suggests.
  const placed = planPlacement(generated.map((n) => ({ name: n.name, role: n.role as "controlplane" | "worker", host: n["host"] as string | undefined })), hostNames);
  values["homelab:nodes"] = hosts > 1 ? generated.map((n) => ({ ...n, host: placed.get(n.name)! })) : generated;
  return toRawConfig(values);
}

/**
 * A stack that turns public services into resources (cloudflare, hetzner)
 * with `count` services, mixing the options the example uses: ForwardAuth on
 * and off, a few with their own upstream, a few proxied.
 */
export function servicesConfig(stack: string, count: number, root?: string): RawConfig {
  const values = structuredClone(loadConfigValues(stack, root));
  values["homelab:publicServices"] = Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(3, "0");
    const service: Values = { name: `app-${n}`, description: `Benchmark service ${n}` };
    if (i % 4 === 1) service["forwardAuth"] = false;
    if (i % 5 === 2) service["upstream"] = `https://10.10.0.${100 + (i % 50)}:8443`;
    if (i % 7 === 3) service["proxied"] = true;
    return service;
  });
  return toRawConfig(values);
}
