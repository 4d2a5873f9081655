// The rollout order of an upgrade, as pure data: which nodes go together and
// which go first.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MachineClass } from "../../core/talos/node";
import { planUpgradeOrder } from "../../core/talos/upgrade-order";
import { durationSeconds } from "../../core/talos/upgrades";

const node = (name: string, machineClass: MachineClass) => ({ name, machineClass });
const names = (waves: ReturnType<typeof planUpgradeOrder<{ name: string; machineClass: MachineClass }>>) =>
  waves.map((w) => w.nodes.map((n) => n.name));

describe("planUpgradeOrder", () => {
  const cluster = [
    node("gpu-1", "gpu"),
    node("w-1", "worker"),
    node("cp-1", "controlplane"),
    node("w-2", "worker"),
    node("cp-2", "controlplane"),
    node("w-3", "worker"),
    node("gpu-2", "gpu"),
    node("cp-3", "controlplane"),
  ];

  it("upgrades control planes one at a time, then workers, then GPU workers, each in config order", () => {
    expect(names(planUpgradeOrder(cluster, 1))).toEqual([["cp-1"], ["cp-2"], ["cp-3"], ["w-1"], ["w-2"], ["w-3"], ["gpu-1"], ["gpu-2"]]);
  });

  it("batches workers and GPU workers separately, never control planes", () => {
    expect(names(planUpgradeOrder(cluster, 2))).toEqual([["cp-1"], ["cp-2"], ["cp-3"], ["w-1", "w-2"], ["w-3"], ["gpu-1", "gpu-2"]]);
    expect(names(planUpgradeOrder(cluster, 10))).toEqual([["cp-1"], ["cp-2"], ["cp-3"], ["w-1", "w-2", "w-3"], ["gpu-1", "gpu-2"]]);
  });

  it("labels each wave with its class, and a cluster without workers has only control-plane waves", () => {
    expect(planUpgradeOrder(cluster, 2).map((w) => w.machineClass)).toEqual(["controlplane", "controlplane", "controlplane", "worker", "worker", "gpu"]);
    expect(names(planUpgradeOrder([node("cp-1", "controlplane")], 3))).toEqual([["cp-1"]]);
  });

  it("refuses a batch size that is not a positive integer (config validation keeps it out)", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => planUpgradeOrder(cluster, bad)).toThrow(RangeError);
  });

  const classes = fc.constantFrom<MachineClass>("controlplane", "worker", "gpu");
  const clusters = fc.array(classes, { maxLength: 30 }).map((cs) => cs.map((c, i) => node(`n${i}`, c)));

  it("property: every node appears exactly once, classes never mix or go backwards, batches respect the size", () => {
    fc.assert(
      fc.property(clusters, fc.integer({ min: 1, max: 8 }), (nodes, batch) => {
        const waves = planUpgradeOrder(nodes, batch);
        expect(waves.flatMap((w) => w.nodes.map((n) => n.name)).sort()).toEqual(nodes.map((n) => n.name).sort());
        const rank = { controlplane: 0, worker: 1, gpu: 2 };
        for (let i = 0; i < waves.length; i++) {
          const w = waves[i]!;
          expect(w.nodes.length).toBeGreaterThan(0);
          expect(w.nodes.every((n) => n.machineClass === w.machineClass)).toBe(true);
          expect(w.nodes.length).toBeLessThanOrEqual(w.machineClass === "controlplane" ? 1 : batch);
          if (i > 0) expect(rank[w.machineClass]).toBeGreaterThanOrEqual(rank[waves[i - 1]!.machineClass]);
        }
        // Only the last batch of a class may be short: the fewest waves that respect the size.
        for (const c of ["worker", "gpu"] as const) {
          const count = nodes.filter((n) => n.machineClass === c).length;
          expect(waves.filter((w) => w.machineClass === c)).toHaveLength(Math.ceil(count / batch));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("durationSeconds", () => {
  it("reads the durations the config accepts, for the scripts' polling loops", () => {
    expect(["10m", "1h30m", "90s", "2h", "1h1m1s"].map(durationSeconds)).toEqual([600, 5400, 90, 7200, 3661]);
  });
});
