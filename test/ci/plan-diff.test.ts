/**
 * The render diff reviewers read on pull requests: what it reports as added,
 * removed and changed, and how it prints it.
 */
import { describe, expect, it } from "vitest";
import {
  diffPlans,
  formatReport,
  formatStack,
  hasChanges,
  lineDiff,
  parsePlanDocument,
  reportFor,
  type Json,
  type PlanDocument,
} from "../../scripts/plan-diff";
import { planDocument, planResource, TALOS_URN } from "../helpers/plan";

const vm = (memory: number, extra: Record<string, Json> = {}) =>
  planResource("k8s-worker-1", { name: "k8s-worker-1", memory: { dedicated: memory, floating: 8192 }, tags: ["k8s", "worker"], ...extra });

describe("diffPlans", () => {
  it("reports nothing for identical plans", () => {
    const d = diffPlans(planDocument([vm(16384)]), planDocument([vm(16384)]));
    expect(hasChanges(d)).toBe(false);
    expect(formatStack({ stack: "talos", diff: d })).toBe("talos: no changes");
  });

  it("names the changed input by its path with old and new value", () => {
    const d = diffPlans(planDocument([vm(16384)]), planDocument([vm(20480)]));
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]!.name).toBe("k8s-worker-1");
    expect(d.changed[0]!.inputs).toEqual([{ path: "memory.dedicated", at: ["memory", "dedicated"], before: 16384, after: 20480 }]);
  });

  it("lists added and removed resources by URN, with the added resource's inputs", () => {
    const base = planDocument([vm(16384), planResource("k8s-worker-2", { cores: 8 })]);
    const head = planDocument([vm(16384), planResource("k8s-gpu-1", { cores: 16, hostpci: [{ mapping: "rtx-4090" }] })]);
    const d = diffPlans(base, head);
    expect(d.added.map((r) => r.name)).toEqual(["k8s-gpu-1"]);
    expect(d.removed.map((r) => r.name)).toEqual(["k8s-worker-2"]);
    const text = formatStack({ stack: "talos", diff: d });
    expect(text).toContain("talos: 1 to add, 0 to change, 0 to replace, 1 to remove");
    expect(text).toContain("+ proxmoxve:index/vmLegacy:VmLegacy  k8s-gpu-1\n      cores: 16\n      hostpci[0].mapping: \"rtx-4090\"");
    expect(text).toContain("- proxmoxve:index/vmLegacy:VmLegacy  k8s-worker-2");
  });

  it("keeps secrets redacted and shows a value becoming secret", () => {
    const base = planDocument([planResource("token", { value: "plain", other: "[secret]" })]);
    const head = planDocument([planResource("token", { value: "[secret]", other: "[secret]" })]);
    const [line] = formatStack({ stack: "talos", diff: diffPlans(base, head) }).split("\n").filter((l) => l.includes("value:"));
    expect(line?.trim()).toBe('value: "plain" → [secret]');
  });

  it("shows inputs that appear or disappear as (absent)", () => {
    const d = diffPlans(planDocument([vm(16384)]), planDocument([vm(16384, { cpu: { cores: 4, type: "host" } })]));
    expect(d.changed[0]!.inputs).toEqual([
      { path: "cpu.cores", at: ["cpu", "cores"], before: undefined, after: 4 },
      { path: "cpu.type", at: ["cpu", "type"], before: undefined, after: "host" },
    ]);
    expect(formatStack({ stack: "talos", diff: d })).toContain("cpu.cores: (absent) → 4");
  });

  it("matches list entries by name, so an insertion does not shift the rest", () => {
    const ports = (list: string[]) => planResource("fw", { rules: list.map((name, i) => ({ name, port: 1000 + (name === "ssh" ? 22 : i) })) });
    const d = diffPlans(planDocument([ports(["http", "ssh"])]), planDocument([ports(["dns", "http", "ssh"])]));
    const paths = d.changed[0]!.inputs.map((c) => c.path);
    expect(paths).toEqual(["rules[name=dns].name", "rules[name=dns].port", "rules[name=http].port"]);
  });

  it("compares JSON text inputs structurally", () => {
    const json = (replicas: number) => JSON.stringify({ spec: { replicas, image: "x" } });
    const d = diffPlans(planDocument([planResource("app", { manifest: json(1) })]), planDocument([planResource("app", { manifest: json(3) })]));
    expect(d.changed[0]!.inputs).toEqual([{ path: "manifest⟨json⟩.spec.replicas", at: ["manifest", "spec", "replicas"], before: 1, after: 3 }]);
  });

  it("prints multi-line text (machine configs, cloud-init) as a line diff", () => {
    const cfg = (ver: string) => ["machine:", "  install:", `    image: factory.talos.dev/installer:${ver}`, "  kubelet: {}", "cluster:", "  name: lab"].join("\n");
    const d = diffPlans(planDocument([planResource("cp", { config: cfg("v1.11.1") })]), planDocument([planResource("cp", { config: cfg("v1.11.2") })]));
    const text = formatStack({ stack: "talos", diff: d });
    expect(text).toContain("      config: text changed");
    expect(text).toMatch(/^- +image: factory\.talos\.dev\/installer:v1\.11\.1$/m);
    expect(text).toMatch(/^\+ +image: factory\.talos\.dev\/installer:v1\.11\.2$/m);
    expect(text).not.toContain("name: lab"); // far from the change: elided
  });

  it("reports changed options: protect, provider and dependencies", () => {
    const dep = `${TALOS_URN}::talos:machine/bootstrap:Bootstrap::cluster`;
    const d = diffPlans(planDocument([vm(1)]), planDocument([planResource("k8s-worker-1", vm(1).inputs, { protect: true, dependsOn: [dep] })]));
    const text = formatStack({ stack: "talos", diff: d });
    expect(text).toContain("(protect) false → true");
    expect(text).toContain("(dependsOn) + cluster");
  });

  it("diffs outputs and invokes", () => {
    const base = planDocument([], { endpoint: "https://10.10.0.10:6443", kubeconfig: "[secret]" }, [{ token: "cloudflare:index/getZone:getZone", args: { name: "a" } }]);
    const head = planDocument([], { endpoint: "https://10.10.0.11:6443", kubeconfig: "[secret]" }, [{ token: "cloudflare:index/getZone:getZone", args: { name: "b" } }]);
    const d = diffPlans(base, head);
    expect(d.outputs).toEqual([{ path: "endpoint", at: ["endpoint"], before: "https://10.10.0.10:6443", after: "https://10.10.0.11:6443" }]);
    expect(d.invokesAdded).toEqual([{ token: "cloudflare:index/getZone:getZone", args: { name: "b" } }]);
    expect(d.invokesRemoved).toHaveLength(1);
  });

  it("ignores the SDKs' __defaults bookkeeping", () => {
    const d = diffPlans(planDocument([planResource("a", { x: 1, __defaults: [] })]), planDocument([planResource("a", { x: 1, __defaults: ["name"] })]));
    expect(hasChanges(d)).toBe(false);
  });

  it("lists a component before its children", () => {
    const parent = planResource("edge", {}, { type: "homelab:cloudflare:HostRecords" });
    const child = planResource("edge-a", { content: "1.2.3.4" }, { type: "cloudflare:index/dnsRecord:DnsRecord", parent: parent.urn, urn: `${TALOS_URN}::homelab:cloudflare:HostRecords$cloudflare:index/dnsRecord:DnsRecord::edge-a` });
    const text = formatStack({ stack: "talos", diff: diffPlans(planDocument([]), planDocument([child, parent])) });
    expect(text.indexOf("HostRecords  edge")).toBeLessThan(text.indexOf("DnsRecord  edge-a"));
  });
});

describe("reports", () => {
  const ok = (p: PlanDocument) => ({ plan: p });

  it("compares a stack that did not render at base with an empty plan, and says so", () => {
    const r = reportFor("talos", { error: "unknown stack" }, ok(planDocument([vm(1)])));
    expect(r.diff?.added).toHaveLength(1);
    expect(formatStack(r)).toContain("base did not render (unknown stack); HEAD is compared with an empty plan");
  });

  it("flags a stack that no longer renders at HEAD", () => {
    const r = reportFor("talos", ok(planDocument([vm(1)])), { error: "Invalid config:\n  nodes[1].ip: outside subnet" });
    expect(r.diff).toBeUndefined();
    const text = formatReport("diff", [r]);
    expect(text).toContain("FAILS TO RENDER: talos");
    expect(text).toContain("talos: does not render at HEAD");
    expect(text).toContain("nodes[1].ip: outside subnet");
  });

  it("renders markdown with a heading and a diff block per stack", () => {
    const text = formatReport("Offline render diff", [reportFor("talos", ok(planDocument([vm(1)])), ok(planDocument([vm(2)]))), reportFor("platform", ok(planDocument([])), ok(planDocument([])))], { markdown: true });
    expect(text).toContain("## Offline render diff\n\nchanged: talos\n");
    expect(text).toContain("### talos: 0 to add, 1 to change, 0 to replace, 0 to remove\n\n```diff\n~ proxmoxve:index/vmLegacy:VmLegacy  k8s-worker-1\n      memory.dedicated: 1 → 2\n```");
    expect(text).toContain("### platform: no changes");
  });
});

describe("parsePlanDocument", () => {
  it("reads the render's JSON document", () => {
    const doc = parsePlanDocument(JSON.stringify({ stack: "talos", resources: [vm(1)], invokes: [], outputs: { a: 1 } }));
    expect(doc.resources[0]!.inputs).toEqual(vm(1).inputs);
    expect(doc.outputs).toEqual({ a: 1 });
  });

  it("rejects something that is not a render", () => {
    expect(() => parsePlanDocument('{"resources": 3}')).toThrow(/not a render document/);
  });
});

describe("lineDiff", () => {
  it("marks removed and added lines with one line of context", () => {
    expect(lineDiff("a\nb\nc\nd\ne", "a\nb\nC\nd\ne")).toEqual(["  …", "  b", "- c", "+ C", "  d", "  …"]);
  });
});
