/**
 * Two views of a captured plan: the JSON document of docs/render.md (stable,
 * diffable) and a readable tree for people.
 */
import type { CapturedResource, Plan } from "./harness";
import { stableStringify, type Json } from "./wire";

/** One resource of the plan document (docs/render.md). */
export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly provider: string | null;
  readonly dependsOn: string[];
  readonly protect: boolean;
  /** Input paths the engine leaves alone when they change (Pulumi's path syntax: `disks[0].fileId`). */
  readonly ignoreChanges: string[];
  /** Input paths whose change replaces the resource, on top of what its provider replaces on. */
  readonly replaceOnChanges: string[];
  readonly deleteBeforeReplace: boolean;
  readonly retainOnDelete: boolean;
  /** The id of an existing resource this one adopts, or null. */
  readonly import: string | null;
  /** URNs of earlier identities whose state this resource keeps (renames, moves). */
  readonly aliases: string[];
  readonly inputs: Json;
}

export interface PlanInvoke {
  readonly token: string;
  readonly args: Json;
}

/** The plan document (docs/render.md), as `npm run render -- <stack> --json` prints it. */
export interface PlanDocument {
  readonly stack: string;
  readonly resources: PlanResource[];
  readonly invokes: PlanInvoke[];
  readonly outputs: Record<string, Json>;
}

/** The plan document (docs/render.md). Byte-identical for identical input. */
export function planToJson(plan: Plan): string {
  const doc: PlanDocument = {
    stack: plan.stack,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      provider: r.provider,
      dependsOn: r.dependsOn,
      protect: r.protect,
      ignoreChanges: r.ignoreChanges,
      replaceOnChanges: r.replaceOnChanges,
      deleteBeforeReplace: r.deleteBeforeReplace,
      retainOnDelete: r.retainOnDelete,
      import: r.importId || null,
      aliases: r.aliases,
      inputs: r.inputs,
    })),
    invokes: plan.invokes.map((i) => ({ token: i.token, args: i.args })),
    outputs: plan.outputs,
  };
  // Keys in the order docs/render.md shows them; values with sorted keys.
  return (
    JSON.stringify(
      doc,
      (key, value: unknown) =>
        (key === "inputs" || key === "args" || key === "outputs") && value && typeof value === "object"
          ? JSON.parse(stableStringify(value as Json))
          : value,
      2,
    ) + "\n"
  );
}

const MAX_VALUE = 96;

function short(value: Json): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const oneLine = text.replace(/\s*\n\s*/g, "⏎");
  return oneLine.length > MAX_VALUE ? `${oneLine.slice(0, MAX_VALUE - 1)}…` : oneLine;
}

function flags(r: CapturedResource): string {
  const f: string[] = [];
  if (r.protect) f.push("protect");
  if (r.retainOnDelete) f.push("retain");
  if (r.deleteBeforeReplace) f.push("delete-before-replace");
  if (r.ignoreChanges.length) f.push(`ignore:${r.ignoreChanges.join(",")}`);
  if (r.replaceOnChanges.length) f.push(`replace-on:${r.replaceOnChanges.join(",")}`);
  if (r.importId) f.push(`import:${r.importId}`);
  if (r.aliases.length) f.push(`aliases:${r.aliases.map((u) => u.split("::").slice(2).join("::")).join(",")}`);
  if (r.readId) f.push(`read:${r.readId}`);
  return f.length ? ` [${f.join(" ")}]` : "";
}

/** A readable tree: components with their children, key inputs under each resource. */
export function planToText(plan: Plan): string {
  const lines: string[] = [];
  const children = new Map<string | null, CapturedResource[]>();
  const known = new Set(plan.resources.map((r) => r.urn));
  for (const r of plan.resources) {
    const parent = r.parent && known.has(r.parent) ? r.parent : null;
    const list = children.get(parent) ?? [];
    list.push(r);
    children.set(parent, list);
  }
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  lines.push(`Stack "${plan.stack}"${plan.dryRun ? " (preview)" : ""}: ${plan.resources.length} resources, ${plan.invokes.length} invokes`);
  lines.push("");
  const walk = (parent: string | null, indent: string) => {
    for (const r of children.get(parent) ?? []) {
      const provider = r.provider ? `  (provider ${byUrn.get(r.provider)?.name ?? r.provider.split("::").pop()})` : "";
      lines.push(`${indent}${r.custom ? "+" : "□"} ${r.type}  ${r.name}${flags(r)}${provider}`);
      const deps = r.dependsOn.filter((d) => d !== r.parent && d !== r.provider).map((d) => byUrn.get(d)?.name ?? d.split("::").pop());
      if (deps.length) lines.push(`${indent}    depends on: ${deps.join(", ")}`);
      if (r.custom && r.inputs && typeof r.inputs === "object" && !Array.isArray(r.inputs)) {
        for (const [k, v] of Object.entries(r.inputs)) {
          if (k === "__defaults") continue;
          lines.push(`${indent}    ${k}: ${short(v)}`);
        }
      }
      walk(r.urn, `${indent}  `);
    }
  };
  walk(null, "");
  if (plan.invokes.length) {
    lines.push("", "Invokes:");
    for (const i of plan.invokes) lines.push(`  ${i.token}  ${short(i.args)}`);
  }
  lines.push("", "Outputs:");
  for (const [k, v] of Object.entries(plan.outputs)) lines.push(`  ${k}: ${short(v)}`);
  return lines.join("\n") + "\n";
}
