// Rolling upgrades in the talos stack's plan: which steps exist, what they
// run, in which order, what changes when the config changes, and that the
// client configs stay secret. Three renders, shared by every test:
//   base    the committed example (3 control planes, 2 workers, 1 GPU worker)
//   bumped  a new Talos and Kubernetes version, workers in batches of 2
//   gpuExt  one more GPU extension (a new GPU schematic), nothing else
//   disabled  upgrades.enabled false
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatConfigPath } from "../../core/config/errors";
import type { CapturedResource } from "../../core/render/harness";
import { STEP_LIBRARY } from "../../core/talos/step-scripts";
import { NODE_UPGRADE_SCRIPT } from "../../core/talos/upgrades";
import { nonEmpty, render, renderConfigError, type PlanView } from "../helpers/plan";
import { MEMBERS_OK, TalosTools } from "../helpers/talos-tools";

const COMMAND = "command:local:Command";
const scripts = path.resolve(__dirname, "..", "..", "core", "talos", "scripts");
/** What a node step runs: the shared helpers (lib.sh), then upgrade-node.sh. */
const NODE_SCRIPT = NODE_UPGRADE_SCRIPT;
const K8S_SCRIPT = readFileSync(path.join(scripts, "upgrade-kubernetes.sh"), "utf8");
const hasJq = spawnSync("jq", ["--version"]).status === 0;

const CPS = ["k8s-cp-1", "k8s-cp-2", "k8s-cp-3"];
const WORKERS = ["k8s-worker-1", "k8s-worker-2"];
const GPUS = ["k8s-gpu-1"];
const ALL = [...CPS, ...WORKERS, ...GPUS];

let base: PlanView;
let bumped: PlanView;
let gpuExt: PlanView;
let disabled: PlanView;
let k8sOnly: PlanView;
beforeAll(async () => {
  [base, bumped, gpuExt, disabled, k8sOnly] = await Promise.all([
    render("talos"),
    render("talos", {
      config: (c) => {
        c["talos"].version = "v1.13.10";
        c["talos"].kubernetesVersion = "v1.35.5";
        c["upgrades"].workerBatchSize = 2;
      },
    }),
    render("talos", { config: (c) => void c["talos"].extensions.gpu.push("siderolabs/nvidia-fabricmanager-production") }),
    render("talos", { config: (c) => void (c["upgrades"].enabled = false) }),
    render("talos", { config: (c) => void (c["talos"].kubernetesVersion = "v1.36.1") }),
  ]);
});

/** The upgrade steps (the stack runs other local commands too: the readiness waits, the GPU taint, the reboot steps in test/talos/lifecycle.test.ts). */
const upgradeSteps = (plan: PlanView) =>
  plan.ofType(COMMAND).filter((r) => r.name.startsWith("upgrades-node-") || r.name === "upgrades-kubernetes");
const step = (plan: PlanView, node: string) => plan.one(`upgrades-node-${node}`, COMMAND);
const k8s = (plan: PlanView) => plan.one("upgrades-kubernetes", COMMAND);
const env = (r: CapturedResource) => r.values["environment"] as Record<string, string>;
const directlyAfter = (a: CapturedResource, b: CapturedResource) => a.dependsOn.includes(b.urn);

// Stand-ins for talosctl and kubectl (test/helpers/talos-tools.ts), to run the plan's own commands.
const tools = new TalosTools();
afterAll(() => tools.remove());
/** Runs a node step's `create` as the Command resource would, with the step's environment, against a node in `state`. */
function runNodeStep(r: CapturedResource, state: Record<string, string>) {
  tools.setState({ "etcd-healthy": "true", members: MEMBERS_OK, ...state });
  return tools.run(r.values["create"] as string, { ...env(r), EXPECTED_TALOSCONFIG: env(r)["HOMELAB_TALOSCONFIG"]! });
}
/** The node's target from its step: the Talos version and the schematic id. */
const target = (r: CapturedResource) => {
  const [, schematic, version] = /\/([0-9a-f]{64}):(v[\d.]+)$/.exec(env(r)["TARGET_IMAGE"]!)!;
  return { version: version!, schematic: schematic! };
};
const toolCalls = () => tools.calls().map((c) => c.split(" | ")[0]!);

describe("upgrade steps", () => {
  it("has one upgrade and one reboot step per node and one Kubernetes step, all local commands under the Upgrades component", () => {
    const component = base.one("upgrades", "homelab:talos:Upgrades");
    expect(base.childrenOf(component).map((r) => r.name).sort()).toEqual(
      [...ALL.map((n) => `upgrades-node-${n}`), ...ALL.map((n) => `upgrades-reboot-${n}`), "upgrades-kubernetes"].sort(),
    );
    expect(upgradeSteps(base)).toHaveLength(ALL.length + 1);
  });

  it("keys each node step on the node's installer image (Talos version + schematic), which the script upgrades to", () => {
    for (const node of ALL) {
      const s = step(base, node);
      const kind = GPUS.includes(node) ? "gpu" : "base";
      const installer = `factory.talos.dev/nocloud-installer/${(base.output("schematicIds") as Record<string, string>)[kind]}:v1.13.9`;
      expect(s.values["triggers"]).toEqual([installer]);
      expect(env(s)).toMatchObject({ NODE_NAME: node, TARGET_IMAGE: installer, NODE_CLASS: kind === "gpu" ? "gpu" : CPS.includes(node) ? "controlplane" : "worker" });
    }
  });

  it("is a no-op on first creation: create runs the node script, which checks the running version and schematic before anything else", () => {
    const s = step(base, "k8s-worker-1");
    expect(s.values["create"]).toBe(NODE_SCRIPT);
    expect(s.values["update"]).toBeUndefined();
    expect(s.values["delete"]).toBeUndefined();
    expect(s.values["interpreter"]).toEqual(["bash", "-c"]);
    // The check (waiting until the node's API answers), then the early exit, come before the only upgrade call.
    const check = NODE_SCRIPT.indexOf('wait_for "the node\'s Talos API to answer" read_running');
    const skip = NODE_SCRIPT.indexOf("if runs_target; then", check);
    const exit = NODE_SCRIPT.indexOf("exit 0", skip);
    const upgrade = NODE_SCRIPT.indexOf('talosctl --nodes "$NODE_IP" upgrade');
    expect(check).toBeGreaterThan(0);
    expect([check < skip, skip < exit, exit < upgrade]).toEqual([true, true, true]);
    expect(NODE_SCRIPT.split('talosctl --nodes "$NODE_IP" upgrade')).toHaveLength(2);
  });

  it("upgrades control planes one at a time in config order, each gated on etcd with every control plane a member", () => {
    const [cp1, cp2, cp3] = CPS.map((n) => step(base, n));
    expect(directlyAfter(cp2!, cp1!)).toBe(true);
    expect(directlyAfter(cp3!, cp2!)).toBe(true);
    expect(base.dependsOn(cp1!, cp2!)).toBe(false);
    for (const cp of [cp1!, cp2!, cp3!]) expect(env(cp)).toMatchObject({ CONTROL_PLANE_IPS: "10.10.0.11,10.10.0.12,10.10.0.13", GATE_SECONDS: "600" });
    // The gate (lib.sh, for control planes only: the next test runs it) sits between the version check and the upgrade.
    const gate = NODE_SCRIPT.indexOf("\netcd_gate_before upgrading\n");
    expect(gate).toBeGreaterThan(NODE_SCRIPT.indexOf("if runs_target; then"));
    expect(gate).toBeLessThan(NODE_SCRIPT.indexOf('talosctl --nodes "$NODE_IP" upgrade'));
  });

  it.skipIf(!hasJq)("run for real, a control plane's step reads what the node runs, then gates on etcd, then upgrades it; a worker's has no gate (skipped only where jq is not installed)", () => {
    for (const node of ["k8s-cp-2", "k8s-worker-1"]) {
      const s = step(base, node);
      const { version, schematic } = target(s);
      const r = runNodeStep(s, { version: "v1.13.8", schematic, "upgrade-to": schematic, "upgrade-to-version": version });
      expect(r.status, r.err).toBe(0);
      const ip = env(s)["NODE_IP"]!;
      const seq = toolCalls();
      expect(seq.slice(0, 2)).toEqual([`talosctl --nodes ${ip} get version --output json`, `talosctl --nodes ${ip} get extensions --output json`]);
      const upgrade = seq.findIndex((c) => c.startsWith(`talosctl --nodes ${ip} upgrade --image ${env(s)["TARGET_IMAGE"]} `));
      expect(seq.filter((c) => c.includes(" upgrade "))).toEqual([seq[upgrade]]);
      const gate = seq.slice(2, upgrade);
      if (node === "k8s-cp-2") {
        expect(gate).toEqual([
          ...CPS.map((_, i) => `talosctl --nodes 10.10.0.1${i + 1} get services etcd --output json`),
          `talosctl --nodes ${ip} etcd members`,
        ]);
        expect(seq.slice(upgrade + 1)).toContain(`talosctl --nodes ${ip} etcd members`);
      } else expect(seq.some((c) => c.includes("etcd"))).toBe(false);
      tools.expectCleanRun(r);
    }
  });

  it("starts only once the cluster is up (kubeconfig fetched after the health wait) and every node holds its new config", () => {
    const first = step(base, "k8s-cp-1");
    expect(base.dependsOn(first, base.one("homelab-kubeconfig"))).toBe(true);
    for (const node of ALL) expect(directlyAfter(first, base.one(`${node}-config`))).toBe(true);
    for (const node of ALL) expect(directlyAfter(step(base, node), base.one(`${node}-config`))).toBe(true);
  });

  it("by default upgrades workers one at a time after the last control plane, and GPU workers last", () => {
    const [w1, w2] = WORKERS.map((n) => step(base, n));
    expect(directlyAfter(w1!, step(base, "k8s-cp-3"))).toBe(true);
    expect(directlyAfter(w2!, w1!)).toBe(true);
    expect(directlyAfter(step(base, "k8s-gpu-1"), w2!)).toBe(true);
    expect(base.dependsOn(w1!, w2!)).toBe(false);
  });

  it("with workerBatchSize 2 upgrades both workers together, and the GPU worker waits for the whole batch", () => {
    const [w1, w2] = WORKERS.map((n) => step(bumped, n));
    expect(bumped.dependsOn(w1!, w2!) || bumped.dependsOn(w2!, w1!)).toBe(false);
    for (const w of [w1!, w2!]) expect(directlyAfter(w, step(bumped, "k8s-cp-3"))).toBe(true);
    const gpu = step(bumped, "k8s-gpu-1");
    expect([directlyAfter(gpu, w1!), directlyAfter(gpu, w2!)]).toEqual([true, true]);
    // Control planes stay one by one whatever the batch size.
    expect(directlyAfter(step(bumped, "k8s-cp-2"), step(bumped, "k8s-cp-1"))).toBe(true);
  });
});

describe("what a config change upgrades", () => {
  it("a Talos version change re-keys every node step to the new version, one step per node", () => {
    for (const node of ALL) {
      const before = step(base, node).values["triggers"] as string[];
      const after = step(bumped, node).values["triggers"] as string[];
      expect(after).not.toEqual(before);
      expect(after[0]).toMatch(/^factory\.talos\.dev\/nocloud-installer\/[0-9a-f]{64}:v1\.13\.10$/);
      expect(after[0]!.replace(":v1.13.10", ":v1.13.9")).toBe(before[0]);
    }
    expect(upgradeSteps(bumped)).toHaveLength(ALL.length + 1);
  });

  it("a GPU extension change re-keys only the GPU node steps; every other step is input-for-input unchanged", () => {
    for (const node of ALL) {
      const before = step(base, node);
      const after = step(gpuExt, node);
      if (GPUS.includes(node)) expect(after.values["triggers"]).not.toEqual(before.values["triggers"]);
      else {
        expect(after.values).toEqual(before.values);
        expect(after.dependsOn).toEqual(before.dependsOn);
      }
    }
    expect(k8s(gpuExt).values).toEqual(k8s(base).values);
  });
});

describe("the Kubernetes step", () => {
  it("runs after every node step, against one control plane, keyed by the Kubernetes version", () => {
    const s = k8s(base);
    for (const node of ALL) expect(base.dependsOn(s, step(base, node))).toBe(true);
    expect(directlyAfter(s, step(base, "k8s-gpu-1"))).toBe(true);
    expect(s.values["triggers"]).toEqual(["v1.35.4"]);
    expect(env(s)).toMatchObject({ CONTROL_PLANE_IP: "10.10.0.11", TARGET_VERSION: "v1.35.4" });
    expect(k8s(bumped).values["triggers"]).toEqual(["v1.35.5"]);
    expect(env(k8s(bumped))["TARGET_VERSION"]).toBe("v1.35.5");
  });

  it("always reads what runs first, and only off target upgrades, with a dry run first", () => {
    const s = k8s(base);
    expect(s.values["create"]).toBe(`set -- confirm\n${K8S_SCRIPT}`);
    // No `update`: an update runs `create` (pulumi-command v1.2.1 local/commandController.go).
    expect(s.values["update"]).toBeUndefined();
    // Read what runs, leave when it is the target; only then the dry run and the real run.
    const confirm = K8S_SCRIPT.indexOf('wait_for "the API server to list the control plane and the nodes" read_versions');
    const check = K8S_SCRIPT.indexOf("read_versions", confirm);
    const skip = K8S_SCRIPT.indexOf("if at_target; then", check);
    const exit = K8S_SCRIPT.indexOf("exit 0", skip);
    const dryRun = K8S_SCRIPT.indexOf("upgrade_k8s --dry-run");
    const real = K8S_SCRIPT.indexOf("upgrade_k8s\n", dryRun);
    expect([confirm > 0, confirm < check, check < skip, skip < exit, exit < dryRun, dryRun < real]).toEqual([true, true, true, true, true, true]);
    expect(K8S_SCRIPT).toContain('upgrade-k8s --to "${target#v}"');
  });
});

describe("a Kubernetes version change", () => {
  const configVersions = (plan: PlanView) =>
    plan.invokes("talos:machine/getConfiguration:getConfiguration").map((i) => i.values["kubernetesVersion"]);
  const applies = (plan: PlanView) =>
    plan.ofType("talos:machine/configurationApply:ConfigurationApply").map((r) => [r.name, r.values["machineConfigurationInput"]]);

  it("leaves every machine config at the version the cluster runs (this stack's recorded output)", () => {
    expect(new Set(configVersions(k8sOnly))).toEqual(new Set(["v1.35.4"]));
    expect(applies(k8sOnly)).toEqual(applies(base));
    expect(k8sOnly.resources.some((r) => r.type === "pulumi:pulumi:StackReference" && r.readId === "example-org/homelab/talos")).toBe(true);
  });

  it("is rolled out by the upgrade-k8s step alone, and recorded as the stack output once that step has run", () => {
    expect(env(k8s(k8sOnly))["TARGET_VERSION"]).toBe("v1.36.1");
    expect(k8sOnly.output("kubernetesVersion")).toBe("v1.36.1");
    const nodeSteps = ALL.map((n) => [n, step(k8sOnly, n).values]);
    expect(nodeSteps).toEqual(ALL.map((n) => [n, step(base, n).values]));
  });

  it("goes straight into the machine configs when upgrades are off (you upgrade by hand)", async () => {
    const manual = await render("talos", {
      config: (c) => {
        c["upgrades"].enabled = false;
        c["talos"].kubernetesVersion = "v1.36.1";
      },
    });
    expect(new Set(configVersions(manual))).toEqual(new Set(["v1.36.1"]));
  });
});

describe("secrecy", () => {
  it("passes the talosconfig and kubeconfig only as secret environment values, never in a command string or plain input", () => {
    const talosconfig = String(base.output("talosconfig"));
    const kubeconfig = String(base.output("kubeconfig"));
    expect(talosconfig.length).toBeGreaterThan(100);
    const key = /key: (\S+)/.exec(talosconfig)![1]!;
    for (const r of upgradeSteps(base)) {
      expect(env(r)["HOMELAB_TALOSCONFIG"]).toBe(talosconfig);
      expect(base.isSecretInput(r, "environment.HOMELAB_TALOSCONFIG")).toBe(true);
      const plain = JSON.stringify(r.inputs);
      for (const secret of [talosconfig, kubeconfig, key]) expect(plain).not.toContain(secret);
      for (const field of ["create", "update", "delete", "stdin", "triggers", "interpreter", "dir"])
        for (const secret of [talosconfig, kubeconfig, key]) expect(JSON.stringify(r.values[field] ?? "")).not.toContain(secret);
      expect(r.values["stdin"]).toBeUndefined();
    }
    expect(env(k8s(base))["HOMELAB_KUBECONFIG"]).toBe(kubeconfig);
    expect(base.isSecretInput(k8s(base), "environment.HOMELAB_KUBECONFIG")).toBe(true);
  });

  it("the scripts write the configs only to a private temp dir they remove on exit, and never print them", () => {
    for (const script of [NODE_SCRIPT, K8S_SCRIPT]) {
      expect(script).toContain('workdir="$(mktemp -d)"');
      expect(script).toContain("trap 'rm -rf \"$workdir\"' EXIT");
      expect(script).toContain("umask 077");
      expect(script).not.toMatch(/set -x|echo "\$HOMELAB_|printf '%s\\n' "\$HOMELAB_/);
      // Unset itself, or moved into a file by lib.sh's helper, which unsets it.
      expect(script).toMatch(/unset HOMELAB_TALOSCONFIG|\nsecret_to_file HOMELAB_TALOSCONFIG talosconfig\n/);
    }
    expect(STEP_LIBRARY).toMatch(/\nsecret_to_file\(\) \{.*\n(?: {2}.*\n)*? {2}unset "\$1"\n\}\n/);
  });

  it.skipIf(!hasJq)("run for real, a node step hands talosctl the config only as a private file, not in its environment, and leaves no file behind (skipped only where jq is not installed)", () => {
    const s = step(base, "k8s-cp-1");
    const r = runNodeStep(s, target(s));
    expect(r.status, r.err).toBe(0);
    for (const call of nonEmpty(tools.calls())) expect(call).toMatch(/ \| env=clean cfg=\S+\/talosconfig mode=600 same=yes$/);
    tools.expectCleanRun(r, [String(base.output("talosconfig")), /key: (\S+)/.exec(String(base.output("talosconfig")))![1]!]);
  });
});

describe("what an edit of the scripts re-runs on an existing cluster", () => {
  // A step's command text is one of its inputs: the command provider updates a
  // step whose text changed and runs it again (`update`, or `create` when
  // there is none); only `triggers` replaces it. So an edit of a script, or of
  // lib.sh, re-runs the step once on every cluster at its next `up`.

  it.skipIf(!hasJq)("a node step has no `update`, so it runs its `create` again, which on a node at its target only reads (skipped only where jq is not installed)", () => {
    for (const node of ALL) {
      const s = step(base, node);
      expect(s.values["update"]).toBeUndefined();
      const r = runNodeStep(s, target(s));
      expect(r.status, r.err).toBe(0);
      expect(r.out).toContain(`${node}: runs Talos ${target(s).version} with schematic ${target(s).schematic}; nothing to do`);
      const ip = env(s)["NODE_IP"]!;
      expect(toolCalls()).toEqual([`talosctl --nodes ${ip} get version --output json`, `talosctl --nodes ${ip} get extensions --output json`]);
    }
  });

  it("the Kubernetes step has no `update`, so renewed credentials or an edited script re-run its `create`, which on a cluster at its target only reads", () => {
    // A version change replaces the step (its trigger); every other input
    // change (a renewed kubeconfig, gateTimeout, an edit of the script) is an
    // update, which runs `create` when there is no `update`.
    const s = k8s(base);
    expect(s.values["update"]).toBeUndefined();
    const version = env(s)["TARGET_VERSION"]!;
    tools.setState({ k8s: version });
    const r = tools.run(s.values["create"] as string, { ...env(s), EXPECTED_TALOSCONFIG: env(s)["HOMELAB_TALOSCONFIG"]!, EXPECTED_KUBECONFIG: env(s)["HOMELAB_KUBECONFIG"]!, FAKE_K8S_AFTER: version });
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain(`control plane and every kubelet run ${version}; nothing to do`);
    expect(toolCalls().some((c) => c.includes("upgrade-k8s"))).toBe(false);
    expect(toolCalls().length).toBeGreaterThan(0);
    // …while a cluster behind the target is upgraded by the same command.
    tools.setState({ k8s: "v1.35.3" });
    const behind = tools.run(s.values["create"] as string, { ...env(s), EXPECTED_TALOSCONFIG: env(s)["HOMELAB_TALOSCONFIG"]!, EXPECTED_KUBECONFIG: env(s)["HOMELAB_KUBECONFIG"]!, FAKE_K8S_AFTER: version });
    expect(behind.status, behind.err).toBe(0);
    expect(toolCalls().filter((c) => c.includes("upgrade-k8s"))).toHaveLength(2);
  });
});

describe("config", () => {
  it("with upgrades disabled plans no upgrade steps and leaves the rest of the plan as it was", () => {
    expect(upgradeSteps(disabled)).toEqual([]);
    expect(disabled.find("upgrades")).toBeUndefined();
    // …and no read of this stack's own recorded Kubernetes version, which only the upgrade step needs.
    expect(disabled.resources.map((r) => r.urn)).toEqual(
      base.resources.filter((r) => !r.name.startsWith("upgrades") && r.name !== "talos-self").map((r) => r.urn),
    );
  });


  it("rejects a batch size below 1 and a timeout talosctl cannot read, naming the keys", async () => {
    const error = await renderConfigError("talos", {
      config: (c) => {
        c["upgrades"].workerBatchSize = 0;
        c["upgrades"].nodeTimeout = "half an hour";
      },
    });
    const paths = error.issues.map((i) => formatConfigPath(i.path));
    expect(paths).toEqual(expect.arrayContaining(["homelab:upgrades.workerBatchSize", "homelab:upgrades.nodeTimeout"]));
    expect(error.message).toContain("expected a duration like 30m");
  });
});
