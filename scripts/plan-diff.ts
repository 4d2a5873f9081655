/**
 * Compares two offline renders (the DESIGN §6 JSON of one stack) and formats
 * the difference for a reviewer: resources added, removed and changed, with
 * every changed input as `path: old → new`. Pure: no files, no processes, so
 * it is unit-tested on its own; scripts/render-diff.ts does the rendering.
 *
 * Secrets arrive already redacted as "[secret]"; a secret that changed value
 * therefore shows no change, which is the price of a credential-free diff.
 */

import type { PlanDocument, PlanInvoke, PlanResource } from "../core/render/format";
import type { Json } from "../core/render/wire";

export type { Json, PlanDocument, PlanInvoke, PlanResource };

/** `undefined` on one side means the value is absent there. */
export interface ValueChange {
  readonly path: string;
  readonly before: Json | undefined;
  readonly after: Json | undefined;
}

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Changed inputs, one per leaf path. */
  readonly inputs: ValueChange[];
  /** Changed resource options: parent, provider, protect. */
  readonly options: ValueChange[];
  readonly dependsOnAdded: string[];
  readonly dependsOnRemoved: string[];
}

export interface StackDiff {
  readonly stack: string;
  readonly added: PlanResource[];
  readonly removed: PlanResource[];
  readonly changed: ResourceChange[];
  readonly outputs: ValueChange[];
  readonly invokesAdded: PlanInvoke[];
  readonly invokesRemoved: PlanInvoke[];
}

/** What render-diff learned about one stack: a diff, and/or why a side did not render. */
export interface StackReport {
  readonly stack: string;
  readonly diff?: StackDiff;
  /** The base did not render (for example the stack did not exist yet); the diff is then against an empty plan. */
  readonly baseError?: string;
  /** HEAD does not render: the change breaks the stack. */
  readonly headError?: string;
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
      dependsOn: Array.isArray(r["dependsOn"]) ? (r["dependsOn"] as unknown[]).map(String) : [],
      protect: r["protect"] === true,
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

export function emptyPlan(stack: string): PlanDocument {
  return { stack, resources: [], invokes: [], outputs: {} };
}

// ---------------------------------------------------------------- diffing

export function diffPlans(base: PlanDocument, head: PlanDocument): StackDiff {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const added = head.resources.filter((r) => !before.has(r.urn));
  const removed = base.resources.filter((r) => !after.has(r.urn));
  const changed: ResourceChange[] = [];
  for (const r of head.resources) {
    const old = before.get(r.urn);
    if (!old) continue;
    const change = diffResource(old, r);
    if (change) changed.push(change);
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
  };
}

export function hasChanges(d: StackDiff): boolean {
  return (
    d.added.length + d.removed.length + d.changed.length + d.outputs.length + d.invokesAdded.length + d.invokesRemoved.length > 0
  );
}

function diffResource(old: PlanResource, now: PlanResource): ResourceChange | undefined {
  const inputs = diffValues(withoutIgnored(old.inputs), withoutIgnored(now.inputs), "");
  const options: ValueChange[] = [];
  if (old.parent !== now.parent) options.push({ path: "parent", before: old.parent, after: now.parent });
  if (old.provider !== now.provider) options.push({ path: "provider", before: old.provider, after: now.provider });
  if (old.protect !== now.protect) options.push({ path: "protect", before: old.protect, after: now.protect });
  const oldDeps = new Set(old.dependsOn);
  const newDeps = new Set(now.dependsOn);
  const dependsOnAdded = [...newDeps].filter((d) => !oldDeps.has(d)).sort(compare);
  const dependsOnRemoved = [...oldDeps].filter((d) => !newDeps.has(d)).sort(compare);
  if (inputs.length + options.length + dependsOnAdded.length + dependsOnRemoved.length === 0) return undefined;
  return { urn: now.urn, type: now.type, name: now.name, inputs, options, dependsOnAdded, dependsOnRemoved };
}

/**
 * Leaf-level differences between two JSON values. Objects recurse by key;
 * arrays of objects that all carry a unique `name` recurse by that name (so an
 * insertion does not shift every later element); other arrays by index.
 * Strings holding a JSON object or array on both sides are compared as JSON.
 */
export function diffValues(before: Json | undefined, after: Json | undefined, path: string): ValueChange[] {
  if (before === undefined && after === undefined) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compare);
    return keys.flatMap((k) => diffValues(before[k], after[k], joinKey(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = namedIndex(before);
    const a = namedIndex(after);
    if (b && a && (b.size > 0 || a.size > 0)) {
      const names = [...new Set([...b.keys(), ...a.keys()])];
      // Keep the order of HEAD, then names only the base had.
      names.sort((x, y) => order(a, x) - order(a, y) || order(b, x) - order(b, y));
      return names.flatMap((n) => diffValues(b.get(n), a.get(n), `${path}[name=${n}]`));
    }
    const length = Math.max(before.length, after.length);
    const changes: ValueChange[] = [];
    for (let i = 0; i < length; i++) changes.push(...diffValues(before[i], after[i], `${path}[${i}]`));
    return changes;
  }
  if (typeof before === "string" && typeof after === "string" && before !== after) {
    const b = parseJsonText(before);
    const a = parseJsonText(after);
    if (b !== undefined && a !== undefined) return diffValues(b, a, `${path}⟨json⟩`);
  }
  // One side absent or a container: list the present side's leaves so every line is `path: old → new`.
  if (before === undefined && isContainer(after)) return leaves(after, path).map(([p, v]) => ({ path: p, before: undefined, after: v }));
  if (after === undefined && isContainer(before)) return leaves(before, path).map(([p, v]) => ({ path: p, before: v, after: undefined }));
  if (canonical(before ?? null) === canonical(after ?? null) && (before === undefined) === (after === undefined)) return [];
  return [{ path: path || "(value)", before, after }];
}

/** Every leaf of a value with its path; empty objects and arrays count as leaves. */
export function leaves(value: Json, path: string): [string, Json][] {
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => !IGNORED_INPUT_KEYS.has(k)).sort(compare);
    if (keys.length === 0) return [[path || "(value)", value]];
    return keys.flatMap((k) => leaves(value[k]!, joinKey(path, k)));
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return [[path || "(value)", value]];
    return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  }
  return [[path || "(value)", value]];
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
  return { stack, diff, ...(baseError !== undefined ? { baseError } : {}) };
}

// ---------------------------------------------------------------- formatting

export interface FormatOptions {
  /** Markdown for a PR comment / step summary: a heading and a ```diff block per stack. */
  readonly markdown?: boolean;
  /** Longest value shown for a listed (added/removed) input before it is shortened. */
  readonly maxValue?: number;
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
  const parts = [
    changed.length ? `changed: ${changed.join(", ")}` : "no stack changed",
    failing.length ? `FAILS TO RENDER: ${failing.join(", ")}` : "",
  ].filter(Boolean);
  return parts.join("; ");
}

export function formatStack(report: StackReport, options: FormatOptions = {}): string {
  const md = options.markdown === true;
  const d = report.diff;
  const counts = d ? `${d.added.length} to add, ${d.changed.length} to change, ${d.removed.length} to remove` : "";
  let headline: string;
  if (report.headError) headline = "does not render at HEAD";
  else if (d && !hasChanges(d)) headline = "no changes";
  else headline = counts;
  const lines: string[] = [md ? `### ${report.stack}: ${headline}` : `${report.stack}: ${headline}`];
  const notes: string[] = [];
  if (report.headError) notes.push(`HEAD render failed: ${report.headError}`);
  if (report.baseError) notes.push(`base did not render (${report.baseError}); HEAD is compared with an empty plan`);
  const body = d && hasChanges(d) ? formatDiffBody(d, options) : [];
  if (md) {
    for (const n of notes) lines.push("", `> ${n.replace(/\n/g, "\n> ")}`);
    if (body.length) lines.push("", "```diff", ...body.map(fenceSafe), "```");
  } else {
    for (const n of notes) lines.push(`  ! ${n.replace(/\n/g, "\n    ")}`);
    lines.push(...body);
  }
  return lines.join("\n");
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
  for (const c of d.changed) {
    lines.push(`~ ${label(c)}`);
    for (const ch of c.inputs) lines.push(...formatChange(ch));
    for (const ch of c.options) lines.push(`      (${ch.path}) ${show(ch.before, max)} → ${show(ch.after, max)}`);
    for (const dep of c.dependsOnAdded) lines.push(`      (dependsOn) + ${urnName(dep)}`);
    for (const dep of c.dependsOnRemoved) lines.push(`      (dependsOn) - ${urnName(dep)}`);
  }
  for (const r of d.removed) lines.push(`- ${label(r)}`);
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
 * around each change), "  …" where unchanged lines are skipped. LCS on the
 * part between the common prefix and suffix, which is small for real edits.
 */
export function lineDiff(before: string, after: string, context = 1): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  const ops: { op: " " | "-" | "+"; text: string }[] = [];
  for (const line of a.slice(0, pre)) ops.push({ op: " ", text: line });
  if (midA.length * midB.length > 4_000_000) {
    // Too large for LCS: show the whole middle as replaced.
    for (const line of midA) ops.push({ op: "-", text: line });
    for (const line of midB) ops.push({ op: "+", text: line });
  } else {
    ops.push(...lcsOps(midA, midB));
  }
  for (const line of a.slice(a.length - suf)) ops.push({ op: " ", text: line });

  const keep = ops.map((o) => o.op !== " ");
  const visible = ops.map((_, i) => {
    for (let j = Math.max(0, i - context); j <= Math.min(ops.length - 1, i + context); j++) if (keep[j]) return true;
    return false;
  });
  const lines: string[] = [];
  let skipped = false;
  ops.forEach((o, i) => {
    if (visible[i]) {
      if (skipped) lines.push("  …");
      skipped = false;
      lines.push(`${o.op} ${o.text}`);
    } else {
      skipped = true;
    }
  });
  if (skipped) lines.push("  …");
  return lines;
}

function lcsOps(a: string[], b: string[]): { op: " " | "-" | "+"; text: string }[] {
  const n = a.length;
  const m = b.length;
  // table[i][j] = LCS length of a[i..] and b[j..]
  const table: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const ops: { op: " " | "-" | "+"; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: " ", text: a[i]! });
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) {
      ops.push({ op: "-", text: a[i]! });
      i++;
    } else {
      ops.push({ op: "+", text: b[j]! });
      j++;
    }
  }
  while (i < n) ops.push({ op: "-", text: a[i++]! });
  while (j < m) ops.push({ op: "+", text: b[j++]! });
  return ops;
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
