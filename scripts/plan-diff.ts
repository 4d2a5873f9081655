/**
 * Compares two offline renders (the JSON document of one stack) and formats
 * the difference for a reviewer the way `pulumi preview` would show it:
 * resources added, removed, updated and REPLACED, with every changed input as
 * `path: old → new`. A resource is replaced when an input changes that its
 * provider replaces on (scripts/diff-replacements.ts) or that its own
 * `replaceOnChanges` lists; changes under its `ignoreChanges` are left out, as
 * the engine leaves them; replacing or deleting a protected resource is an
 * error, as it is for the engine. Pure: no files, no processes, so it is
 * unit-tested on its own; scripts/render-diff.ts does the rendering.
 *
 * Secrets arrive already redacted as "[secret]"; a secret that changed value
 * therefore shows no change, which is the price of a credential-free diff.
 */
import { structuredPatch } from "diff";
import { compareText as compare } from "../core/compare";
import type { PlanDocument, PlanInvoke, PlanResource } from "../core/render/format";
import { planToMermaid, type Mark } from "../core/render/mermaid";
import type { Json } from "../core/render/wire";
import { replaceRulesFor } from "./diff-replacements";

export type { Json, PlanDocument, PlanInvoke, PlanResource };

/** A step into a value: an object key or a list index (the index in HEAD, or in the base for an element HEAD dropped). */
export type Segment = string | number;

/** `undefined` on one side means the value is absent there. */
export interface ValueChange {
  /** Where, as printed: `a.b[0]`, `rules[name=dns].port`, `manifest⟨json⟩.spec`. */
  readonly path: string;
  /** Where, as steps through the value (JSON text is looked into transparently), for matching Pulumi property paths. */
  readonly at: readonly Segment[];
  readonly before: Json | undefined;
  readonly after: Json | undefined;
}

/** Why a resource is replaced: the changed paths a rule covers, what the rule says, and where that comes from. */
export interface Replacement {
  readonly paths: string[];
  readonly why: string;
  readonly source: string;
}

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Changed inputs, one per leaf path, without those under `ignoreChanges`. */
  readonly inputs: ValueChange[];
  /** Changed inputs the engine leaves alone (`ignoreChanges`), listed nowhere else. */
  readonly ignored: ValueChange[];
  /** Changed resource options: parent, provider, protect and the others of the document. */
  readonly options: ValueChange[];
  readonly dependsOnAdded: string[];
  readonly dependsOnRemoved: string[];
  /** Non-empty: the change re-creates the resource. */
  readonly replace: Replacement[];
  /** The base URN when HEAD carries the resource over from it by an alias (a rename or move). */
  readonly renamedFrom?: string;
}

/** Something the real `pulumi preview` / `up` would refuse. */
export interface PlanError {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly message: string;
}

export interface StackDiff {
  readonly stack: string;
  readonly added: PlanResource[];
  readonly removed: PlanResource[];
  /** Updated in place or replaced (`replace` non-empty). */
  readonly changed: ResourceChange[];
  readonly outputs: ValueChange[];
  readonly invokesAdded: PlanInvoke[];
  readonly invokesRemoved: PlanInvoke[];
  readonly errors: PlanError[];
}

/** What render-diff learned about one stack: a diff, and/or why a side did not render. */
export interface StackReport {
  readonly stack: string;
  readonly diff?: StackDiff;
  /** The base did not render (for example the stack did not exist yet); the diff is then against an empty plan. */
  readonly baseError?: string;
  /** HEAD does not render: the change breaks the stack. */
  readonly headError?: string;
  /** HEAD's plan, for the picture of the changed part. */
  readonly head?: PlanDocument;
}

const SECRET = "[secret]";
/** Keys the SDKs add to inputs for their own bookkeeping; never a reviewable change. */
const IGNORED_INPUT_KEYS = new Set(["__defaults"]);

// ---------------------------------------------------------------- parsing

/** Parses `npm run render -- <stack> --json` output, checking the shape the diff relies on. */
export function parsePlanDocument(text: string): PlanDocument {
  const doc = JSON.parse(text) as unknown;
  const fail = (what: string): never => {
    throw new Error(`not a render document: ${what}`);
  };
  if (!isObject(doc)) return fail("expected an object");
  if (typeof doc["stack"] !== "string") fail("missing stack");
  if (!Array.isArray(doc["resources"])) fail("missing resources[]");
  const resources = (doc["resources"] as unknown[]).map((r, i) => {
    if (!isObject(r) || typeof r["urn"] !== "string") return fail(`resources[${i}] has no urn`);
    return {
      urn: r["urn"],
      type: typeof r["type"] === "string" ? r["type"] : "",
      name: typeof r["name"] === "string" ? r["name"] : "",
      parent: typeof r["parent"] === "string" ? r["parent"] : null,
      provider: typeof r["provider"] === "string" ? r["provider"] : null,
      dependsOn: strings(r["dependsOn"]),
      protect: r["protect"] === true,
      ignoreChanges: strings(r["ignoreChanges"]),
      replaceOnChanges: strings(r["replaceOnChanges"]),
      deleteBeforeReplace: r["deleteBeforeReplace"] === true,
      retainOnDelete: r["retainOnDelete"] === true,
      import: typeof r["import"] === "string" ? r["import"] : null,
      aliases: strings(r["aliases"]),
      inputs: (r["inputs"] ?? {}) as Json,
    };
  });
  const invokes = (Array.isArray(doc["invokes"]) ? (doc["invokes"] as unknown[]) : []).map((v) => {
    const i = isObject(v) ? v : {};
    return { token: String(i["token"] ?? ""), args: (i["args"] ?? {}) as Json };
  });
  const outputs = isObject(doc["outputs"]) ? (doc["outputs"] as Record<string, Json>) : {};
  return { stack: doc["stack"] as string, resources, invokes, outputs };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export function emptyPlan(stack: string): PlanDocument {
  return { stack, resources: [], invokes: [], outputs: {} };
}

// ---------------------------------------------------------------- diffing

export function diffPlans(base: PlanDocument, head: PlanDocument): StackDiff {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  // A HEAD resource whose alias names a base URN that HEAD no longer has keeps that resource's state.
  const carried = new Map<string, PlanResource>();
  for (const r of head.resources) {
    if (before.has(r.urn)) continue;
    const old = r.aliases.find((a) => before.has(a) && !after.has(a));
    if (old !== undefined) carried.set(r.urn, before.get(old)!);
  }
  const carriedFrom = new Set([...carried.values()].map((r) => r.urn));
  const added = head.resources.filter((r) => !before.has(r.urn) && !carried.has(r.urn));
  const removed = base.resources.filter((r) => !after.has(r.urn) && !carriedFrom.has(r.urn));
  const changed: ResourceChange[] = [];
  for (const r of head.resources) {
    const old = before.get(r.urn) ?? carried.get(r.urn);
    if (!old) continue;
    const change = diffResource(old, r);
    if (change) changed.push(change);
  }
  const errors: PlanError[] = [];
  for (const c of inTreeOrder(changed, head.resources)) {
    const old = before.get(c.urn) ?? carried.get(c.urn)!;
    const now = after.get(c.urn)!;
    // The engine refuses a replacement only while the resource stays protected:
    // unprotecting and replacing in one update is allowed (pulumi/pulumi
    // pkg/resource/deploy/step_generator.go, `new.Protect && old.Protect`).
    if (c.replace.length > 0 && old.protect && now.protect) {
      errors.push({
        urn: c.urn,
        type: c.type,
        name: c.name,
        message: `replaces a protected resource, which the engine refuses: ${c.replace.map((r) => `${r.paths.join(", ")} (${r.why})`).join("; ")}`,
      });
    }
  }
  for (const r of inTreeOrder(removed, base.resources)) {
    // A delete is refused while the state says protected (pulumi/pulumi pkg/resource/deploy/step.go, DeleteStep).
    if (r.protect) {
      errors.push({
        urn: r.urn,
        type: r.type,
        name: r.name,
        message: "deletes a protected resource, which the engine refuses: it is no longer in the program (rename it with an alias to keep it)",
      });
    }
  }
  const invokeKey = (i: PlanInvoke) => `${i.token} ${canonical(i.args)}`;
  const baseInvokes = new Set(base.invokes.map(invokeKey));
  const headInvokes = new Set(head.invokes.map(invokeKey));
  return {
    stack: head.stack || base.stack,
    added: inTreeOrder(added, head.resources),
    removed: inTreeOrder(removed, base.resources),
    changed: inTreeOrder(changed, head.resources),
    outputs: diffValues(base.outputs, head.outputs, ""),
    invokesAdded: dedupe(head.invokes.filter((i) => !baseInvokes.has(invokeKey(i))), invokeKey),
    invokesRemoved: dedupe(base.invokes.filter((i) => !headInvokes.has(invokeKey(i))), invokeKey),
    errors,
  };
}

export function hasChanges(d: StackDiff): boolean {
  return (
    d.added.length + d.removed.length + d.changed.length + d.outputs.length + d.invokesAdded.length + d.invokesRemoved.length > 0
  );
}

/** Options of the document besides parent, provider and protect, compared as values. */
const OPTION_KEYS = ["ignoreChanges", "replaceOnChanges", "deleteBeforeReplace", "retainOnDelete", "import", "aliases"] as const;

function diffResource(old: PlanResource, now: PlanResource): ResourceChange | undefined {
  const [oldInputs, newInputs] = [withoutIgnored(old.inputs), withoutIgnored(now.inputs)];
  // The engine applies the ignoreChanges of the program being previewed.
  const ignore = now.ignoreChanges.map(parsePropertyPath);
  const notIgnored = (c: ValueChange) => !ignore.some((p) => covers(p, c.at));
  const all = diffValues(oldInputs, newInputs, "");
  const inputs = all.filter(notIgnored);
  const ignored = all.filter((c) => !notIgnored(c));
  const options: ValueChange[] = [];
  if (old.parent !== now.parent) options.push({ path: "parent", at: [], before: old.parent, after: now.parent });
  if (old.provider !== now.provider) options.push({ path: "provider", at: [], before: old.provider, after: now.provider });
  if (old.protect !== now.protect) options.push({ path: "protect", at: [], before: old.protect, after: now.protect });
  for (const key of OPTION_KEYS) {
    const [b, a] = [old[key] ?? null, now[key] ?? null] as [Json, Json];
    if (canonical(b) !== canonical(a)) options.push({ path: key, at: [], before: b, after: a });
  }
  const oldDeps = new Set(old.dependsOn);
  const newDeps = new Set(now.dependsOn);
  const dependsOnAdded = [...newDeps].filter((d) => !oldDeps.has(d)).sort(compare);
  const dependsOnRemoved = [...oldDeps].filter((d) => !newDeps.has(d)).sort(compare);
  const renamedFrom = old.urn !== now.urn ? old.urn : undefined;
  // Only ignored inputs changed: the engine sees no change, and neither does the diff.
  if (inputs.length + options.length + dependsOnAdded.length + dependsOnRemoved.length === 0 && !renamedFrom) return undefined;
  return {
    urn: now.urn,
    type: now.type,
    name: now.name,
    inputs,
    ignored,
    options,
    dependsOnAdded,
    dependsOnRemoved,
    // Providers compare lists by position, not by the names the printed diff pairs elements by.
    replace: replacements(old, now, diffValues(oldInputs, newInputs, "", [], { byPosition: true }).filter(notIgnored)),
    ...(renamedFrom ? { renamedFrom } : {}),
  };
}

/**
 * Why the changed inputs re-create the resource: its own `replaceOnChanges`
 * first, then the provider's replace-forcing inputs for paths the option did
 * not already explain.
 */
function replacements(old: PlanResource, now: PlanResource, changes: ValueChange[]): Replacement[] {
  const out: Replacement[] = [];
  const explained = new Set<ValueChange>();
  const own = now.replaceOnChanges.map(parsePropertyPath);
  const byOption = changes.filter((c) => own.some((p) => touches(p, c.at)));
  if (byOption.length) {
    out.push({
      paths: byOption.map((c) => c.path),
      why: `listed in the resource's replaceOnChanges (${now.replaceOnChanges.join(", ")})`,
      source: "resource option",
    });
    for (const c of byOption) explained.add(c);
  }
  const inputsOf = (r: PlanResource) => (isObject(r.inputs) ? r.inputs : {});
  for (const rule of replaceRulesFor(now.type)) {
    const patterns = rule.paths.map(parsePropertyPath);
    const hits = changes.filter((c) => patterns.some((p) => touches(p, c.at)));
    if (hits.length === 0 || hits.every((c) => explained.has(c))) continue;
    if (rule.when && !rule.when(inputsOf(old), inputsOf(now))) continue;
    out.push({ paths: hits.map((c) => c.path), why: rule.why, source: rule.source });
  }
  return out;
}

/**
 * A Pulumi property path (`disks[0].fileId`, `triggers[*]`, `a["b.c"]`) as
 * steps; `*` matches any key or index.
 */
export function parsePropertyPath(path: string): Segment[] {
  const steps: Segment[] = [];
  const re = /\[\s*(\d+|\*|"(?:[^"\\]|\\.)*")\s*\]|\.?([^.[\]]+)/g;
  for (const m of path.matchAll(re)) {
    if (m[2] !== undefined) steps.push(m[2]);
    else if (m[1] === "*") steps.push("*");
    else if (m[1]!.startsWith('"')) steps.push(JSON.parse(m[1]!) as string);
    else steps.push(Number(m[1]));
  }
  return steps;
}

const stepMatches = (pattern: Segment, step: Segment) => pattern === "*" || pattern === step;

/** The pattern names this location or one of its ancestors: the change lies under it (ignoreChanges). */
function covers(pattern: Segment[], at: readonly Segment[]): boolean {
  return pattern.length <= at.length && pattern.every((p, i) => stepMatches(p, at[i]!));
}

/** The change lies under the pattern, or is a whole value that holds it (replace-forcing inputs). */
function touches(pattern: Segment[], at: readonly Segment[]): boolean {
  const n = Math.min(pattern.length, at.length);
  for (let i = 0; i < n; i++) if (!stepMatches(pattern[i]!, at[i]!)) return false;
  return true;
}

/**
 * Leaf-level differences between two JSON values. Objects recurse by key;
 * arrays of objects that all carry a unique `name` recurse by that name (so an
 * insertion does not shift every later element); other arrays by index.
 * Strings holding a JSON object or array on both sides are compared as JSON.
 */
export function diffValues(
  before: Json | undefined,
  after: Json | undefined,
  path: string,
  at: readonly Segment[] = [],
  options: { byPosition?: boolean } = {},
): ValueChange[] {
  if (before === undefined && after === undefined) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compare);
    return keys.flatMap((k) => diffValues(before[k], after[k], joinKey(path, k), [...at, k], options));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = options.byPosition ? undefined : namedIndex(before);
    const a = options.byPosition ? undefined : namedIndex(after);
    if (b && a && (b.size > 0 || a.size > 0)) {
      const names = [...new Set([...b.keys(), ...a.keys()])];
      // Keep the order of HEAD, then names only the base had.
      names.sort((x, y) => order(a, x) - order(a, y) || order(b, x) - order(b, y));
      return names.flatMap((n) => {
        const index = a.has(n) ? order(a, n) : order(b, n);
        return diffValues(b.get(n), a.get(n), `${path}[name=${n}]`, [...at, index], options);
      });
    }
    const length = Math.max(before.length, after.length);
    const changes: ValueChange[] = [];
    for (let i = 0; i < length; i++) changes.push(...diffValues(before[i], after[i], `${path}[${i}]`, [...at, i], options));
    return changes;
  }
  if (typeof before === "string" && typeof after === "string" && before !== after) {
    const b = parseJsonText(before);
    const a = parseJsonText(after);
    if (b !== undefined && a !== undefined) return diffValues(b, a, `${path}⟨json⟩`, at, options);
  }
  // One side absent or a container: list the present side's leaves so every line is `path: old → new`.
  if (before === undefined && isContainer(after)) return leaves(after, path, at).map(([p, v, where]) => ({ path: p, at: where, before: undefined, after: v }));
  if (after === undefined && isContainer(before)) return leaves(before, path, at).map(([p, v, where]) => ({ path: p, at: where, before: v, after: undefined }));
  if (canonical(before ?? null) === canonical(after ?? null) && (before === undefined) === (after === undefined)) return [];
  return [{ path: path || "(value)", at, before, after }];
}

/** Every leaf of a value with its path; empty objects and arrays count as leaves. */
export function leaves(value: Json, path: string, at: readonly Segment[] = []): [string, Json, Segment[]][] {
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => !IGNORED_INPUT_KEYS.has(k)).sort(compare);
    if (keys.length === 0) return [[path || "(value)", value, [...at]]];
    return keys.flatMap((k) => leaves(value[k]!, joinKey(path, k), [...at, k]));
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return [[path || "(value)", value, [...at]]];
    return value.flatMap((v, i) => leaves(v, `${path}[${i}]`, [...at, i]));
  }
  return [[path || "(value)", value, [...at]]];
}

function withoutIgnored(inputs: Json): Json {
  if (!isObject(inputs)) return inputs;
  return Object.fromEntries(Object.entries(inputs).filter(([k]) => !IGNORED_INPUT_KEYS.has(k)));
}

function namedIndex(items: Json[]): Map<string, Json> | undefined {
  if (items.length === 0) return new Map();
  const map = new Map<string, Json>();
  for (const item of items) {
    if (!isObject(item) || typeof item["name"] !== "string" || map.has(item["name"])) return undefined;
    map.set(item["name"], item);
  }
  return map;
}

function order(index: Map<string, Json>, key: string): number {
  const i = [...index.keys()].indexOf(key);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

function parseJsonText(text: string): Json | undefined {
  const t = text.trim();
  if (!(t.startsWith("{") && t.endsWith("}")) && !(t.startsWith("[") && t.endsWith("]"))) return undefined;
  try {
    return JSON.parse(t) as Json;
  } catch {
    return undefined;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

function joinKey(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Result of rendering one stack at one side. */
export type RenderResult = { readonly plan: PlanDocument } | { readonly error: string };

/**
 * Combines the two renders of a stack. A base that does not render (the
 * stack is new, or was broken) is compared as an empty plan and noted; a HEAD
 * that does not render is the finding itself.
 */
export function reportFor(stack: string, base: RenderResult, head: RenderResult): StackReport {
  const baseError = "error" in base ? base.error : undefined;
  if ("error" in head) return { stack, headError: head.error, ...(baseError !== undefined ? { baseError } : {}) };
  const diff = diffPlans("plan" in base ? base.plan : emptyPlan(stack), head.plan);
  return { stack, diff, head: head.plan, ...(baseError !== undefined ? { baseError } : {}) };
}

// ---------------------------------------------------------------- formatting

export interface FormatOptions {
  /** Markdown for a PR comment / step summary: a heading and a ```diff block per stack. */
  readonly markdown?: boolean;
  /** Longest value shown for a listed (added/removed) input before it is shortened. */
  readonly maxValue?: number;
  /** Add a Mermaid chart of the changed resources, their direct dependencies and dependents. */
  readonly mermaid?: boolean;
}

/** The whole report: a title, then every stack. */
export function formatReport(title: string, reports: StackReport[], options: FormatOptions = {}): string {
  const md = options.markdown === true;
  const out: string[] = [md ? `## ${title}` : title, ""];
  const total = summarize(reports);
  out.push(total, "");
  for (const report of reports) out.push(formatStack(report, options), "");
  return out.join("\n").replace(/\n+$/, "\n");
}

function summarize(reports: StackReport[]): string {
  const failing = reports.filter((r) => r.headError).map((r) => r.stack);
  const changed = reports.filter((r) => r.diff && hasChanges(r.diff)).map((r) => r.stack);
  const refused = reports.filter((r) => r.diff && r.diff.errors.length > 0).map((r) => r.stack);
  const parts = [
    changed.length ? `changed: ${changed.join(", ")}` : "no stack changed",
    failing.length ? `FAILS TO RENDER: ${failing.join(", ")}` : "",
    refused.length ? `ERRORS (pulumi would refuse): ${refused.join(", ")}` : "",
  ].filter(Boolean);
  return parts.join("; ");
}

/** The change would fail for real: a stack does not render, or the engine would refuse a step. */
export function hasErrors(reports: StackReport[]): boolean {
  return reports.some((r) => r.headError !== undefined || (r.diff?.errors.length ?? 0) > 0);
}

export function formatStack(report: StackReport, options: FormatOptions = {}): string {
  const md = options.markdown === true;
  const d = report.diff;
  const replaced = d ? d.changed.filter((c) => c.replace.length > 0).length : 0;
  const counts = d
    ? `${d.added.length} to add, ${d.changed.length - replaced} to change, ${replaced} to replace, ${d.removed.length} to remove`
    : "";
  let headline: string;
  if (report.headError) headline = "does not render at HEAD";
  else if (d && !hasChanges(d)) headline = "no changes";
  else headline = counts;
  const lines: string[] = [md ? `### ${report.stack}: ${headline}` : `${report.stack}: ${headline}`];
  const notes: string[] = [];
  if (report.headError) notes.push(`HEAD render failed: ${report.headError}`);
  if (report.baseError) notes.push(`base did not render (${report.baseError}); HEAD is compared with an empty plan`);
  for (const e of d?.errors ?? []) notes.push(`error: ${e.type}  ${e.name} ${e.message}`);
  const body = d && hasChanges(d) ? formatDiffBody(d, options) : [];
  const chart = options.mermaid && d && hasChanges(d) ? changedChart(d, report.head) : undefined;
  if (md) {
    for (const n of notes) lines.push("", `> ${n.replace(/\n/g, "\n> ")}`);
    if (body.length) lines.push("", "```diff", ...body.map(fenceSafe), "```");
    if (chart) lines.push("", "<details><summary>Graph of the change</summary>", "", "```mermaid", chart.trimEnd(), "```", "", "</details>");
  } else {
    for (const n of notes) lines.push(`  ! ${n.replace(/\n/g, "\n    ")}`);
    lines.push(...body);
    if (chart) lines.push("", "graph of the change (mermaid):", chart.trimEnd());
  }
  return lines.join("\n");
}

/** Most resources a chart of the change draws with their neighbours; above it only the changed ones. */
const CHART_NEIGHBOURS_UP_TO = 60;
/** Most changed resources a chart draws at all; a bigger change is read in the list. */
const CHART_MAX = 200;

/**
 * The changed part of a stack as a Mermaid chart: every added, changed,
 * replaced and removed resource, the resources they depend on and those that
 * depend on them (when the change is small enough to stay readable), and the
 * components around all of them.
 */
export function changedChart(d: StackDiff, head: PlanDocument | undefined): string | undefined {
  const marks = new Map<string, Mark>();
  for (const r of d.added) marks.set(r.urn, "add");
  for (const c of d.changed) marks.set(c.urn, c.replace.length > 0 ? "replace" : "change");
  for (const r of d.removed) marks.set(r.urn, "remove");
  if (marks.size === 0 || marks.size > CHART_MAX) return undefined;
  const all = new Map<string, PlanResource>([...(head?.resources ?? []), ...d.added, ...d.removed].map((r) => [r.urn, r]));
  const keep = new Set(marks.keys());
  if (marks.size <= CHART_NEIGHBOURS_UP_TO) {
    for (const r of all.values()) {
      if (marks.has(r.urn)) for (const dep of r.dependsOn) keep.add(dep);
      else if (r.dependsOn.some((dep) => marks.has(dep))) keep.add(r.urn);
    }
  }
  for (const urn of [...keep]) {
    for (let p = all.get(urn)?.parent; p && !keep.has(p); p = all.get(p)?.parent) keep.add(p);
  }
  const drawn = [...keep].map((urn) => all.get(urn)).filter((r): r is PlanResource => r !== undefined);
  return planToMermaid(drawn, { marks });
}

function fenceSafe(line: string): string {
  return line.replace(/```/g, "`\u200b``");
}

function formatDiffBody(d: StackDiff, options: FormatOptions): string[] {
  const max = options.maxValue ?? 120;
  const lines: string[] = [];
  const label = (r: { type: string; name: string }) => `${r.type}  ${r.name}`;
  const names = new Map<string, string>();
  for (const r of [...d.added, ...d.removed]) names.set(r.urn, r.name);
  const urnName = (urn: string) => names.get(urn) ?? urn.split("::").pop() ?? urn;

  for (const r of d.added) {
    lines.push(`+ ${label(r)}`);
    for (const [path, value] of leaves(withoutIgnored(r.inputs), "")) {
      if (path === "(value)" && isObject(value)) continue; // no inputs at all
      lines.push(`      ${path}: ${show(value, max)}`);
    }
  }
  const refused = new Set(d.errors.map((e) => e.urn));
  for (const c of d.changed) {
    const replaced = c.replace.length > 0;
    lines.push(`${replaced ? "+-" : "~"} ${label(c)}${replaced ? "  (replace)" : ""}`);
    if (c.renamedFrom) lines.push(`      (renamed from ${c.renamedFrom.split("::").slice(2).join("::")}, by alias)`);
    for (const ch of c.inputs) lines.push(...formatChange(ch));
    for (const r of c.replace) lines.push(`      ⇒ replaced: ${r.paths.join(", ")}: ${r.why} [${r.source}]`);
    if (refused.has(c.urn)) lines.push("!     ERROR: the resource is protected, so pulumi refuses this replacement");
    for (const ch of c.options) lines.push(`      (${ch.path}) ${show(ch.before, max)} → ${show(ch.after, max)}`);
    for (const dep of c.dependsOnAdded) lines.push(`      (dependsOn) + ${urnName(dep)}`);
    for (const dep of c.dependsOnRemoved) lines.push(`      (dependsOn) - ${urnName(dep)}`);
  }
  for (const r of d.removed) {
    lines.push(`- ${label(r)}${r.retainOnDelete ? "  (retainOnDelete: left in place, dropped from the stack)" : ""}`);
    if (refused.has(r.urn)) lines.push("!     ERROR: the resource is protected, so pulumi refuses to delete it");
  }
  if (d.outputs.length) {
    lines.push("~ outputs");
    for (const ch of d.outputs) lines.push(...formatChange(ch));
  }
  for (const i of d.invokesAdded) lines.push(`+ invoke ${i.token} ${show(i.args, max)}`);
  for (const i of d.invokesRemoved) lines.push(`- invoke ${i.token} ${show(i.args, max)}`);
  return lines;
}

/** One changed value: `path: old → new`, or a line diff when either side is multi-line text. */
export function formatChange(ch: ValueChange): string[] {
  const { path, before, after } = ch;
  if (typeof before === "string" && typeof after === "string" && (before.includes("\n") || after.includes("\n"))) {
    return [`      ${path}: text changed`, ...lineDiff(before, after).map((l) => `${l[0]}         ${l.slice(2)}`)];
  }
  if (typeof before === "string" && typeof after === "string" && (before.length > 80 || after.length > 80)) {
    const [b, a] = excerpt(before, after);
    return [`      ${path}: ${b} → ${a}`];
  }
  return [`      ${path}: ${show(before, Infinity)} → ${show(after, Infinity)}`];
}

/** A value for display: JSON, except "[secret]" and absence which are spelt out. */
export function show(value: Json | undefined, max: number): string {
  if (value === undefined) return "(absent)";
  if (value === SECRET) return SECRET;
  if (typeof value === "string" && value.includes("\n")) {
    const n = value.split("\n").length;
    return `(text, ${n} lines)`;
  }
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

/** The differing middle of two long one-line strings, with a little context on each side. */
function excerpt(before: string, after: string, context = 24): [string, string] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  const from = Math.max(0, start - context);
  const cut = (s: string, end: number) => {
    const to = Math.min(s.length, end + context);
    return `${from > 0 ? "…" : ""}${s.slice(from, to)}${to < s.length ? "…" : ""}`;
  };
  return [JSON.stringify(cut(before, endB)), JSON.stringify(cut(after, endA))];
}

/**
 * Line diff of two texts: "- " removed, "+ " added, "  " context (one line
 * around each change), "  …" where unchanged lines are skipped.
 */
export function lineDiff(before: string, after: string, context = 1): string[] {
  // A final newline on both sides makes the last line a line like the others.
  const { hunks } = structuredPatch("", "", `${before}\n`, `${after}\n`, "", "", { context });
  const total = before.split("\n").length;
  const lines: string[] = [];
  let next = 1; // the first line of `before` not shown yet
  for (const h of hunks) {
    // A hunk that only inserts names the line it follows.
    const start = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
    if (start > next) lines.push("  …");
    for (const l of h.lines) lines.push(`${l[0]} ${l.slice(1)}`);
    next = start + h.oldLines;
  }
  if (next <= total) lines.push("  …");
  return lines;
}

// ---------------------------------------------------------------- helpers

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isContainer(v: Json | undefined): v is Json[] | { [key: string]: Json } {
  return (isObject(v) && Object.keys(v).length > 0) || (Array.isArray(v) && v.length > 0);
}

/** JSON with sorted keys: equal values give equal text. */
function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort(compare)
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/**
 * Position of every resource in a depth-first walk of the parent tree
 * (siblings in URN order), so a component is listed right before its children.
 */
function treeOrder(resources: PlanResource[]): Map<string, number> {
  const known = new Set(resources.map((r) => r.urn));
  const children = new Map<string | null, PlanResource[]>();
  for (const r of resources) {
    const parent = r.parent && known.has(r.parent) ? r.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const order = new Map<string, number>();
  const walk = (parent: string | null) => {
    for (const r of (children.get(parent) ?? []).sort((a, b) => compare(a.urn, b.urn))) {
      if (order.has(r.urn)) continue;
      order.set(r.urn, order.size);
      walk(r.urn);
    }
  };
  walk(null);
  return order;
}

function inTreeOrder<T extends { urn: string }>(items: T[], plan: PlanResource[]): T[] {
  const order = treeOrder(plan);
  const rank = (urn: string) => order.get(urn) ?? Number.MAX_SAFE_INTEGER;
  return [...items].sort((a, b) => rank(a.urn) - rank(b.urn) || compare(a.urn, b.urn));
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = key(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
