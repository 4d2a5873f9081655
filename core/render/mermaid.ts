/**
 * A picture of a plan for reviewers: a Mermaid flowchart (GitHub draws
 * ```mermaid blocks in comments and Markdown files) of resources and their
 * dependencies. Components are subgraphs holding their children; an arrow
 * runs from a dependency to the resource that waits for it, so the chart
 * reads in creation order. Provider resources and provider references are
 * left out: every resource has one, and they would hide the rest.
 *
 * Node ids are generated (`r0`, `r1`, … in URN order), never taken from
 * URNs, so no name can break the syntax; labels are quoted with Mermaid's
 * entity codes for the characters that end a label. Same resources, same
 * text: the chart is as deterministic as the plan.
 */
import { compareText } from "../compare";

/** What a chart needs of a resource: the render document's fields. */
export interface GraphResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly dependsOn: readonly string[];
}

export type Mark = "add" | "change" | "replace" | "remove";

export interface MermaidOptions {
  /** How each resource is affected by a change; drawn as a colour and a sign. */
  readonly marks?: ReadonlyMap<string, Mark>;
}

const SIGN: Record<Mark, string> = { add: "+ ", change: "~ ", replace: "+- ", remove: "- " };

const CLASSES = [
  "classDef add fill:#dafbe1,stroke:#1a7f37,color:#1a7f37",
  "classDef change fill:#fff8c5,stroke:#9a6700,color:#633c01",
  "classDef replace fill:#ffebe9,stroke:#cf222e,color:#82071e,stroke-width:2px",
  "classDef remove fill:#f6f8fa,stroke:#cf222e,color:#82071e,stroke-dasharray:4",
];

/** Text safe inside a quoted Mermaid label: the characters that would end or reinterpret it as entity codes. */
export function mermaidLabel(text: string): string {
  return text.replace(/[#"<>&`]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** The last part of a type token: `VmLegacy` for `proxmoxve:index/vmLegacy:VmLegacy`. */
function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}

const isProvider = (r: GraphResource) => r.type.startsWith("pulumi:providers:");

/** A Mermaid flowchart of the resources and the dependencies among them. */
export function planToMermaid(resources: readonly GraphResource[], options: MermaidOptions = {}): string {
  const shown = [...resources].filter((r) => !isProvider(r)).sort((a, b) => compareText(a.urn, b.urn));
  const id = new Map(shown.map((r, i) => [r.urn, `r${i}`]));
  const children = new Map<string | null, GraphResource[]>();
  for (const r of shown) {
    const parent = r.parent && id.has(r.parent) ? r.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const marks = options.marks ?? new Map<string, Mark>();
  const label = (r: GraphResource) => {
    const mark = marks.get(r.urn);
    return `"${mark ? SIGN[mark] : ""}${mermaidLabel(r.name)}<br/>${mermaidLabel(shortType(r.type))}"`;
  };
  const lines = ["flowchart LR"];
  const walk = (parent: string | null, indent: string) => {
    for (const r of children.get(parent) ?? []) {
      if (children.has(r.urn)) {
        lines.push(`${indent}subgraph ${id.get(r.urn)!}[${label(r)}]`);
        walk(r.urn, `${indent}  `);
        lines.push(`${indent}end`);
      } else {
        lines.push(`${indent}${id.get(r.urn)!}[${label(r)}]`);
      }
    }
  };
  walk(null, "  ");
  const edges = new Set<string>();
  for (const r of shown) {
    for (const dep of r.dependsOn) {
      // The parent encloses its children already.
      if (dep === r.parent || !id.has(dep)) continue;
      edges.add(`  ${id.get(dep)!} --> ${id.get(r.urn)!}`);
    }
  }
  lines.push(...[...edges].sort(compareText));
  const byMark = new Map<Mark, string[]>();
  for (const r of shown) {
    const mark = marks.get(r.urn);
    if (mark) byMark.set(mark, [...(byMark.get(mark) ?? []), id.get(r.urn)!]);
  }
  if (byMark.size > 0) {
    lines.push(...CLASSES.map((c) => `  ${c}`));
    for (const mark of ["add", "change", "replace", "remove"] as const) {
      const ids = byMark.get(mark);
      if (ids) lines.push(`  class ${ids.join(",")} ${mark}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
