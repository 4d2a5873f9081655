/**
 * Which Proxmox host runs which node. Pure, so it is tested on its own: a
 * node that names its host keeps it; the others are spread so that losing
 * one host costs as few control planes (etcd members) as possible, and
 * workers fill the least-loaded hosts.
 */
import type { NodeConfig } from "../config/project";

export type PlacementNode = Pick<NodeConfig, "name" | "role" | "host">;

/**
 * Assigns a host to every node, in config order so the result is
 * deterministic. Control planes go to the host with the fewest control planes
 * (then fewest nodes, then config order of hosts); workers to the host with
 * the fewest nodes (then fewest workers, then host order). Hosts are assumed
 * valid (config rules reject unknown ones first).
 */
export function planPlacement(nodes: readonly PlacementNode[], hosts: readonly string[]): Map<string, string> {
  if (hosts.length === 0) throw new Error("bug: planPlacement needs at least one host");
  const load = new Map(hosts.map((h) => [h, { controlplane: 0, worker: 0 }]));
  const placed = new Map<string, string>();
  const count = (host: string, role: PlacementNode["role"]) => load.get(host)![role]++;

  // Explicit hosts first: they constrain where the rest should go.
  for (const node of nodes) {
    if (node.host === undefined) continue;
    placed.set(node.name, node.host);
    if (load.has(node.host)) count(node.host, node.role);
  }

  /** Sort key per role: smaller is better; ties fall back to host order. */
  const score = (host: string, role: PlacementNode["role"]): [number, number] => {
    const l = load.get(host)!;
    const total = l.controlplane + l.worker;
    return role === "controlplane" ? [l.controlplane, total] : [total, l.worker];
  };
  const pick = (role: PlacementNode["role"]): string => {
    let best = hosts[0]!;
    for (const host of hosts.slice(1)) {
      const [a1, a2] = score(host, role);
      const [b1, b2] = score(best, role);
      if (a1 < b1 || (a1 === b1 && a2 < b2)) best = host;
    }
    return best;
  };

  // Control planes before workers, so workers balance around them.
  for (const role of ["controlplane", "worker"] as const) {
    for (const node of nodes) {
      if (node.host !== undefined || node.role !== role) continue;
      const host = pick(role);
      placed.set(node.name, host);
      count(host, role);
    }
  }
  return placed;
}
