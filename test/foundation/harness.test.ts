/**
 * The render harness is what reviewers without credentials see. These tests
 * pin what it captures: implicit dependencies, secrecy, options, determinism.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { planToJson, planToText } from "../../core/render/format";
import { captureStack, renderStack, type Plan } from "../../core/render/harness";
import { STACK_NAMES } from "../../core/stacks";
import { FIXTURE_CONFIG_DIR } from "../helpers/fixtures";

const run = promisify(execFile);

/**
 * Each stack rendered once from the fixture config, for the tests below that
 * only read such a render: a render is pure data, and rendering the same
 * config again in this process gives the same plan (the last test checks
 * exactly that against a fresh process).
 */
const fixturePlans = new Map<string, Promise<Plan>>();
function fixturePlan(stack: string): Promise<Plan> {
  if (!fixturePlans.has(stack)) fixturePlans.set(stack, renderStack(stack, { configDir: FIXTURE_CONFIG_DIR }));
  return fixturePlans.get(stack)!;
}

class Thing extends pulumi.CustomResource {
  constructor(name: string, props: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, props, opts);
  }
}

class Group extends pulumi.ComponentResource {
  readonly child: Thing;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:test:Group", name, {}, opts);
    this.child = new Thing(`${name}-child`, { size: 1 }, { parent: this });
    this.registerOutputs({});
  }
}

async function program() {
  const a = new Thing("a", { password: pulumi.secret("hunter2"), plain: "x" }, { protect: true });
  // b uses an output of a as an input: an implicit dependency the engine sees.
  const b = new Thing("b", { fromA: a.id }, { deleteBeforeReplace: true, retainOnDelete: true });
  const group = new Group("g", { dependsOn: [b] });
  const c = new Thing("c", {}, { dependsOn: [group] });
  return { aId: a.id, secret: pulumi.secret("s3cret"), plain: "value", nested: { n: 1 }, c: c.urn };
}

describe("captured plan", () => {
  it("records dependencies implied by Output inputs, not only explicit dependsOn", async () => {
    const plan = await renderStack("talos", { program });
    const a = plan.resources.find((r) => r.name === "a")!;
    const b = plan.resources.find((r) => r.name === "b")!;
    expect(b.dependsOn).toEqual([a.urn]);
    expect(b.propertyDependencies["fromA"]).toEqual([a.urn]);
  });

  it("expands dependsOn on a component to its children, as the engine does", async () => {
    const plan = await renderStack("talos", { program });
    const g = plan.resources.find((r) => r.name === "g")!;
    const child = plan.resources.find((r) => r.name === "g-child")!;
    const c = plan.resources.find((r) => r.name === "c")!;
    expect(child.parent).toBe(g.urn);
    expect(child.urn).toBe("urn:pulumi:talos::homelab::homelab:test:Group$test:index:Thing::g-child");
    expect(c.dependsOn).toContain(child.urn);
  });

  it("redacts secret inputs and outputs as [secret] but keeps them for assertions", async () => {
    const plan = await renderStack("talos", { program });
    const a = plan.resources.find((r) => r.name === "a")!;
    expect(a.inputs).toEqual({ password: "[secret]", plain: "x" });
    expect(a.values["password"]).toBe("hunter2");
    expect(a.secretPaths).toEqual(["password"]);
    expect(plan.outputs["secret"]).toBe("[secret]");
    expect(plan.secretOutputs).toEqual(["secret"]);
    expect(plan.outputValues["secret"]).toBe("s3cret");
    const json = planToJson(plan);
    expect(json).not.toContain("hunter2");
    expect(json).not.toContain("s3cret");
    expect(planToText(plan)).not.toContain("hunter2");
  });

  it("records protect, retainOnDelete and deleteBeforeReplace", async () => {
    const plan = await renderStack("talos", { program });
    const a = plan.resources.find((r) => r.name === "a")!;
    const b = plan.resources.find((r) => r.name === "b")!;
    expect([a.protect, a.retainOnDelete, a.deleteBeforeReplace]).toEqual([true, false, false]);
    expect([b.protect, b.retainOnDelete, b.deleteBeforeReplace]).toEqual([false, true, true]);
  });

  it("reports an unmocked invoke as an error instead of inventing a result", async () => {
    const capture = await captureStack("talos", {
      program: async () => ({ x: pulumi.runtime.invokeOutput("nope:index:getNothing", {}) }),
    });
    expect(String(capture.error)).toContain("no mock for invoke nope:index:getNothing");
  });
});

describe("JSON render (docs/render.md)", () => {
  it("has exactly the documented shape", async () => {
    const doc = JSON.parse(planToJson(await renderStack("talos", { program })));
    expect(Object.keys(doc)).toEqual(["stack", "resources", "invokes", "outputs"]);
    expect(Object.keys(doc.resources[0])).toEqual([
      "urn", "type", "name", "parent", "provider", "dependsOn", "protect",
      "ignoreChanges", "replaceOnChanges", "deleteBeforeReplace", "retainOnDelete", "import", "aliases",
      "inputs",
    ]);
    expect(doc.stack).toBe("talos");
  });

  it("carries every resource's options, aliases as the URNs they name", async () => {
    const plan = await renderStack("talos", {
      program: async () => {
        const g = new Group("g");
        new Thing("opts", { x: 1 }, {
          parent: g,
          ignoreChanges: ["disks[0].fileId"],
          replaceOnChanges: ["url"],
          deleteBeforeReplace: true,
          retainOnDelete: true,
          import: "pve1/1101",
          aliases: [{ name: "old-name" }, { name: "older", parent: pulumi.rootStackResource }, "urn:pulumi:talos::homelab::test:index:Thing::by-urn"],
        });
        return {};
      },
    });
    const doc = JSON.parse(planToJson(plan)) as { resources: Record<string, unknown>[] };
    const r = doc.resources.find((x) => x["name"] === "opts")!;
    expect(r).toMatchObject({
      ignoreChanges: ["disks[0].fileId"],
      replaceOnChanges: ["url"],
      deleteBeforeReplace: true,
      retainOnDelete: true,
      import: "pve1/1101",
      aliases: [
        "urn:pulumi:talos::homelab::homelab:test:Group$test:index:Thing::old-name",
        "urn:pulumi:talos::homelab::test:index:Thing::older",
        "urn:pulumi:talos::homelab::test:index:Thing::by-urn",
      ],
    });
    expect(doc.resources.find((x) => x["name"] === "g-child")).toMatchObject({ ignoreChanges: [], import: null, aliases: [] });
    const text = planToText(plan);
    expect(text).toContain("opts [retain delete-before-replace ignore:disks[0].fileId replace-on:url import:pve1/1101 aliases:");
  });

});

describe("failures inside the program", () => {
  it("reports an error thrown inside an apply that feeds a resource", async () => {
    const capture = await captureStack("talos", {
      program: async () => {
        const a = new Thing("a", {});
        new Thing("b", { x: a.id.apply((): string => { throw new Error("boom in apply"); }) });
        return {};
      },
    });
    expect(String(capture.error)).toContain("boom in apply");
  });

  it("captures read resources such as stack references", async () => {
    const plan = await renderStack("talos", {
      program: async () => ({ ip: new pulumi.StackReference("example-org/homelab/hetzner").getOutput("ipv4") }),
    });
    const ref = plan.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!;
    expect(ref.readId).toBe("example-org/homelab/hetzner");
    expect(plan.outputs["ip"]).toBe("203.0.113.124");
  });
});

describe("invoke arguments", () => {
  it("keeps secret arguments as [secret] although the runtime strips their markers before the request", async () => {
    const plan = await renderStack("talos", {
      program: async () => {
        // Any mocked token will do; the arguments are what is under test.
        const r = pulumi.runtime.invokeOutput("pulumi:pulumi:getStack", { plain: "visible", key: pulumi.secret("hidden-key") });
        return { r };
      },
    });
    const invoke = plan.invokes.find((i) => i.token === "pulumi:pulumi:getStack")!;
    expect(invoke.args).toEqual({ key: "[secret]", plain: "visible" });
    expect(invoke.values["key"]).toBe("hidden-key");
    expect(planToJson(plan)).not.toContain("hidden-key");
  });
});

describe("stack reference examples", () => {
  it("match what the referenced stacks' own renders export, so downstream renders see real shapes", async () => {
    const { STACK_REFERENCE_OUTPUTS } = await import("../../core/render/mocks/pulumi");
    for (const [stack, ref] of Object.entries(STACK_REFERENCE_OUTPUTS)) {
      const plan = await fixturePlan(stack);
      expect(Object.keys(ref.outputs).sort(), stack).toEqual(Object.keys(plan.outputs).sort());
      expect([...ref.secret].sort(), stack).toEqual([...plan.secretOutputs].sort());
      for (const key of Object.keys(plan.outputs).filter((k) => !plan.secretOutputs.includes(k)))
        expect(ref.outputs[key], `${stack}.${key}`).toEqual(plan.outputValues[key]);
    }
  });
});

describe("URNs", () => {
  it("qualify a grandchild with its ancestors' whole type chain, as the engine does", async () => {
    class Outer extends pulumi.ComponentResource {
      constructor(name: string) {
        super("homelab:test:Outer", name, {});
        new Group(`${name}-group`, { parent: this });
        this.registerOutputs({});
      }
    }
    const plan = await renderStack("talos", { program: async () => (new Outer("o"), {}) });
    const grandchild = plan.resources.find((r) => r.name === "o-group-child")!;
    expect(grandchild.urn).toBe(
      "urn:pulumi:talos::homelab::homelab:test:Outer$homelab:test:Group$test:index:Thing::o-group-child",
    );
    expect(plan.resources.find((r) => r.urn === grandchild.parent)?.name).toBe("o-group");
  });
});

describe("dry run (`--preview`)", () => {
  it("runs the program with isDryRun() true, and false otherwise", async () => {
    const seen: boolean[] = [];
    const probe = async () => (seen.push(pulumi.runtime.isDryRun()), {});
    await renderStack("talos", { program: probe, dryRun: true });
    await renderStack("talos", { program: probe });
    expect(seen).toEqual([true, false]);
  });

  it("leaves what a provider computes unknown, so applies on it and invokes fed by it do not run", async () => {
    const ran: string[] = [];
    const plan = await renderStack("talos", {
      dryRun: true,
      program: async () => {
        const a = new Thing("a", { plain: "x" });
        const b = new Thing("b", { fromA: a.id, echoed: a.urn.apply(() => "urn known"), plain: "y" });
        a.id.apply((id) => ran.push(`apply on id ${id}`));
        pulumi.runtime.invokeOutput("pulumi:pulumi:getStack", { id: a.id });
        return { aId: a.id, bPlain: b.urn.apply(() => "known"), ref: new pulumi.StackReference("example-org/homelab/hetzner").getOutput("ipv4") };
      },
    });
    const b = plan.resources.find((r) => r.name === "b")!;
    expect(b.inputs).toEqual({ echoed: "urn known", fromA: "[unknown]", plain: "y" });
    expect(ran).toEqual([]);
    expect(plan.invokes).toEqual([]);
    // The stack reference is read at preview too; a created resource's id is not known.
    expect(plan.outputs).toEqual({ aId: "[unknown]", bPlain: "known", ref: "203.0.113.124" });
    expect(planToText(plan)).toContain('Stack "talos" (preview)');
  });

  it("renders every stack at preview", async () => {
    for (const stack of STACK_NAMES) {
      const capture = await captureStack(stack, { dryRun: true, configDir: FIXTURE_CONFIG_DIR });
      expect(capture.error, stack).toBeUndefined();
      expect(capture.plan!.resources.length, stack).toBe((await fixturePlan(stack)).resources.length);
    }
  });
});

describe("the same document for everyone", () => {
  it("orders resources and invokes by code units, whatever the locale's collation", async () => {
    for (const stack of STACK_NAMES) {
      const plan = await fixturePlan(stack);
      const urns = plan.resources.map((r) => r.urn);
      expect(urns, stack).toEqual([...urns].sort());
      const tokens = plan.invokes.map((i) => i.token);
      expect(tokens, stack).toEqual([...tokens].sort());
    }
  });

  it("sorts nowhere in the program or the scripts by the locale's collation", () => {
    const root = path.resolve(__dirname, "..", "..");
    const offenders = ["core", "scripts", "bench"].flatMap((dir) =>
      (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
        .filter((f) => f.endsWith(".ts"))
        .filter((f) => /\.localeCompare\(|\bIntl\.Collator\b/.test(fs.readFileSync(path.join(root, dir, f), "utf8")))
        .map((f) => `${dir}/${f}`),
    );
    // core/compare.ts compareText orders by code units instead.
    expect(offenders).toEqual([]);
  });

  it("is byte-identical across two runs, the second in another locale and working directory", async () => {
    // Collation differs by locale (Lithuanian sorts "y" with "i", Swedish "å" after "z");
    // a child process is needed because ICU reads LANG / LC_ALL once at start-up.
    const root = path.resolve(__dirname, "..", "..");
    const script = `
      const { renderStack } = require(${JSON.stringify(`${root}/core/render/harness.ts`)});
      const { planToJson, planToText } = require(${JSON.stringify(`${root}/core/render/format.ts`)});
      (async () => {
        const out = {};
        for (const stack of ${JSON.stringify(STACK_NAMES)}) {
          const plan = await renderStack(stack, { configDir: ${JSON.stringify(FIXTURE_CONFIG_DIR)} });
          out[stack] = planToJson(plan) + planToText(plan);
        }
        process.stdout.write(JSON.stringify(out));
      })();`;
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "render-locale-"));
    try {
      const tsx = pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;
      const { stdout } = await run(process.execPath, ["--import", tsx, "-e", script], {
        cwd,
        env: { ...process.env, LANG: "lt_LT.UTF-8", LC_ALL: "lt_LT.UTF-8", LC_COLLATE: "lt_LT.UTF-8" },
        maxBuffer: 64 * 1024 * 1024,
      });
      const child = JSON.parse(stdout) as Record<string, string>;
      for (const stack of STACK_NAMES) {
        const plan = await fixturePlan(stack);
        expect(child[stack], stack).toBe(planToJson(plan) + planToText(plan));
      }
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});
