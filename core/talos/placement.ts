/**
 * Which Proxmox host runs which node. Placement is sticky because it is
 * written down: with more than one host every node names its `host` in config
 * (a config error otherwise, suggesting one), and with a single host every
 * node runs there. Nothing is derived from the host list, so adding, removing
 * or reordering hosts never moves a VM (the bpg provider re-creates a VM whose
 * `nodeName` changes, bpg v0.111.1 proxmoxtf/resource/vm/vm.go ForceNewIf on
 * node_name unless `migrate`), and moving a node is an explicit edit of its
 * `host`, which the plan shows as that VM's replacement.
 *
 * Why config rather than a placement recorded in state: the config is what
 * the user reads and reviews, a preview needs no state to know where a VM
 * runs, and the images to download per host must be known before any
 * resource is registered, which a recorded value (an Output) cannot give.
 *
 * planPlacement is the spreading rule behind the suggestion: losing one host
 * costs as few control planes (etcd members) as possible, workers fill the
 * least-loaded hosts.
 */
import type { ConfigIssue } from "../config/errors";
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

/**
 * Config issues of placement: with more than one host, every node must name
 * its host. Each issue suggests the host planPlacement would pick (spreading
 * around the hosts already named). GPU nodes get their own reason.
 */
export function placementIssues(nodes: readonly (PlacementNode & Pick<NodeConfig, "gpu">)[], hosts: readonly string[]): ConfigIssue[] {
  if (hosts.length <= 1) return [];
  const known = new Set(hosts);
  // Suggestions count only the nodes whose host is valid.
  const suggested = planPlacement(
    nodes.map((n) => (n.host !== undefined && !known.has(n.host) ? { ...n, host: undefined } : n)),
    hosts,
  );
  const issues: ConfigIssue[] = [];
  nodes.forEach((node, i) => {
    if (node.host !== undefined) return;
    const suggestion = suggested.get(node.name)!;
    issues.push({
      path: ["nodes", i, "host"],
      message: node.gpu
        ? `a GPU node must name its Proxmox host: the passed-through device exists on one host only (the host with the device, like ${suggestion})`
        : `required when homelab:proxmox.hosts lists more than one host, so that adding, removing or reordering hosts never moves a VM (a move re-creates it). ` +
          `For a node that already runs, name the host it runs on now (the Proxmox UI, or \`pulumi stack output nodeHosts\`); for a new node, "${suggestion}" spreads the control planes and the load`,
    });
  });
  return issues;
}

/** Node name → host, for a config that passed placementIssues: a node's own host, else the only one. */
export function nodeHosts(nodes: readonly PlacementNode[], hosts: readonly string[]): Map<string, string> {
  return new Map(
    nodes.map((n) => {
      const host = n.host ?? (hosts.length === 1 ? hosts[0] : undefined);
      if (host === undefined) throw new Error(`bug: node ${n.name} has no host; placementIssues should have refused the config`);
      return [n.name, host];
    }),
  );
}
