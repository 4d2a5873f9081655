/**
 * Resource identities as the Pulumi engine forms them, and the committed
 * snapshot of them per stack (test/safety/urns/<stack>.json).
 *
 * The engine qualifies a child's type with its parent's WHOLE type chain
 * (`homelab:talos:Cluster$homelab:talos:Node$proxmoxve:…`); Pulumi's mock
 * monitor (and so the captured plan) keeps only the parent's last type. The
 * snapshot uses the engine's form, so renaming or re-typing any ancestor
 * component shows up as the identity change it really is.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { CapturedResource, Plan } from "../../../core/render/harness";

export const SNAPSHOT_DIR = path.resolve(__dirname, "..", "urns");

export function snapshotFile(stack: string): string {
  return path.join(SNAPSHOT_DIR, `${stack}.json`);
}

/** The qualified type chain of every captured resource, keyed by its captured URN. */
function qualifiedTypes(plan: Plan): Map<string, string> {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const cache = new Map<string, string>();
  const qualify = (r: CapturedResource, seen: Set<string>): string => {
    const cached = cache.get(r.urn);
    if (cached) return cached;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const type =
      parent && !seen.has(parent.urn) && parent.type !== "pulumi:pulumi:Stack"
        ? `${qualify(parent, new Set([...seen, r.urn]))}$${r.type}`
        : r.parent && !parent
          ? `${r.parent.split("::")[2]}$${r.type}`
          : r.type;
    cache.set(r.urn, type);
    return type;
  };
  for (const r of plan.resources) qualify(r, new Set());
  return cache;
}

/** Engine URNs of every resource the stack registers or reads, sorted. */
export function engineUrns(plan: Plan): string[] {
  const types = qualifiedTypes(plan);
  return plan.resources
    .filter((r) => r.type !== "pulumi:pulumi:Stack")
    .map((r) => `urn:pulumi:${plan.stack}::homelab::${types.get(r.urn)!}::${r.name}`)
    .sort();
}

/**
 * For every resource with aliases: its engine URN → the URNs it had under the
 * old name/type/parent its aliases describe. An identity that vanished but is
 * listed here is carried over by the alias rather than replaced.
 */
export function aliasUrns(plan: Plan): Map<string, string[]> {
  const types = qualifiedTypes(plan);
  const out = new Map<string, string[]>();
  for (const r of plan.resources) {
    if (r.aliases.length === 0) continue;
    const olds = r.aliases.map((alias) => {
      if (alias.startsWith("urn:")) return alias;
      const spec = Object.fromEntries(alias.split(",").map((kv) => kv.split("=", 2) as [string, string]));
      const name = spec["name"] ?? r.name;
      const type = spec["type"] ?? r.type;
      const stack = spec["stack"] ?? plan.stack;
      const parentUrn = spec["parenturn"] ?? r.parent ?? "";
      const parentType = parentUrn ? (types.get(parentUrn) ?? parentUrn.split("::")[2]!) : "";
      return `urn:pulumi:${stack}::homelab::${parentType ? `${parentType}$` : ""}${type}::${name}`;
    });
    out.set(`urn:pulumi:${plan.stack}::homelab::${types.get(r.urn)!}::${r.name}`, olds);
  }
  return out;
}

export interface UrnChange {
  readonly added: string[];
  readonly removed: string[];
  /** Removed URNs carried over by an alias of a new one (old → new). */
  readonly aliased: Map<string, string>;
  /** True when nothing changed, or every change is a rename covered by an alias. */
  readonly safe: boolean;
}

export function compareUrns(expected: readonly string[], actual: readonly string[], aliases: ReadonlyMap<string, readonly string[]>): UrnChange {
  const before = new Set(expected);
  const after = new Set(actual);
  const added = actual.filter((u) => !before.has(u));
  const removed = expected.filter((u) => !after.has(u));
  const aliased = new Map<string, string>();
  for (const urn of added) for (const old of aliases.get(urn) ?? []) if (removed.includes(old)) aliased.set(old, urn);
  const renamedTo = new Set(aliased.values());
  const safe = removed.every((u) => aliased.has(u)) && added.every((u) => renamedTo.has(u));
  return { added, removed, aliased, safe };
}

export function readSnapshot(stack: string): string[] | undefined {
  try {
    return JSON.parse(readFileSync(snapshotFile(stack), "utf8")) as string[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export function writeSnapshot(stack: string, urns: readonly string[]): void {
  writeFileSync(snapshotFile(stack), `${JSON.stringify([...urns].sort(), null, 2)}\n`);
}

export const UPDATE_COMMAND = "npx tsx scripts/update-urn-snapshot.ts (npm run urns:update)";

/** The test's failure message: what changed, why it matters, the two ways out. */
export function describeUrnChange(stack: string, change: UrnChange): string {
  const lines = [
    `Resource identities (URNs) of stack "${stack}" changed against test/safety/urns/${stack}.json.`,
    `On the next \`pulumi up\` every URN that disappears is DELETED and every new one CREATED — for a VM, a server or the cluster PKI that means data loss.`,
  ];
  if (change.removed.length) {
    lines.push("", "Gone:");
    for (const u of change.removed) lines.push(`  - ${u}${change.aliased.has(u) ? `   (carried over by an alias of ${change.aliased.get(u)})` : ""}`);
  }
  if (change.added.length) {
    lines.push("", "New:");
    for (const u of change.added) lines.push(`  + ${u}`);
  }
  lines.push(
    "",
    "If a resource was only renamed or moved to another parent/type, keep it: add `aliases: [{ name: \"<old name>\" }]`",
    "(or `{ parent: … }` / `{ type: \"…\" }`) to its resource options, so Pulumi maps the old URN to the new one.",
    `If the change is deliberate (a resource really is added, removed or replaced), accept it by regenerating the snapshot: ${UPDATE_COMMAND}`,
    "and commit test/safety/urns/ with the change so reviewers see it.",
  );
  return lines.join("\n");
}
