/**
 * The order of a rolling upgrade, as data (no resources): control planes one
 * at a time so etcd never loses more than one member, then ordinary workers in
 * batches, then GPU workers in batches. GPU nodes go last because they are the
 * slowest to come back (NVIDIA modules) and usually run the workloads nobody
 * wants interrupted twice; a failure earlier in the rollout stops before them.
 */
import type { MachineClass } from "./node";

/** Anything with a machine class: the nodes themselves, or plain records in tests. */
export interface UpgradeCandidate {
  readonly machineClass: MachineClass;
}

/** One step of the rollout: the nodes in it upgrade in parallel; the next wave waits for all of them. */
export interface UpgradeWave<T extends UpgradeCandidate> {
  readonly machineClass: MachineClass;
  readonly nodes: readonly T[];
}

const CLASS_ORDER: readonly MachineClass[] = ["controlplane", "worker", "gpu"];

/**
 * Waves in rollout order. Within a class, nodes keep their config order, so
 * the operator decides which worker goes first by ordering `homelab:nodes`.
 * `batchSize` applies to workers and GPU workers; control planes always go
 * one by one (two down at once loses quorum in a three-member etcd).
 */
export function planUpgradeOrder<T extends UpgradeCandidate>(nodes: readonly T[], batchSize: number): UpgradeWave<T>[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const waves: UpgradeWave<T>[] = [];
  for (const machineClass of CLASS_ORDER) {
    const members = nodes.filter((n) => n.machineClass === machineClass);
    const size = machineClass === "controlplane" ? 1 : batchSize;
    for (let i = 0; i < members.length; i += size) waves.push({ machineClass, nodes: members.slice(i, i + size) });
  }
  return waves;
}
