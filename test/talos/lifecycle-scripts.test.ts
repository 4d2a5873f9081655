// The lifecycle scripts run for real against stand-ins for talosctl and
// kubectl that answer like the real tools (JSON shapes of `talosctl get …
// --output json`, the `etcd members` table) and record every call.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { waitCommand } from "../../core/talos/cluster";
import { NODE_REBOOT_SCRIPT } from "../../core/talos/upgrades";

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
  *" get machinestatus "*) printf '{"spec":{"stage":"%s","status":{"ready":%s}}}\n' "$(get stage running)" "$(get ready true)" ;;
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
case " $* " in *" drain "*|*" uncordon "*) exit 0 ;; esac
[[ " $* " == *" get --raw /readyz "* ]] || exit 3
[[ -f "$FAKE_STATE/api-ready" ]] && { echo ok; exit 0; }
echo "The connection to the server 10.10.0.10:6443 was refused" >&2; exit 1
`;

// The Proxmox API as curl sees it: answers by path, like PVE's JSON API (`{"data": …}`),
// and records the request line plus what the credential looked like on the command line.
// (`${"$"}{` writes a literal bash `${` inside the template.)
const CURL = String.raw`#!/usr/bin/env bash
set -euo pipefail
state="$FAKE_STATE"
cfg="" method=GET url="" form=()
while (($#)); do
  case "$1" in
    --config) cfg="$2"; shift ;;
    --request) method="$2"; shift ;;
    --data-urlencode) form+=("$2"); method=POST; shift ;;
    http*) url="$1" ;;
  esac
  shift
done
echo "curl $method $url form=${"$"}{form[*]:-} cfg=$(grep -c . "$cfg") tls=$(grep -qx insecure "$cfg" && echo off || echo on)" >>"$state/calls"
grep -q "PVEAPIToken=pulumi@pve!homelab=s3cr3t-token" "$cfg" && echo "auth token" >>"$state/calls"
grep -q 'PVEAuthCookie=PVE:root@pam:TICKET' "$cfg" && grep -q 'CSRFPreventionToken: CSRF1' "$cfg" && echo "auth ticket" >>"$state/calls"
case "$method $url" in
  "POST "*/access/ticket)
    for f in "${"$"}{form[@]}"; do [[ $f == password@* ]] && [[ "$(cat "${"$"}{f#password@}")" == "pa55word" ]] && echo "password from file" >>"$state/calls"; done
    echo '{"data":{"ticket":"PVE:root@pam:TICKET","CSRFPreventionToken":"CSRF1","username":"root@pam"}}' ;;
  "GET "*/qemu/1102/pending) cat "$state/pending" ;;
  "POST "*/qemu/1102/status/reboot)
    echo '{"data":[{"key":"cores","value":4}]}' >"$state/pending"
    echo '{"data":"UPID:pve2:000A1B2C:0F00BA12:65A1B2C3:qmreboot:1102:pulumi@pve!homelab:"}' ;;
  "GET "*/nodes/pve2/tasks/UPID%3Apve2%3A000A1B2C%3A0F00BA12%3A65A1B2C3%3Aqmreboot%3A1102%3Apulumi%40pve!homelab%3A/status)
    echo '{"data":{"status":"stopped","exitstatus":"OK","type":"qmreboot"}}' ;;
  *) echo "unexpected $method $url" >&2; exit 22 ;;
esac
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
  for (const [name, text] of [["talosctl", TALOSCTL], ["kubectl", KUBECTL], ["curl", CURL]] as const) {
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
    // Away from the repo, as on the laptop that runs Pulumi: the command reads no file of it.
    cwd: root,
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

const PENDING = JSON.stringify({
  data: [
    { key: "cores", value: 4, pending: 8 },
    { key: "cpu", value: "x86-64-v2-AES", pending: "host" },
    { key: "name", value: "k8s-cp-2" },
  ],
});
const SETTLED = JSON.stringify({ data: [{ key: "cores", value: 8 }, { key: "name", value: "k8s-cp-2" }] });

const rebootEnv = (overrides: Record<string, string> = {}) => ({
  HOMELAB_TALOSCONFIG: TALOSCONFIG,
  HOMELAB_KUBECONFIG: KUBECONFIG,
  HOMELAB_PROXMOX_SECRET: "pulumi@pve!homelab=s3cr3t-token",
  PROXMOX_AUTH: "token",
  PROXMOX_USERNAME: "",
  PROXMOX_ENDPOINT: "https://10.10.0.2:8006/",
  PROXMOX_INSECURE: "false",
  PROXMOX_HOST: "pve2",
  VM_ID: "1102",
  NODE_NAME: "k8s-cp-2",
  NODE_IP: "10.10.0.12",
  NODE_CLASS: "controlplane",
  CONTROL_PLANE_IPS: "10.10.0.11,10.10.0.12,10.10.0.13",
  DRAIN_TIMEOUT: "10m",
  // Short: a failing check gives up quickly instead of polling for minutes.
  GATE_SECONDS: "5",
  ...overrides,
});

describe.skipIf(!hasJq)("reboot-node.sh (skipped only where jq is not installed)", () => {
  beforeEach(() => setState({ pending: PENDING }));
  const requests = () => calls().filter((c) => c.startsWith("curl ") || c.startsWith("kubectl ") || c.includes(" etcd members"));

  it("does nothing when Proxmox holds no pending change for the VM (a new step, or a change already applied)", () => {
    setState({ pending: SETTLED });
    const r = run(NODE_REBOOT_SCRIPT, rebootEnv());
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain("no pending hardware changes; nothing to do");
    expect(calls().filter((c) => c.startsWith("curl "))).toEqual(["curl GET https://10.10.0.2:8006/api2/json/nodes/pve2/qemu/1102/pending form= cfg=4 tls=on"]);
    expect(calls().some((c) => c.startsWith("talosctl") || c.startsWith("kubectl"))).toBe(false);
    expectCleanRun(r);
  });

  it("reboots a control plane through Proxmox only after the etcd gate and a drain, then waits for it, uncordons and checks etcd again", () => {
    const r = run(NODE_REBOOT_SCRIPT, rebootEnv());
    expect(r.status, r.err).toBe(0);
    const seq = requests().map((c) => c.replace(/ form=.*$/, ""));
    const reboot = seq.indexOf("curl POST https://10.10.0.2:8006/api2/json/nodes/pve2/qemu/1102/status/reboot");
    const drain = seq.indexOf("kubectl drain k8s-cp-2 --ignore-daemonsets --delete-emptydir-data --timeout 10m");
    const gate = seq.indexOf("talosctl --nodes 10.10.0.12 etcd members");
    expect([gate >= 0, gate < drain, drain < reboot]).toEqual([true, true, true]);
    const after = seq.slice(reboot + 1);
    expect(after).toContain("kubectl uncordon k8s-cp-2");
    expect(after).toContain("talosctl --nodes 10.10.0.12 etcd members");
    // Pending changes read before and once more after the reboot.
    expect(seq.filter((c) => c.endsWith("/qemu/1102/pending"))).toHaveLength(2);
    expect(r.out).toContain("pending changes (cores cpu )");
    expect(calls().filter((c) => c === "auth token").length).toBeGreaterThan(0);
    expectCleanRun(r);
  });

  it("keeps the API token out of every command line: it reaches curl only in its private config file", () => {
    const r = run(NODE_REBOOT_SCRIPT, rebootEnv());
    expect(r.status, r.err).toBe(0);
    for (const c of calls()) expect(c).not.toContain("s3cr3t-token");
    expect(r.out + r.err).not.toContain("s3cr3t-token");
  });

  it("logs in with a password read from a file for password auth, then uses the ticket", () => {
    const r = run(NODE_REBOOT_SCRIPT, rebootEnv({ PROXMOX_AUTH: "password", PROXMOX_USERNAME: "root@pam", HOMELAB_PROXMOX_SECRET: "pa55word", PROXMOX_INSECURE: "true" }));
    expect(r.status, r.err).toBe(0);
    expect(calls()).toContain("password from file");
    expect(calls()).toContain("auth ticket");
    expect(calls().filter((c) => c.startsWith("curl ")).every((c) => c.endsWith("tls=off"))).toBe(true);
    for (const c of calls()) expect(c).not.toContain("pa55word");
    expectCleanRun(r);
  });

  it("does not reboot a control plane while etcd is missing a member, and fails when the gate times out", () => {
    setState({ pending: PENDING, members: [HEADER, member("2ad0fe0b8cba0e2c", "k8s-cp-1", "10.10.0.11")].join("\n") });
    const r = run(NODE_REBOOT_SCRIPT, rebootEnv({ GATE_SECONDS: "0" }));
    expect(r.status).toBe(1);
    expect(r.err).toContain("gave up after 0s waiting for a healthy etcd before rebooting");
    expect(calls().some((c) => c.includes("status/reboot") || c.startsWith("kubectl drain"))).toBe(false);
    expectCleanRun(r);
  });

  it("reboots a worker without any etcd gate", () => {
    const r = run(NODE_REBOOT_SCRIPT, rebootEnv({ NODE_NAME: "k8s-worker-2", NODE_IP: "10.10.0.22", NODE_CLASS: "worker" }));
    expect(r.status, r.err).toBe(0);
    expect(calls().some((c) => c.includes("etcd"))).toBe(false);
    expect(calls().some((c) => c.includes("status/reboot"))).toBe(true);
  });

  it("fails when Proxmox still holds pending changes after the reboot, so the rollout stops", () => {
    // A pending entry left behind by the reboot.
    const stuck = JSON.stringify({ data: [{ key: "hostpci0", pending: "mapping=rtx-4090,pcie=1" }] });
    setState({ pending: PENDING });
    const r = run(`${NODE_REBOOT_SCRIPT.replace('wait_for "Proxmox to reboot VM $VM_ID" task_done', `wait_for "Proxmox to reboot VM $VM_ID" task_done; echo '${stuck}' >"$FAKE_STATE/pending"`)}`, rebootEnv({ NODE_CLASS: "worker" }));
    expect(r.status).toBe(1);
    expect(r.err).toContain("still holds pending changes: hostpci0");
  });
});
