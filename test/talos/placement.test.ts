import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { formatConfigPath } from "../../core/config/errors";
import { nodeHosts, placementIssues, planPlacement, type PlacementNode } from "../../core/talos/placement";
import { render, renderConfigError, type PlanView } from "../helpers/plan";

const cp = (name: string, host?: string): PlacementNode => ({ name, role: "controlplane", host });
const worker = (name: string, host?: string): PlacementNode => ({ name, role: "worker", host });

function countBy(placement: Map<string, string>, nodes: readonly PlacementNode[], role?: PlacementNode["role"]) {
  const counts = new Map<string, number>();
  for (const n of nodes) if (!role || n.role === role) counts.set(placement.get(n.name)!, (counts.get(placement.get(n.name)!) ?? 0) + 1);
  return counts;
}

describe("planPlacement", () => {
  it("keeps a host the config names", () => {
    const placement = planPlacement([cp("a", "pve2"), worker("b", "pve2")], ["pve1", "pve2"]);
    expect(placement.get("a")).toBe("pve2");
    expect(placement.get("b")).toBe("pve2");
  });

  it("puts 3 control planes of 3 CP + 20 workers on 3 distinct hosts and balances workers", () => {
    const nodes = [...["cp-1", "cp-2", "cp-3"].map((n) => cp(n)), ...Array.from({ length: 20 }, (_, i) => worker(`w-${i + 1}`))];
    const placement = planPlacement(nodes, ["pve1", "pve2", "pve3"]);
    expect(new Set(["cp-1", "cp-2", "cp-3"].map((n) => placement.get(n))).size).toBe(3);
    const totals = [...countBy(placement, nodes).values()];
    expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(1);
  });

  it("spreads unplaced control planes away from a host that already has one", () => {
    const placement = planPlacement([cp("a", "pve1"), cp("b"), cp("c")], ["pve1", "pve2", "pve3"]);
    expect(placement.get("b")).toBe("pve2");
    expect(placement.get("c")).toBe("pve3");
  });

  it("places everything on the only host", () => {
    const placement = planPlacement([cp("a"), worker("b"), worker("c")], ["pve"]);
    expect([...placement.values()]).toEqual(["pve", "pve", "pve"]);
  });

  it("is deterministic", () => {
    const nodes = [cp("a"), worker("b"), cp("c"), worker("d"), cp("e")];
    expect([...planPlacement(nodes, ["x", "y"])]).toEqual([...planPlacement(nodes, ["x", "y"])]);
  });

  it("always assigns a configured host, keeps explicit ones, and spreads free control planes evenly", () => {
    const hostsArb = fc.uniqueArray(fc.constantFrom("pve1", "pve2", "pve3", "pve4", "pve5"), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        hostsArb,
        fc.array(fc.record({ role: fc.constantFrom("controlplane", "worker"), pin: fc.option(fc.nat(4), { nil: undefined }) }), { maxLength: 30 }),
        (hosts, specs) => {
          const nodes: PlacementNode[] = specs.map((s, i) => ({
            name: `n${i}`,
            role: s.role as PlacementNode["role"],
            host: s.pin === undefined ? undefined : hosts[s.pin % hosts.length],
          }));
          const placement = planPlacement(nodes, hosts);
          for (const n of nodes) {
            expect(hosts).toContain(placement.get(n.name));
            if (n.host) expect(placement.get(n.name)).toBe(n.host);
          }
          if (nodes.every((n) => n.host === undefined)) {
            const cps = hosts.map((h) => countBy(placement, nodes, "controlplane").get(h) ?? 0);
            expect(Math.max(...cps) - Math.min(...cps)).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("sticky placement: written in config, never derived from the host list", () => {
  const hostsArb = fc.uniqueArray(fc.constantFrom("pve1", "pve2", "pve3", "pve4", "pve5", "pve6"), { minLength: 2, maxLength: 6 });

  it("with several hosts, a node without a host is a config error that suggests one; with one host, it runs there", () => {
    const nodes = [cp("cp-1", "pve1"), cp("cp-2"), worker("w-1")];
    const issues = placementIssues(nodes, ["pve1", "pve2", "pve3"]);
    expect(issues.map((i) => formatConfigPath(i.path))).toEqual(["homelab:nodes[1].host", "homelab:nodes[2].host"]);
    // cp-2 is suggested away from cp-1's host.
    expect(issues[0]!.message).toContain('for a new node, "pve2" spreads the control planes');
    expect(issues[0]!.message).toContain("never moves a VM");
    expect(placementIssues(nodes, ["pve1"])).toEqual([]);
    expect(nodeHosts(nodes, ["pve1"])).toEqual(new Map([["cp-1", "pve1"], ["cp-2", "pve1"], ["w-1", "pve1"]]));
  });

  it("gives a GPU node without a host its own reason", () => {
    const [issue] = placementIssues([{ ...worker("gpu-1"), gpu: { mappings: ["rtx-4090"] } }], ["pve1", "pve2"]);
    expect(issue!.message).toContain("a GPU node must name its Proxmox host");
  });

  it("adding, removing or reordering hosts never changes where an accepted config puts a node", () => {
    fc.assert(
      fc.property(hostsArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.nat(), (hosts, roles, seed) => {
        // Every node names a host (what the rules require with several hosts).
        const nodes = roles.map((isCp, i) => (isCp ? cp : worker)(`n-${i}`, hosts[(seed + i) % hosts.length]));
        expect(placementIssues(nodes, hosts)).toEqual([]);
        const before = nodeHosts(nodes, hosts);
        const used = new Set(before.values());
        const variants = [
          [...hosts].reverse(),
          [...hosts, "pve-new"],
          ["pve-new", ...hosts],
          hosts.filter((h) => used.has(h)).length > 1 ? hosts.filter((h) => used.has(h)) : hosts,
        ];
        for (const other of variants) {
          expect(placementIssues(nodes, other)).toEqual([]);
          expect(nodeHosts(nodes, other)).toEqual(before);
        }
      }),
    );
  });
});

describe("sticky placement in the plan", () => {
  const VM = "proxmoxve:index/vmLegacy:VmLegacy";
  const hostsOf = (p: PlanView) => Object.fromEntries(p.ofType(VM).map((r) => [r.name, r.values["nodeName"]]));
  let base: PlanView;
  let moreHosts: PlanView;
  let moved: PlanView;
  beforeAll(async () => {
    [base, moreHosts, moved] = await Promise.all([
      render("talos"),
      // A new host first in the list, the others reversed.
      render("talos", { config: (c) => void (c["proxmox"].hosts = [{ name: "pve0" }, ...c["proxmox"].hosts.reverse()]) }),
      render("talos", { config: (c) => void (c["nodes"].find((n: { name: string }) => n.name === "k8s-worker-1").host = "pve3") }),
    ]);
  });

  it("adding and reordering Proxmox hosts moves no VM", () => {
    expect(hostsOf(moreHosts)).toEqual(hostsOf(base));
    expect(Object.keys(hostsOf(base)).length).toBeGreaterThan(0);
  });

  it("moving a node is an explicit edit of its host, and changes only that VM's nodeName (the provider re-creates it)", () => {
    const before = hostsOf(base);
    const after = hostsOf(moved);
    expect(after["k8s-worker-1-vm"]).toBe("pve3");
    expect(before["k8s-worker-1-vm"]).not.toBe("pve3");
    expect(Object.keys(after).filter((k) => after[k] !== before[k])).toEqual(["k8s-worker-1-vm"]);
  });

  it("exports where each VM runs, to copy into config when a host is added", () => {
    expect(base.output("nodeHosts")).toEqual(Object.fromEntries(Object.entries(hostsOf(base)).map(([k, v]) => [k.replace(/-vm$/, ""), v])));
  });

  it("refuses a node without a host on a multi-host cluster, naming the node's path", async () => {
    const err = await renderConfigError("talos", { config: (c) => void delete c["nodes"][3].host });
    expect(err.message).toContain("homelab:nodes[3].host: required when homelab:proxmox.hosts lists more than one host");
  });
});
