import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planPlacement, type PlacementNode } from "../../core/talos/placement";

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
