/**
 * The Mermaid picture of a plan (`render --mermaid`, `render:diff --mermaid`
 * in the PR comment): only the syntax GitHub's renderer accepts, names that
 * cannot break it, dependencies in the right direction, the same text for
 * the same plan, and for a change only the part it touches.
 */
import { describe, expect, it } from "vitest";
import { planToJson } from "../../core/render/format";
import { planToMermaid, type GraphResource } from "../../core/render/mermaid";
import { diffPlans, formatReport, parsePlanDocument, reportFor } from "../../scripts/plan-diff";
import { planDocument, planResource, render, TALOS_URN } from "../helpers/plan";

/**
 * Checks a chart against the part of Mermaid's flowchart grammar the module
 * writes: a header, balanced subgraphs, nodes with quoted labels free of raw
 * quotes and brackets' closers, edges between declared ids, class lines.
 * Returns the ids and edges it read.
 */
function parseChart(text: string): { nodes: Map<string, string>; edges: [string, string][]; classes: Map<string, string> } {
  const lines = text.trimEnd().split("\n");
  expect(lines[0]).toBe("flowchart LR");
  const nodes = new Map<string, string>();
  const edges: [string, string][] = [];
  const classes = new Map<string, string>();
  let depth = 0;
  const LABEL = /"((?:[^"<>&#]|#\d+;|<br\/>)*)"/.source;
  for (const line of lines.slice(1)) {
    const t = line.trim();
    let m: RegExpMatchArray | null;
    if ((m = t.match(new RegExp(`^subgraph (r\\d+)\\[${LABEL}\\]$`)))) {
      depth++;
      expect(nodes.has(m[1]!), `id ${m[1]} declared twice`).toBe(false);
      nodes.set(m[1]!, m[2]!);
    } else if (t === "end") {
      depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    } else if ((m = t.match(new RegExp(`^(r\\d+)\\[${LABEL}\\]$`)))) {
      expect(nodes.has(m[1]!), `id ${m[1]} declared twice`).toBe(false);
      nodes.set(m[1]!, m[2]!);
    } else if ((m = t.match(/^(r\d+) --> (r\d+)$/))) {
      edges.push([m[1]!, m[2]!]);
    } else if ((m = t.match(/^classDef (add|change|replace|remove) [\w#:,.-]+$/))) {
      // a style
    } else if ((m = t.match(/^class (r\d+(?:,r\d+)*) (add|change|replace|remove)$/))) {
      for (const id of m[1]!.split(",")) classes.set(id, m[2]!);
    } else {
      throw new Error(`not in the flowchart grammar: ${JSON.stringify(line)}`);
    }
  }
  expect(depth).toBe(0);
  for (const [a, b] of edges) expect([nodes.has(a), nodes.has(b)], `${a} --> ${b}`).toEqual([true, true]);
  for (const id of classes.keys()) expect(nodes.has(id), id).toBe(true);
  return { nodes, edges, classes };
}

const node = (type: string, name: string, extra: Partial<GraphResource> = {}): GraphResource => ({
  urn: `${TALOS_URN}::${type}::${name}`,
  type,
  name,
  parent: null,
  dependsOn: [],
  ...extra,
});

describe("planToMermaid", () => {
  it("escapes names that would end a label or inject markup", () => {
    const hostile = node("test:index:Thing", 'a"b]<img src=x>#c&d`');
    const { nodes } = parseChart(planToMermaid([hostile]));
    expect([...nodes.values()]).toEqual(["a#34;b]#60;img src=x#62;#35;c#38;d#96;<br/>Thing"]);
  });

  it("draws dependencies from the dependency to its dependent, children inside their component, no providers", () => {
    const provider = node("pulumi:providers:proxmoxve", "pve");
    const group = node("homelab:talos:Node", "cp-1");
    const image = node("proxmoxve:download/file:File", "image");
    const vm = node("proxmoxve:index/vmLegacy:VmLegacy", "cp-1-vm", { parent: group.urn, dependsOn: [image.urn, provider.urn, group.urn] });
    const text = planToMermaid([vm, provider, image, group]);
    const { nodes, edges } = parseChart(text);
    const id = (name: string) => [...nodes].find(([, label]) => label.startsWith(`${name}<br/>`))![0];
    expect(edges).toEqual([[id("image"), id("cp-1-vm")]]);
    expect([...nodes.values()].some((l) => l.startsWith("pve<br/>"))).toBe(false);
    expect(text).toMatch(new RegExp(`subgraph ${id("cp-1")}\\[[^\\n]*\\]\\n +${id("cp-1-vm")}\\[`));
  });

  it("is the same text whatever order the resources come in", () => {
    const rs = [node("t:i:A", "a"), node("t:i:B", "b", { dependsOn: [`${TALOS_URN}::t:i:A::a`] }), node("t:i:C", "c", { dependsOn: [`${TALOS_URN}::t:i:B::b`] })];
    expect(planToMermaid([...rs].reverse())).toBe(planToMermaid(rs));
  });

  it("draws a whole stack: every resource but the providers, every dependency between them", async () => {
    const plan = (await render("talos")).plan;
    const { nodes, edges } = parseChart(planToMermaid(plan.resources));
    expect(nodes.size).toBe(plan.resources.filter((r) => !r.type.startsWith("pulumi:providers:")).length);
    expect(edges.length).toBeGreaterThan(10);
  });
});

describe("the chart of a change (render:diff --mermaid)", () => {
  const image = planResource("image", { url: "a" }, { type: "proxmoxve:download/file:File" });
  const vm = (node: string) => planResource("vm", { nodeName: node }, { dependsOn: [image.urn] });
  const config = planResource("config", { node: "10.0.0.1" }, { type: "talos:machine/configurationApply:ConfigurationApply", dependsOn: [vm("x").urn] });
  const unrelated = planResource("other", { a: 1 });

  it("shows the changed resources with their neighbours, marked, and leaves the rest out", () => {
    const report = reportFor("talos", { plan: planDocument([image, vm("pve1"), config, unrelated]) }, { plan: planDocument([image, vm("pve2"), config, unrelated]) });
    const text = formatReport("diff", [report], { markdown: true, mermaid: true });
    const chart = text.slice(text.indexOf("```mermaid\n") + "```mermaid\n".length, text.indexOf("```", text.indexOf("```mermaid\n") + 3));
    const { nodes, classes } = parseChart(chart);
    const names = new Map([...nodes].map(([id, label]) => [label.replace(/^(\+- |~ |\+ |- )/, "").split("<br/>")[0]!, id]));
    expect([...names.keys()].sort()).toEqual(["config", "image", "vm"]);
    expect(classes.get(names.get("vm")!)).toBe("replace");
    expect(nodes.get(names.get("vm")!)).toMatch(/^\+- vm/);
    expect(classes.has(names.get("image")!)).toBe(false);
    expect(text).toContain("<details><summary>Graph of the change</summary>");
  });

  it("draws nothing for a stack without changes, or without --mermaid", () => {
    const same = reportFor("talos", { plan: planDocument([image]) }, { plan: planDocument([image]) });
    expect(formatReport("diff", [same], { markdown: true, mermaid: true })).not.toContain("mermaid");
    const changed = reportFor("talos", { plan: planDocument([image, vm("pve1")]) }, { plan: planDocument([image, vm("pve2")]) });
    expect(formatReport("diff", [changed], { markdown: true })).not.toContain("mermaid");
  });

  it("charts a real change of a rendered stack", async () => {
    const base = parsePlanDocument(planToJson((await render("talos")).plan));
    const head = parsePlanDocument(planToJson((await render("talos", { config: (c) => void (c["talos"].version = "v1.13.10") })).plan));
    const d = diffPlans(base, head);
    const text = formatReport("diff", [{ stack: "talos", diff: d, head }], { markdown: true, mermaid: true });
    const start = text.indexOf("```mermaid\n") + "```mermaid\n".length;
    const { classes } = parseChart(text.slice(start, text.indexOf("```", start)));
    expect([...classes.values()]).toContain("replace");
  });
});
