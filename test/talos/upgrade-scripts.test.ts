// The upgrade scripts run for real against stand-ins for talosctl and kubectl
// that answer like the real tools and record every call: what they skip, what
// they gate on, what they run, and where the client configs go.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { WAIT_CLUSTER_SCRIPT } from "../../core/talos/cluster";
import { STEP_LIBRARY } from "../../core/talos/step-scripts";
import { kubernetesCommand, NODE_REBOOT_SCRIPT, NODE_UPGRADE_SCRIPT } from "../../core/talos/upgrades";
import { KUBECONFIG, MEMBERS_OK, NEW_SCHEMATIC, SCHEMATIC, TALOSCONFIG, TalosTools } from "../helpers/talos-tools";

const hasJq = spawnSync("jq", ["--version"]).status === 0;
const hasShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
const scripts = path.resolve(__dirname, "..", "..", "core", "talos", "scripts");

const tools = new TalosTools();
afterAll(() => tools.remove());
const setState = (files: Record<string, string>) => tools.setState(files);
const calls = () => tools.calls();
const run = (commandText: string, env: Record<string, string>) => tools.run(commandText, env);
const expectCleanRun = (result: { status: number | null; out: string; err: string }) => tools.expectCleanRun(result);

const nodeEnv = (overrides: Record<string, string> = {}) => ({
  HOMELAB_TALOSCONFIG: TALOSCONFIG,
  NODE_NAME: "k8s-cp-2",
  NODE_IP: "10.10.0.12",
  NODE_CLASS: "controlplane",
  TARGET_IMAGE: `factory.talos.dev/nocloud-installer/${SCHEMATIC}:v1.13.9`,
  CONTROL_PLANE_IPS: "10.10.0.11,10.10.0.12,10.10.0.13",
  NODE_TIMEOUT: "30m",
  DRAIN_TIMEOUT: "10m",
  GATE_SECONDS: "1200",
  ...overrides,
});

describe.skipIf(!hasJq)("upgrade-node.sh (skipped only where jq is not installed)", () => {
  beforeEach(() => setState({ version: "v1.13.9", schematic: SCHEMATIC, "etcd-healthy": "true", members: MEMBERS_OK }));

  it("confirms a node that already runs the target and touches nothing else (first creation, resumed rollouts)", () => {
    const r = run(NODE_UPGRADE_SCRIPT, nodeEnv());
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain("k8s-cp-2: runs Talos v1.13.9 with schematic aaaa");
    expect(r.out).toContain("nothing to do");
    expect(calls().map((c) => c.split(" | ")[0])).toEqual([
      "talosctl --nodes 10.10.0.12 get version --output json",
      "talosctl --nodes 10.10.0.12 get extensions --output json",
    ]);
    expectCleanRun(r);
  });

  it("gives talosctl the config as a private file (mode 600) with exactly the secret's content", () => {
    run(NODE_UPGRADE_SCRIPT, nodeEnv());
    // …and no longer in its environment.
    for (const call of calls()) expect(call).toMatch(/ \| env=clean cfg=\S+\/talosconfig mode=600 same=yes$/);
  });

  it("upgrades a control plane only after etcd is healthy with all three members, then checks what it runs and etcd again", () => {
    setState({ version: "v1.13.8", schematic: SCHEMATIC, "etcd-healthy": "true", members: MEMBERS_OK, "upgrade-to": SCHEMATIC, "upgrade-to-version": "v1.13.9" });
    const r = run(NODE_UPGRADE_SCRIPT, nodeEnv());
    expect(r.status, r.err).toBe(0);
    const seq = calls().map((c) => c.split(" | ")[0]!.replace("talosctl ", ""));
    const upgrade = seq.indexOf(
      `--nodes 10.10.0.12 upgrade --image factory.talos.dev/nocloud-installer/${SCHEMATIC}:v1.13.9 --wait --timeout 30m --drain --drain-timeout 10m --progress plain`,
    );
    expect(upgrade).toBeGreaterThan(0);
    const before = seq.slice(0, upgrade);
    for (const ip of ["10.10.0.11", "10.10.0.12", "10.10.0.13"]) expect(before).toContain(`--nodes ${ip} get services etcd --output json`);
    expect(before).toContain("--nodes 10.10.0.12 etcd members");
    const after = seq.slice(upgrade + 1);
    expect(after).toContain("--nodes 10.10.0.12 get machinestatus --output json");
    expect(after).toContain("--nodes 10.10.0.12 get version --output json");
    expect(after).toContain("--nodes 10.10.0.12 etcd members");
    expect(seq.filter((c) => c.includes(" upgrade "))).toHaveLength(1);
    expect(r.out).toContain("upgraded to Talos v1.13.9");
    expectCleanRun(r);
  });

  it("does not start a control-plane upgrade while an etcd member is a learner, and fails when the gate times out", () => {
    setState({ version: "v1.13.8", schematic: SCHEMATIC, "etcd-healthy": "true", members: MEMBERS_OK.replace(/false$/, "true") });
    const r = run(NODE_UPGRADE_SCRIPT, nodeEnv({ GATE_SECONDS: "1" }));
    expect(r.status).toBe(1);
    expect(r.err).toContain("gave up after 1s waiting for a healthy etcd before upgrading");
    expect(calls().some((c) => c.includes(" upgrade "))).toBe(false);
    expectCleanRun(r);
  });

  it("upgrades a worker after a schematic change without any etcd gate", () => {
    setState({ version: "v1.13.9", schematic: SCHEMATIC, "etcd-healthy": "false", members: "", "upgrade-to": NEW_SCHEMATIC, "upgrade-to-version": "v1.13.9" });
    const r = run(NODE_UPGRADE_SCRIPT, nodeEnv({ NODE_NAME: "k8s-gpu-1", NODE_IP: "10.10.0.31", NODE_CLASS: "gpu", TARGET_IMAGE: `factory.talos.dev/nocloud-installer/${NEW_SCHEMATIC}:v1.13.9` }));
    expect(r.status, r.err).toBe(0);
    expect(calls().some((c) => c.includes("etcd"))).toBe(false);
    expect(calls().some((c) => c.startsWith("talosctl --nodes 10.10.0.31 upgrade --image"))).toBe(true);
  });

  it("fails when the node comes back on its old image (Talos rolled back), so the rollout stops", () => {
    setState({ version: "v1.13.8", schematic: SCHEMATIC, "etcd-healthy": "true", members: MEMBERS_OK });
    const r = run(NODE_UPGRADE_SCRIPT, nodeEnv({ NODE_CLASS: "worker" }));
    expect(r.status).toBe(1);
    expect(r.err).toContain("came back running Talos v1.13.8");
    expect(r.err).toContain("rolled back");
    expectCleanRun(r);
  });

  it("rejects an installer that is not an Image Factory reference before calling talosctl", () => {
    const r = run(NODE_UPGRADE_SCRIPT, nodeEnv({ TARGET_IMAGE: "ghcr.io/siderolabs/installer:v1.13.9" }));
    expect(r.status).toBe(1);
    expect(r.err).toContain("expected an Image Factory installer");
    expect(calls()).toEqual([]);
  });
});

describe("upgrade-kubernetes.sh", () => {
  const k8sEnv = { HOMELAB_TALOSCONFIG: TALOSCONFIG, HOMELAB_KUBECONFIG: KUBECONFIG, CONTROL_PLANE_IP: "10.10.0.11", TARGET_VERSION: "v1.35.5", GATE_SECONDS: "1200", FAKE_K8S_AFTER: "v1.35.5" };

  it("confirm: does nothing when the control plane and every kubelet run the target", () => {
    setState({ k8s: "v1.35.5" });
    const r = run(kubernetesCommand("confirm"), k8sEnv);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain("nothing to do");
    expect(calls().some((c) => c.includes("upgrade-k8s"))).toBe(false);
    for (const call of calls()) expect(call).toMatch(/ \| env=clean cfg=\S+ mode=600 same=yes$/);
    expectCleanRun(r);
  });

  it("confirm on an older cluster: a dry run, then the real upgrade-k8s against one control plane", () => {
    for (const running of ["v1.35.4"] as const) {
      setState({ k8s: running });
      const r = run(kubernetesCommand("confirm"), k8sEnv);
      expect(r.status, r.err).toBe(0);
      const k8sCalls = calls().filter((c) => c.includes("upgrade-k8s")).map((c) => c.split(" | ")[0]);
      expect(k8sCalls).toEqual([
        "talosctl --nodes 10.10.0.11 upgrade-k8s --to 1.35.5 --with-docs=false --with-examples=false --dry-run",
        "talosctl --nodes 10.10.0.11 upgrade-k8s --to 1.35.5 --with-docs=false --with-examples=false",
      ]);
      expectCleanRun(r);
    }
  });

  it("confirm never upgrades a cluster whose API lists nothing yet: it waits, then fails", () => {
    setState({ k8s: "" });
    const r = run(kubernetesCommand("confirm"), { ...k8sEnv, GATE_SECONDS: "1" });
    expect(r.status).toBe(1);
    expect(r.err).toContain("gave up waiting for the API server to list the control plane and the nodes");
    expect(calls().some((c) => c.includes("upgrade-k8s"))).toBe(false);
    expectCleanRun(r);
  });

  it("fails when upgrade-k8s returns but something still runs the old version", () => {
    setState({ k8s: "v1.35.4" });
    const r = run(kubernetesCommand("confirm"), { ...k8sEnv, FAKE_K8S_AFTER: "v1.35.4" });
    expect(r.status).toBe(1);
    expect(r.err).toContain("not everything runs v1.35.5");
  });
});

describe.skipIf(!hasShellcheck)("shellcheck (skipped only where shellcheck is not installed)", () => {
  // What runs is the command text, so that is what is linted: lib.sh, then the script.
  const lint = (text: string) => spawnSync("shellcheck", ["--severity=style", "--shell=bash", "-"], { input: text, encoding: "utf8" });

  it("passes on the shared helpers and on every command the upgrade, reboot and readiness steps run", () => {
    const commands = { "lib.sh": STEP_LIBRARY, "upgrade-node": NODE_UPGRADE_SCRIPT, "reboot-node": NODE_REBOOT_SCRIPT, "upgrade-kubernetes": kubernetesCommand("confirm"), "wait-cluster": WAIT_CLUSTER_SCRIPT };
    for (const [name, text] of Object.entries(commands)) {
      const r = lint(text);
      expect(r.status, `${name}:\n${r.stdout}`).toBe(0);
    }
  });

  it("passes on the upgrade scripts as files", () => {
    const r = spawnSync("shellcheck", ["--severity=style", path.join(scripts, "lib.sh"), path.join(scripts, "upgrade-kubernetes.sh")], { encoding: "utf8" });
    expect(r.status, r.stdout).toBe(0);
  });
});

it("the fake tools exist (guards the stand-ins above)", () => {
  expect(existsSync(path.join(tools.bin, "talosctl"))).toBe(true);
  expect(readFileSync(path.join(tools.bin, "kubectl"), "utf8")).toContain("kubectl");
});
