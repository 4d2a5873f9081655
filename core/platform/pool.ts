/**
 * The load-balancer pool as address ranges, and the rules it must satisfy.
 *
 * Decision (issue 5): the pool is checked against the PROJECT config
 * (homelab:network and homelab:nodes in Pulumi.yaml), not against the talos
 * stack's outputs. Both stacks read the same node list, config errors must
 * appear before any resource (a StackReference is a resource, and its
 * outputs are not known during validation), and the check then also works
 * offline. The rules:
 *   - every block / the start–stop range lies inside the LAN subnet's usable
 *     hosts (homelab:network.subnet);
 *   - no pool address is the router (network.gateway), the Kubernetes API VIP
 *     (network.vip), a LAN nameserver, or a node IP (nodes[].ip);
 *   - blocks do not overlap each other;
 *   - network.ingressIp lies INSIDE the pool, because the shared Gateway's
 *     LoadBalancer Service takes that address from it.
 */
import type { ConfigIssue, ConfigPath } from "../config/errors";
import type { ProjectConfig } from "../config/project";
import { cidrRange, formatIPv4, hostRange, parseCidr, parseIPv4, rangeContains, rangesOverlap, type IPv4Range } from "../net/ipv4";
import type { LoadBalancerConfig } from "./config";

/** One contiguous part of the pool, with the config path that declared it. */
export interface PoolRange {
  readonly range: IPv4Range;
  readonly path: ConfigPath;
  /** As written in config, for messages. */
  readonly text: string;
}

/** The pool's ranges: one per CIDR block, or the single start–stop range. */
export function poolRanges(lb: Pick<LoadBalancerConfig, "blocks" | "start" | "stop">): PoolRange[] {
  if (lb.blocks)
    return lb.blocks.map((block, i) => ({
      range: cidrRange(parseCidr(block)!),
      path: ["loadBalancer", "blocks", i],
      text: block,
    }));
  const first = parseIPv4(lb.start!)!;
  const last = parseIPv4(lb.stop!)!;
  return [{ range: { first, last }, path: ["loadBalancer", "start"], text: `${lb.start}-${lb.stop}` }];
}

/** Pool size in addresses (for outputs and messages). */
export function poolSize(ranges: readonly PoolRange[]): number {
  return ranges.reduce((n, r) => n + Math.max(0, r.range.last - r.range.first + 1), 0);
}

interface Reserved {
  readonly ip: number;
  readonly what: string;
}

/** Addresses on the LAN that the pool must never hand out, each described for the user. */
function reservedAddresses(c: Pick<ProjectConfig, "network" | "nodes">): Reserved[] {
  const out: Reserved[] = [
    { ip: parseIPv4(c.network.gateway)!, what: `the gateway homelab:network.gateway (${c.network.gateway})` },
    { ip: parseIPv4(c.network.vip)!, what: `the Kubernetes API VIP homelab:network.vip (${c.network.vip})` },
  ];
  c.network.nameservers.forEach((ns, i) =>
    out.push({ ip: parseIPv4(ns)!, what: `the nameserver homelab:network.nameservers[${i}] (${ns})` }),
  );
  c.nodes.forEach((node, i) =>
    out.push({ ip: parseIPv4(node.ip)!, what: `node ${node.name}'s IP homelab:nodes[${i}].ip (${node.ip})` }),
  );
  return out;
}

/** Every problem with the pool, each at the config path that caused it. */
export function validatePool(c: Pick<ProjectConfig, "network" | "nodes"> & { loadBalancer: LoadBalancerConfig }): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const lb = c.loadBalancer;
  if (lb.start !== undefined && lb.stop !== undefined && parseIPv4(lb.start)! > parseIPv4(lb.stop)!) {
    issues.push({ path: ["loadBalancer", "stop"], message: `range ends (${lb.stop}) before it starts (${lb.start})` });
    return issues;
  }
  const ranges = poolRanges(lb);
  const lan = hostRange(parseCidr(c.network.subnet)!);

  for (const r of ranges) {
    if (r.range.first < lan.first || r.range.last > lan.last)
      issues.push({
        path: r.path,
        message: `pool ${r.text} is outside the LAN subnet ${c.network.subnet} (usable hosts ${formatIPv4(lan.first)}-${formatIPv4(lan.last)}); Cilium answers ARP for these addresses on the LAN`,
      });
  }

  ranges.forEach((a, i) => {
    ranges.slice(0, i).forEach((b) => {
      if (rangesOverlap(a.range, b.range))
        issues.push({ path: a.path, message: `pool block ${a.text} overlaps ${b.text}` });
    });
  });

  for (const reserved of reservedAddresses(c)) {
    const hit = ranges.find((r) => rangeContains(r.range, reserved.ip));
    if (hit)
      issues.push({
        path: hit.path,
        message: `pool ${hit.text} contains ${reserved.what}; Cilium would hand it to a LoadBalancer Service and answer ARP for it`,
      });
  }

  if (!lb.announceFromControlPlanes && !c.nodes.some((n) => n.role === "worker"))
    issues.push({
      path: ["loadBalancer", "announceFromControlPlanes"],
      message: "homelab:nodes has no worker, so no node would answer ARP for pool addresses; set it to true to announce from control planes",
    });

  const ingress = parseIPv4(c.network.ingressIp)!;
  if (!ranges.some((r) => rangeContains(r.range, ingress)))
    issues.push({
      path: ["network", "ingressIp"],
      message: `ingress IP ${c.network.ingressIp} must be inside the load-balancer pool homelab:loadBalancer (${ranges.map((r) => r.text).join(", ")}): the shared Gateway takes its address from that pool`,
    });
  return issues;
}
