// The upgrade scripts run for real against stand-ins for talosctl and kubectl
// that answer like the real tools and record every call: what they skip, what
// they gate on, what they run, and where the client configs go.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { kubernetesCommand, NODE_UPGRADE_SCRIPT } from "../../core/talos/upgrades";

const hasJq = spawnSync("jq", ["--version"]).status === 0;
const hasShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
const scripts = path.resolve(__dirname, "..", "..", "core", "talos", "scripts");

const SCHEMATIC = "a".repeat(64);
const NEW_SCHEMATIC = "b".repeat(64);
const TALOSCONFIG = "context: homelab\ncontexts:\n  homelab:\n    key: c2VjcmV0LWtleS1tYXRlcmlhbA==\n";
const KUBECONFIG = "apiVersion: v1\nusers:\n  - name: admin\n    user:\n      client-key-data: c2VjcmV0LWt1YmUta2V5\n";

// State lives in files so the fake tools can change what they report (an upgrade
// changes the running version). Every call is logged with the config file's
// path, mode and whether its content is the one passed in.
const TALOSCTL = String.raw`#!/usr/bin/env bash
set -euo pipefail
state="$FAKE_STATE"
mode="$(stat -c %a "$TALOSCONFIG" 2>/dev/null || stat -f %Lp "$TALOSCONFIG")"
same=no; cmp -s "$TALOSCONFIG" <(printf '%s' "$EXPECTED_TALOSCONFIG") && same=yes
echo "talosctl $* | cfg=$TALOSCONFIG mode=$mode same=$same" >>"$state/calls"
args=" $* "
case "$args" in
  *" get version "*) printf '{"node":"n","spec":{"name":"Talos","version":"%s"}}\n' "$(cat "$state/version")" ;;
  *" get extensions "*)
    printf '{"spec":{"image":"0.sqsh","metadata":{"name":"qemu-guest-agent","version":"10.0.2"}}}\n'
    printf '{"spec":{"image":"1.sqsh","metadata":{"name":"schematic","version":"%s"}}}\n' "$(cat "$state/schematic")" ;;
  *" get machinestatus "*) echo '{"spec":{"stage":"running","status":{"ready":true}}}' ;;
  *" get services etcd "*) printf '{"spec":{"running":true,"healthy":%s}}\n' "$(cat "$state/etcd-healthy")" ;;
  *" etcd members "*) cat "$state/members" ;;
  *" upgrade-k8s "*)
    if [[ "$args" != *" --dry-run "* ]]; then echo "$FAKE_K8S_AFTER" >"$state/k8s"; fi ;;
  *" upgrade "*)
    if [[ -f "$state/upgrade-to" ]]; then cat "$state/upgrade-to-version" >"$state/version"; cat "$state/upgrade-to" >"$state/schematic"; fi ;;
  *) echo "unexpected: $*" >&2; exit 3 ;;
esac
`;

const KUBECTL = String.raw`#!/usr/bin/env bash
set -euo pipefail
state="$FAKE_STATE"
same=no; cmp -s "$KUBECONFIG" <(printf '%s' "$EXPECTED_KUBECONFIG") && same=yes
mode="$(stat -c %a "$KUBECONFIG" 2>/dev/null || stat -f %Lp "$KUBECONFIG")"
echo "kubectl $* | cfg=$KUBECONFIG mode=$mode same=$same" >>"$state/calls"
v="$(cat "$state/k8s")"
[[ -n "$v" ]] || exit 0  # a cluster that lists nothing yet
case " $* " in
  *" get pods "*) for c in kube-apiserver kube-controller-manager kube-scheduler; do echo "registry.k8s.io/$c:$v"; done ;;
  *" get nodes "*) printf '%s\n%s\n' "$v" "$v" ;;
  *) exit 3 ;;
esac
`;

const MEMBERS_OK = [
  "NODE         ID                 HOSTNAME   PEER URLS                  CLIENT URLS                LEARNER",
  "10.10.0.12   2ad0fe0b8cba0e2c   k8s-cp-1   https://10.10.0.11:2380   https://10.10.0.11:2379   false",
  "10.10.0.12   6b3bfc2a7cf67171   k8s-cp-2   https://10.10.0.12:2380   https://10.10.0.12:2379   false",
  "10.10.0.12   8c2a1b1a2dd5e4f0   k8s-cp-3   https://10.10.0.13:2380   https://10.10.0.13:2379   false",
].join("\n");

let root: string;
let bin: string;
let state: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "upgrade-scripts-"));
  bin = path.join(root, "bin");
  state = path.join(root, "state");
  spawnSync("mkdir", ["-p", bin, state]);
  writeFileSync(path.join(bin, "talosctl"), TALOSCTL);
  writeFileSync(path.join(bin, "kubectl"), KUBECTL);
  chmodSync(path.join(bin, "talosctl"), 0o755);
  chmodSync(path.join(bin, "kubectl"), 0o755);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function setState(files: Record<string, string>) {
  rmSync(state, { recursive: true, force: true });
  spawnSync("mkdir", ["-p", state]);
  for (const [name, content] of Object.entries({ calls: "", ...files })) writeFileSync(path.join(state, name), content);
}
const calls = () => readFileSync(path.join(state, "calls"), "utf8").trim().split("\n").filter(Boolean);

/** Runs a command string the way the Command resource does: `bash -c <create>` with the step's environment. */
function run(commandText: string, env: Record<string, string>) {
  const r = spawnSync("bash", ["-c", commandText], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:${process.env["PATH"]}`,
      HOME: root,
      TMPDIR: root,
      FAKE_STATE: state,
      EXPECTED_TALOSCONFIG: TALOSCONFIG,
      EXPECTED_KUBECONFIG: KUBECONFIG,
      POLL_SECONDS: "0",
      ...env,
    },
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

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

/** After every run: no config file left behind in the temp dir, nothing secret printed. */
function expectCleanRun(result: { out: string; err: string }) {
  const leftovers = spawnSync("find", [root, "-path", bin, "-prune", "-o", "-path", state, "-prune", "-o", "-type", "f", "-print"], { encoding: "utf8" });
  expect(leftovers.stdout.trim()).toBe("");
  for (const secret of ["c2VjcmV0LWtleS1tYXRlcmlhbA==", "c2VjcmV0LWt1YmUta2V5"]) expect(result.out + result.err).not.toContain(secret);
}

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
    for (const call of calls()) expect(call).toMatch(/cfg=\S+\/talosconfig mode=600 same=yes$/);
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
    for (const call of calls()) expect(call).toMatch(/mode=600 same=yes$/);
    expectCleanRun(r);
  });

  it("confirm on an older cluster, and upgrade always: a dry run, then the real upgrade-k8s against one control plane", () => {
    for (const [mode, running] of [["confirm", "v1.35.4"], ["upgrade", "v1.35.5"]] as const) {
      setState({ k8s: running });
      const r = run(kubernetesCommand(mode), k8sEnv);
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
    const r = run(kubernetesCommand("upgrade"), { ...k8sEnv, FAKE_K8S_AFTER: "v1.35.4" });
    expect(r.status).toBe(1);
    expect(r.err).toContain("not everything runs v1.35.5");
  });
});

describe.skipIf(!hasShellcheck)("shellcheck (skipped only where shellcheck is not installed)", () => {
  it("passes on both upgrade scripts", () => {
    const r = spawnSync("shellcheck", ["--severity=style", path.join(scripts, "upgrade-node.sh"), path.join(scripts, "upgrade-kubernetes.sh")], { encoding: "utf8" });
    expect(r.status, r.stdout).toBe(0);
  });
});

it("the fake tools exist (guards the stand-ins above)", () => {
  expect(existsSync(path.join(bin, "talosctl"))).toBe(true);
});
