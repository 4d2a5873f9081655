/**
 * What `render:diff` says about changes a provider performs by re-creating
 * the resource, on real renders of the talos stack before and after a config
 * edit, and on small plan pairs for the rules' edges. The provider behaviour
 * each case relies on is cited in scripts/diff-replacements.ts.
 */
import { describe, expect, it } from "vitest";
import { planToJson } from "../../core/render/format";
import { diffPlans, formatStack, parsePlanDocument, type PlanDocument, type StackDiff } from "../../scripts/plan-diff";
import { planDocument, planResource, render, type ConfigValues } from "../helpers/plan";

async function documentOf(edit?: (c: ConfigValues) => void): Promise<PlanDocument> {
  const view = await render("talos", edit ? { config: edit } : {});
  return parsePlanDocument(planToJson(view.plan));
}

async function talosDiff(edit: (c: ConfigValues) => void): Promise<StackDiff> {
  const [base, head] = await Promise.all([documentOf(), documentOf(edit)]);
  return diffPlans(base, head);
}

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const DOWNLOAD = "proxmoxve:download/file:File";

describe("replacements on real talos renders", () => {
  it("moving a node to another Proxmox host replaces its VM, an error while the VM is protected", async () => {
    const d = await talosDiff((c) => {
      c["nodes"].find((n: { name: string }) => n.name === "k8s-worker-1").host = "pve2";
    });
    const vm = d.changed.find((c) => c.type === VM && c.name === "k8s-worker-1-vm")!;
    expect(vm.inputs.find((i) => i.path === "nodeName")).toMatchObject({ before: "pve1", after: "pve2" });
    expect(vm.replace.map((r) => r.paths)).toContainEqual(["nodeName"]);
    expect(vm.replace[0]!.source).toContain("bpg/terraform-provider-proxmox");
    expect(d.errors.map((e) => e.urn)).toEqual([vm.urn]);
    expect(d.errors[0]!.message).toContain("replaces a protected resource");
    const text = formatStack({ stack: "talos", diff: d });
    expect(text).toMatch(/^\+- proxmoxve:index\/vmLegacy:VmLegacy {2}k8s-worker-1-vm {2}\(replace\)$/m);
    expect(text).toContain("error: proxmoxve:index/vmLegacy:VmLegacy  k8s-worker-1-vm replaces a protected resource");
  });

  it("a Talos version bump replaces the image downloads, and the VMs' ignored disk image shows nowhere", async () => {
    const d = await talosDiff((c) => {
      c["talos"].version = "v1.13.10";
    });
    const downloads = d.changed.filter((c) => c.type === DOWNLOAD);
    expect(downloads.length).toBeGreaterThan(0);
    for (const dl of downloads) expect(dl.replace.flatMap((r) => r.paths), dl.name).toEqual(expect.arrayContaining(["url"]));
    // Every VM's disks[0].fileId follows the new image; the VM ignores it.
    for (const vm of d.changed.filter((c) => c.type === VM)) {
      expect(vm.inputs.map((i) => i.path), vm.name).not.toContain("disks[0].fileId");
      expect(vm.replace, vm.name).toEqual([]);
    }
    expect(d.errors).toEqual([]);
    expect(formatStack({ stack: "talos", diff: d })).not.toContain("fileId");
  });

  it("a Kubernetes version bump replaces the upgrade command whose triggers changed", async () => {
    const d = await talosDiff((c) => {
      c["talos"].kubernetesVersion = "v1.35.5";
    });
    const upgrade = d.changed.find((c) => c.type === "command:local:Command" && c.name === "upgrades-kubernetes")!;
    expect(upgrade.inputs.some((i) => i.path.startsWith("triggers"))).toBe(true);
    expect(upgrade.replace[0]!.source).toBe("resource option");
    expect(formatStack({ stack: "talos", diff: d })).toMatch(/^\+- command:local:Command {2}upgrades-kubernetes {2}\(replace\)$/m);
  });
});

describe("replacement rules", () => {
  it("ignoreChanges with an index leaves out that element only", () => {
    const disks = (a: string, b: string) => ({ disks: [{ fileId: a }, { fileId: b }] });
    const opts = { ignoreChanges: ["disks[0].fileId"] };
    const d = diffPlans(planDocument([planResource("vm", disks("a", "b"), { type: VM, ...opts })]), planDocument([planResource("vm", disks("A", "B"), { type: VM, ...opts })]));
    expect(d.changed[0]!.inputs.map((i) => i.path)).toEqual(["disks[1].fileId"]);
    expect(d.changed[0]!.ignored.map((i) => i.path)).toEqual(["disks[0].fileId"]);
    // disks[*].fileId forces a new VM, and the second disk is not ignored.
    expect(d.changed[0]!.replace.map((r) => r.paths)).toEqual([["disks[1].fileId"]]);
  });

  it("a change only under ignoreChanges is no change at all", () => {
    const opts = { ignoreChanges: ["talosVersion"] };
    const d = diffPlans(
      planDocument([planResource("s", { talosVersion: "v1.12" }, { type: "talos:machine/secrets:Secrets", ...opts })]),
      planDocument([planResource("s", { talosVersion: "v1.11" }, { type: "talos:machine/secrets:Secrets", ...opts })]),
    );
    expect(d.changed).toEqual([]);
  });

  it("a VM moved with migrate: true is updated in place", () => {
    const d = diffPlans(planDocument([planResource("vm", { nodeName: "pve1", migrate: true }, { type: VM })]), planDocument([planResource("vm", { nodeName: "pve2", migrate: true }, { type: VM })]));
    expect(d.changed[0]!.replace).toEqual([]);
  });

  it("Talos machine secrets are replaced when talosVersion goes down, not up", () => {
    const secrets = (v: string) => planDocument([planResource("s", { talosVersion: v }, { type: "talos:machine/secrets:Secrets" })]);
    expect(diffPlans(secrets("v1.12"), secrets("v1.13")).changed[0]!.replace).toEqual([]);
    expect(diffPlans(secrets("v1.12"), secrets("v1.11")).changed[0]!.replace.map((r) => r.paths)).toEqual([["talosVersion"]]);
  });

  it("a resource's own replaceOnChanges matches wildcards", () => {
    const opts = { replaceOnChanges: ["spec.ports[*].port"] };
    const svc = (port: number, name: string) => planResource("t", { spec: { ports: [{ port, name }] } }, { type: "test:index:Thing", ...opts });
    expect(diffPlans(planDocument([svc(80, "a")]), planDocument([svc(81, "a")])).changed[0]!.replace).toHaveLength(1);
    expect(diffPlans(planDocument([svc(80, "a")]), planDocument([svc(80, "b")])).changed[0]!.replace).toEqual([]);
  });

  it("Kubernetes objects are replaced on a new name or namespace, Secrets also on new data", () => {
    const ns = (name: string) => planResource("ns", { metadata: { name, labels: { a: name } } }, { type: "kubernetes:core/v1:Namespace" });
    expect(diffPlans(planDocument([ns("a")]), planDocument([ns("b")])).changed[0]!.replace.map((r) => r.paths)).toEqual([["metadata.name"]]);
    const secret = (v: string) => planResource("s", { metadata: { name: "x" }, stringData: { token: v } }, { type: "kubernetes:core/v1:Secret" });
    expect(diffPlans(planDocument([secret("a")]), planDocument([secret("b")])).changed[0]!.replace.map((r) => r.paths)).toEqual([["stringData.token"]]);
    const label = (v: string) => planResource("ns", { metadata: { name: "x", labels: { a: v } } }, { type: "kubernetes:core/v1:Namespace" });
    expect(diffPlans(planDocument([label("a")]), planDocument([label("b")])).changed[0]!.replace).toEqual([]);
  });

  it("a Cloudflare record changing type is replaced; new content is an update", () => {
    const rec = (type: string, content: string) => planResource("r", { name: "x", type, content, zoneId: "z" }, { type: "cloudflare:index/dnsRecord:DnsRecord" });
    expect(diffPlans(planDocument([rec("A", "1.2.3.4")]), planDocument([rec("AAAA", "::1")])).changed[0]!.replace.map((r) => r.paths)).toEqual([["type"]]);
    expect(diffPlans(planDocument([rec("A", "1.2.3.4")]), planDocument([rec("A", "1.2.3.5")])).changed[0]!.replace).toEqual([]);
  });

  it("a generated password with new rules is a new password", () => {
    const pw = (length: number) => planResource("pw", { length, special: false }, { type: "random:index/randomPassword:RandomPassword" });
    expect(diffPlans(planDocument([pw(32)]), planDocument([pw(40)])).changed[0]!.replace.map((r) => r.paths)).toEqual([["length"]]);
  });

  it("replacing a resource that is unprotected in the same change is allowed, as the engine allows it", () => {
    const vm = (node: string, protect: boolean) => planResource("vm", { nodeName: node }, { type: VM, protect });
    expect(diffPlans(planDocument([vm("pve1", true)]), planDocument([vm("pve2", true)])).errors).toHaveLength(1);
    expect(diffPlans(planDocument([vm("pve1", true)]), planDocument([vm("pve2", false)])).errors).toEqual([]);
  });

  it("deleting a protected resource is an error; a rename by alias is neither a delete nor a create", () => {
    const old = planResource("old", { nodeName: "pve1" }, { type: VM, protect: true });
    const gone = diffPlans(planDocument([old]), planDocument([]));
    expect(gone.errors.map((e) => e.message)).toEqual([expect.stringContaining("deletes a protected resource")]);
    const renamed = planResource("new", { nodeName: "pve1" }, { type: VM, protect: true, aliases: [old.urn] });
    const d = diffPlans(planDocument([old]), planDocument([renamed]));
    expect([d.added, d.removed, d.errors]).toEqual([[], [], []]);
    expect(d.changed[0]!.renamedFrom).toBe(old.urn);
  });

  it("lists changed options", () => {
    const d = diffPlans(planDocument([planResource("vm", {}, { type: VM })]), planDocument([planResource("vm", {}, { type: VM, retainOnDelete: true, ignoreChanges: ["tags"] })]));
    expect(d.changed[0]!.options.map((o) => [o.path, o.before, o.after])).toEqual([
      ["ignoreChanges", [], ["tags"]],
      ["retainOnDelete", false, true],
    ]);
  });
});
