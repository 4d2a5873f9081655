// The GPU taint on a Node that already exists: the step the plan carries for
// each GPU node, and its script run for real against a stand-in kubectl that
// keeps a Node's taints the way `kubectl taint --overwrite` changes them.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TAINT_NODE_SCRIPT, taintArgument } from "../../core/talos/gpu-taint";
import { render, type PlanView } from "../helpers/plan";

const COMMAND = "command:local:Command";

describe("the GPU taint step in the plan", () => {
  let plan: PlanView;
  let twoGpus: PlanView;
  let noGpu: PlanView;
  beforeAll(async () => {
    [plan, twoGpus, noGpu] = await Promise.all([
      render("talos"),
      render("talos", {
        config: (c) =>
          void c["nodes"].push({ name: "k8s-gpu-2", role: "worker", host: "pve1", vmId: 1302, ip: "10.10.0.32", memory: 32768, gpu: { mappings: ["rtx-3090"] } }),
      }),
      render("talos", { config: (c) => void (c["nodes"] = c["nodes"].filter((n: { gpu?: unknown }) => !n.gpu)) }),
    ]);
  });
  const steps = (p: PlanView) => p.ofType(COMMAND).filter((r) => r.name.startsWith("gpu-taints-"));

  it("has one step per GPU node and none for other nodes", () => {
    expect(steps(plan).map((r) => r.name)).toEqual(["gpu-taints-k8s-gpu-1"]);
    expect(steps(twoGpus).map((r) => r.name).sort()).toEqual(["gpu-taints-k8s-gpu-1", "gpu-taints-k8s-gpu-2"]);
    expect(steps(noGpu)).toEqual([]);
    expect(noGpu.find("gpu-taints")).toBeUndefined();
  });

  it("taints the node by name with the configured taint, running the script with bash", () => {
    const step = plan.one("gpu-taints-k8s-gpu-1", COMMAND);
    expect(step.values["create"]).toBe(TAINT_NODE_SCRIPT);
    expect(step.values["interpreter"]).toEqual(["bash", "-c"]);
    expect(step.values["environment"]).toMatchObject({ NODE_NAME: "k8s-gpu-1", TAINT: "nvidia.com/gpu=true:NoSchedule", GATE_SECONDS: "600" });
  });

  it("passes the kubeconfig only as a secret environment value", () => {
    const step = plan.one("gpu-taints-k8s-gpu-1", COMMAND);
    const kubeconfig = String(plan.output("kubeconfig"));
    expect((step.values["environment"] as Record<string, string>)["HOMELAB_KUBECONFIG"]).toBe(kubeconfig);
    expect(plan.isSecretInput(step, "environment.HOMELAB_KUBECONFIG")).toBe(true);
    expect(JSON.stringify(step.values["create"])).not.toContain("client-key-data");
  });

  it("runs after the API answers and after the node's config is applied", () => {
    const step = plan.one("gpu-taints-k8s-gpu-1", COMMAND);
    expect(plan.dependsOn(step, plan.one("homelab-api-ready", COMMAND))).toBe(true);
    expect(plan.dependsOn(step, plan.one("k8s-gpu-1-config"))).toBe(true);
  });

  it("follows a changed taint (the step runs again) and keeps the node's registration taint in step", async () => {
    const changed = await render("talos", { config: (c) => void (c["talos"].gpu.taint = { key: "gpu", value: "only", effect: "NoExecute" }) });
    expect(changed.one("gpu-taints-k8s-gpu-1", COMMAND).values["environment"]).toMatchObject({ TAINT: "gpu=only:NoExecute" });
  });

  it("writes a taint the way kubectl taint reads it", () => {
    expect(taintArgument({ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" })).toBe("nvidia.com/gpu=true:NoSchedule");
  });
});

// A Node's taints live in a file, one `key=value:Effect` per line. `taint ... --overwrite`
// replaces the taint with the same key and keeps the others, as kubectl does.
const KUBECTL = String.raw`#!/usr/bin/env bash
set -euo pipefail
state="$FAKE_STATE"
same=no; cmp -s "$KUBECONFIG" <(printf '%s' "$EXPECTED_KUBECONFIG") && same=yes
echo "kubectl $* | same=$same" >>"$state/calls"
case " $* " in
  *" get node "*)
    [[ -f "$state/registered" ]] || { echo 'Error from server (NotFound): nodes "x" not found' >&2; exit 1; }
    n="$(cat "$state/polls" 2>/dev/null || echo 0)"; echo $((n + 1)) >"$state/polls"
    echo "node/$3" ;;
  *" taint node "*)
    key="$(printf '%s' "$4" | cut -d= -f1)"
    grep -v -F "$key=" "$state/taints" >"$state/taints.new" || true
    echo "$4" >>"$state/taints.new"; mv "$state/taints.new" "$state/taints"
    echo "node/$3 modified" ;;
  *) echo "unexpected: $*" >&2; exit 3 ;;
esac
`;

const KUBECONFIG_TEXT = "apiVersion: v1\nusers:\n  - name: admin\n    user:\n      client-key-data: c2VjcmV0LWt1YmUta2V5\n";

describe("taint-node.sh", () => {
  let root: string;
  let bin: string;
  let state: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "taint-node-"));
    bin = path.join(root, "bin");
    state = path.join(root, "state");
    spawnSync("mkdir", ["-p", bin, state]);
    writeFileSync(path.join(bin, "kubectl"), KUBECTL);
    chmodSync(path.join(bin, "kubectl"), 0o755);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeEach(() => {
    rmSync(state, { recursive: true, force: true });
    spawnSync("mkdir", ["-p", state]);
    writeFileSync(path.join(state, "calls"), "");
  });

  const run = (env: Record<string, string> = {}) => {
    const r = spawnSync("bash", ["-c", TAINT_NODE_SCRIPT], {
      encoding: "utf8",
      env: {
        PATH: `${bin}:${process.env["PATH"]}`,
        HOME: root,
        TMPDIR: root,
        FAKE_STATE: state,
        EXPECTED_KUBECONFIG: KUBECONFIG_TEXT,
        POLL_SECONDS: "0",
        HOMELAB_KUBECONFIG: KUBECONFIG_TEXT,
        NODE_NAME: "k8s-gpu-1",
        TAINT: "nvidia.com/gpu=true:NoSchedule",
        GATE_SECONDS: "30",
        ...env,
      },
    });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };
  const taints = () => readFileSync(path.join(state, "taints"), "utf8").trim().split("\n");
  const calls = () => readFileSync(path.join(state, "calls"), "utf8").trim().split("\n");

  it("adds the taint to a registered Node and keeps the taints others put there", () => {
    writeFileSync(path.join(state, "registered"), "");
    writeFileSync(path.join(state, "taints"), "node.kubernetes.io/unschedulable=:NoSchedule\n");
    const r = run();
    expect(r.status, r.err).toBe(0);
    expect(taints()).toEqual(["node.kubernetes.io/unschedulable=:NoSchedule", "nvidia.com/gpu=true:NoSchedule"]);
    expect(calls().at(-1)).toBe("kubectl taint node k8s-gpu-1 nvidia.com/gpu=true:NoSchedule --overwrite | same=yes");
    expect(r.out).toContain("k8s-gpu-1: tainted nvidia.com/gpu=true:NoSchedule");
  });

  it("changes nothing when run again (the Node registered with the taint)", () => {
    writeFileSync(path.join(state, "registered"), "");
    writeFileSync(path.join(state, "taints"), "nvidia.com/gpu=true:NoSchedule\n");
    expect(run().status).toBe(0);
    expect(run().status).toBe(0);
    expect(taints()).toEqual(["nvidia.com/gpu=true:NoSchedule"]);
  });

  it("gives up with a clear message when the Node never registers, after the gate", () => {
    writeFileSync(path.join(state, "taints"), "");
    const r = run({ GATE_SECONDS: "0" });
    expect(r.status).toBe(1);
    expect(r.err).toContain("k8s-gpu-1: gave up waiting for the Node to register");
    expect(calls().some((c) => c.includes(" taint "))).toBe(false);
  });

  it("keeps the kubeconfig in a private temp file it removes, and never prints it", () => {
    writeFileSync(path.join(state, "registered"), "");
    writeFileSync(path.join(state, "taints"), "");
    const r = run();
    const leftovers = spawnSync("find", [root, "-path", bin, "-prune", "-o", "-path", state, "-prune", "-o", "-type", "f", "-print"], { encoding: "utf8" });
    expect(leftovers.stdout.trim()).toBe("");
    expect(r.out + r.err).not.toContain("c2VjcmV0LWt1YmUta2V5");
    expect(TAINT_NODE_SCRIPT).toContain("umask 077");
    expect(TAINT_NODE_SCRIPT).toMatch(/unset HOMELAB_KUBECONFIG/);
  });
});
