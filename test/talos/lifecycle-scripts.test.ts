// The lifecycle scripts run for real against stand-ins for talosctl and
// kubectl that answer like the real tools (JSON shapes of `talosctl get …
// --output json`, the `etcd members` table) and record every call.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { waitCommand } from "../../core/talos/cluster";

const hasJq = spawnSync("jq", ["--version"]).status === 0;
const TALOSCONFIG = "context: homelab\ncontexts:\n  homelab:\n    key: c2VjcmV0LWtleS1tYXRlcmlhbA==\n";
const KUBECONFIG = "apiVersion: v1\nusers:\n  - name: admin\n    user:\n      client-key-data: c2VjcmV0LWt1YmUta2V5\n";

// Per-node state in files named <ip>.<what>; a missing file means the default.
const TALOSCTL = String.raw`#!/usr/bin/env bash
set -euo pipefail
state="$FAKE_STATE"
cmp -s "$TALOSCONFIG" <(printf '%s' "$EXPECTED_TALOSCONFIG") || { echo "wrong talosconfig" >&2; exit 4; }
echo "talosctl $*" >>"$state/calls"
ip="$2"
[[ -f "$state/$ip.down" ]] && { echo "rpc error: connection refused" >&2; exit 1; }
get() { cat "$state/$ip.$1" 2>/dev/null || echo "$2"; }
case " $* " in
  *" get machinestatus "*) printf '{"spec":{"stage":"%s","status":{"ready":false}}}\n' "$(get stage running)" ;;
  *" get services etcd "*) printf '{"spec":{"running":true,"healthy":%s}}\n' "$(get etcd true)" ;;
  *" get services kubelet "*) printf '{"spec":{"running":true,"healthy":%s}}\n' "$(get kubelet true)" ;;
  *" etcd members "*) cat "$state/members" ;;
  *) echo "unexpected: $*" >&2; exit 3 ;;
esac
`;

const KUBECTL = String.raw`#!/usr/bin/env bash
set -euo pipefail
cmp -s "$KUBECONFIG" <(printf '%s' "$EXPECTED_KUBECONFIG") || { echo "wrong kubeconfig" >&2; exit 4; }
echo "kubectl $*" >>"$FAKE_STATE/calls"
[[ " $* " == *" get --raw /readyz "* ]] || exit 3
[[ -f "$FAKE_STATE/api-ready" ]] && { echo ok; exit 0; }
echo "The connection to the server 10.10.0.10:6443 was refused" >&2; exit 1
`;

const member = (id: string, name: string, ip: string, learner = false) =>
  `10.10.0.11   ${id}   ${name}   https://${ip}:2380   https://${ip}:2379   ${learner}`;
const HEADER = "NODE         ID                 HOSTNAME   PEER URLS                  CLIENT URLS                LEARNER";
const MEMBERS = [HEADER, member("2ad0fe0b8cba0e2c", "k8s-cp-1", "10.10.0.11"), member("6b3bfc2a7cf67171", "k8s-cp-2", "10.10.0.12"), member("8c2a1b1a2dd5e4f0", "k8s-cp-3", "10.10.0.13")].join("\n");

let root: string;
let bin: string;
let state: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "lifecycle-scripts-"));
  bin = path.join(root, "bin");
  state = path.join(root, "state");
  spawnSync("mkdir", ["-p", bin, state]);
  for (const [name, text] of [["talosctl", TALOSCTL], ["kubectl", KUBECTL]] as const) {
    writeFileSync(path.join(bin, name), text);
    chmodSync(path.join(bin, name), 0o755);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function setState(files: Record<string, string>) {
  rmSync(state, { recursive: true, force: true });
  spawnSync("mkdir", ["-p", state]);
  for (const [name, content] of Object.entries({ calls: "", members: MEMBERS, ...files })) writeFileSync(path.join(state, name), content);
}
const calls = () => readFileSync(path.join(state, "calls"), "utf8").trim().split("\n").filter(Boolean);

function run(commandText: string, env: Record<string, string>) {
  const r = spawnSync("bash", ["-c", commandText], {
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env["PATH"]}`, HOME: root, TMPDIR: root, FAKE_STATE: state, EXPECTED_TALOSCONFIG: TALOSCONFIG, EXPECTED_KUBECONFIG: KUBECONFIG, POLL_SECONDS: "0", ...env },
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** No config file left in the temp dir, nothing secret printed. */
function expectCleanRun(result: { out: string; err: string }) {
  const leftovers = spawnSync("find", [root, "-path", bin, "-prune", "-o", "-path", state, "-prune", "-o", "-type", "f", "-print"], { encoding: "utf8" });
  expect(leftovers.stdout.trim()).toBe("");
  for (const secret of ["c2VjcmV0LWtleS1tYXRlcmlhbA==", "c2VjcmV0LWt1YmUta2V5"]) expect(result.out + result.err).not.toContain(secret);
}

const talosEnv = (overrides: Record<string, string> = {}) => ({
  HOMELAB_TALOSCONFIG: TALOSCONFIG,
  CONTROL_PLANE_IPS: "10.10.0.11,10.10.0.12,10.10.0.13",
  WORKER_IPS: "10.10.0.21,10.10.0.31",
  WAIT_SECONDS: "1200",
  ...overrides,
});

describe.skipIf(!hasJq)("wait-cluster.sh talos (skipped only where jq is not installed)", () => {
  beforeEach(() => setState({}));

  it("passes once every node has booted and etcd and the control-plane kubelets are healthy, without Kubernetes node readiness", () => {
    const r = run(waitCommand("talos"), talosEnv());
    expect(r.status, r.err).toBe(0);
    const seen = calls();
    for (const ip of ["10.10.0.11", "10.10.0.12", "10.10.0.13", "10.10.0.21", "10.10.0.31"]) expect(seen).toContain(`talosctl --nodes ${ip} get machinestatus --output json`);
    for (const ip of ["10.10.0.11", "10.10.0.12", "10.10.0.13"]) {
      expect(seen).toContain(`talosctl --nodes ${ip} get services etcd --output json`);
      expect(seen).toContain(`talosctl --nodes ${ip} etcd members`);
      expect(seen).toContain(`talosctl --nodes ${ip} get services kubelet --output json`);
    }
    // Workers run no etcd.
    expect(seen.filter((c) => c.includes("10.10.0.21") && c.includes("etcd"))).toEqual([]);
    expectCleanRun(r);
  });

  it("keeps waiting while a worker is still booting, and gives up at the deadline with what it waited for", () => {
    setState({ "10.10.0.31.stage": "booting" });
    const r = run(waitCommand("talos"), talosEnv({ WAIT_SECONDS: "0" }));
    expect(r.status).toBe(1);
    expect(r.err).toContain("gave up after 0s waiting for every node's Talos API to answer and finish booting");
    expectCleanRun(r);
  });

  it("does not pass while a node's API does not answer", () => {
    setState({ "10.10.0.21.down": "" });
    expect(run(waitCommand("talos"), talosEnv({ WAIT_SECONDS: "0" })).status).toBe(1);
  });

  it("does not pass while a control plane is missing from etcd or is still a learner", () => {
    setState({ members: [HEADER, member("2ad0fe0b8cba0e2c", "k8s-cp-1", "10.10.0.11"), member("6b3bfc2a7cf67171", "k8s-cp-2", "10.10.0.12")].join("\n") });
    const missing = run(waitCommand("talos"), talosEnv({ WAIT_SECONDS: "0" }));
    expect(missing.status).toBe(1);
    expect(missing.err).toContain("waiting for etcd to be healthy with every control plane as a member");
    setState({ members: MEMBERS.replace(/false$/, "true") });
    expect(run(waitCommand("talos"), talosEnv({ WAIT_SECONDS: "0" })).status).toBe(1);
  });

  it("does not pass while a control plane's kubelet is unhealthy", () => {
    setState({ "10.10.0.12.kubelet": "false" });
    const r = run(waitCommand("talos"), talosEnv({ WAIT_SECONDS: "0" }));
    expect(r.status).toBe(1);
    expect(r.err).toContain("the kubelet to be healthy on every control plane");
  });

  it("works for a cluster without workers", () => {
    const r = run(waitCommand("talos"), talosEnv({ WORKER_IPS: "" }));
    expect(r.status, r.err).toBe(0);
  });
});

describe("wait-cluster.sh kubernetes", () => {
  beforeEach(() => setState({}));

  it("waits until the API server answers /readyz", () => {
    const down = run(waitCommand("kubernetes"), { HOMELAB_KUBECONFIG: KUBECONFIG, WAIT_SECONDS: "0" });
    expect(down.status).toBe(1);
    expect(down.err).toContain("gave up after 0s waiting for the Kubernetes API server to answer /readyz");
    expectCleanRun(down);
    setState({ "api-ready": "" });
    const up = run(waitCommand("kubernetes"), { HOMELAB_KUBECONFIG: KUBECONFIG, WAIT_SECONDS: "60" });
    expect(up.status, up.err).toBe(0);
    expect(calls()).toEqual(["kubectl get --raw /readyz"]);
    expectCleanRun(up);
  });
});
