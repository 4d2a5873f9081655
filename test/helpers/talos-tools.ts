/**
 * Stand-ins for talosctl and kubectl that answer like the real tools (the
 * JSON of `talosctl get … --output json`, the `etcd members` table) and
 * record every call, for running the upgrade steps' commands for real.
 *
 * State lives in files so the stand-ins can change what they report (an
 * upgrade changes the running version). Every call is logged with what the
 * tool saw: whether a HOMELAB_* secret was still in its environment, the
 * config file's path, mode, and whether its content is the one passed in.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expect } from "vitest";

export const SCHEMATIC = "a".repeat(64);
export const NEW_SCHEMATIC = "b".repeat(64);
export const TALOSCONFIG = "context: homelab\ncontexts:\n  homelab:\n    key: c2VjcmV0LWtleS1tYXRlcmlhbA==\n";
export const KUBECONFIG = "apiVersion: v1\nusers:\n  - name: admin\n    user:\n      client-key-data: c2VjcmV0LWt1YmUta2V5\n";
const SECRETS = ["c2VjcmV0LWtleS1tYXRlcmlhbA==", "c2VjcmV0LWt1YmUta2V5"];

const SEEN_ENV = String.raw`env=clean; [[ -z "${"$"}{HOMELAB_TALOSCONFIG+x}${"$"}{HOMELAB_KUBECONFIG+x}" ]] || env=secret`;

const TALOSCTL = String.raw`#!/usr/bin/env bash
set -euo pipefail
state="$FAKE_STATE"
${SEEN_ENV}
mode="$(stat -c %a "$TALOSCONFIG" 2>/dev/null || stat -f %Lp "$TALOSCONFIG")"
same=no; cmp -s "$TALOSCONFIG" <(printf '%s' "$EXPECTED_TALOSCONFIG") && same=yes
echo "talosctl $* | env=$env cfg=$TALOSCONFIG mode=$mode same=$same" >>"$state/calls"
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
${SEEN_ENV}
same=no; cmp -s "$KUBECONFIG" <(printf '%s' "$EXPECTED_KUBECONFIG") && same=yes
mode="$(stat -c %a "$KUBECONFIG" 2>/dev/null || stat -f %Lp "$KUBECONFIG")"
echo "kubectl $* | env=$env cfg=$KUBECONFIG mode=$mode same=$same" >>"$state/calls"
v="$(cat "$state/k8s")"
[[ -n "$v" ]] || exit 0  # a cluster that lists nothing yet
case " $* " in
  *" get pods "*) for c in kube-apiserver kube-controller-manager kube-scheduler; do echo "registry.k8s.io/$c:$v"; done ;;
  *" get nodes "*) printf '%s\n%s\n' "$v" "$v" ;;
  *) exit 3 ;;
esac
`;

export const MEMBERS_OK = [
  "NODE         ID                 HOSTNAME   PEER URLS                  CLIENT URLS                LEARNER",
  "10.10.0.12   2ad0fe0b8cba0e2c   k8s-cp-1   https://10.10.0.11:2380   https://10.10.0.11:2379   false",
  "10.10.0.12   6b3bfc2a7cf67171   k8s-cp-2   https://10.10.0.12:2380   https://10.10.0.12:2379   false",
  "10.10.0.12   8c2a1b1a2dd5e4f0   k8s-cp-3   https://10.10.0.13:2380   https://10.10.0.13:2379   false",
].join("\n");

export interface RunResult {
  readonly status: number | null;
  readonly out: string;
  readonly err: string;
}

/** A temp dir with the stand-ins in bin/ and their state in state/; call `remove` when done. */
export class TalosTools {
  readonly root = mkdtempSync(path.join(tmpdir(), "talos-tools-"));
  readonly bin = path.join(this.root, "bin");
  readonly state = path.join(this.root, "state");
  /** The commands run here: nothing of the repo is at hand, as on the laptop that runs Pulumi. */
  readonly cwd = path.join(this.root, "cwd");

  constructor() {
    for (const dir of [this.bin, this.state, this.cwd]) mkdirSync(dir);
    for (const [name, text] of [["talosctl", TALOSCTL], ["kubectl", KUBECTL]] as const) {
      writeFileSync(path.join(this.bin, name), text);
      chmodSync(path.join(this.bin, name), 0o755);
    }
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Replaces the stand-ins' state (and empties the call log). */
  setState(files: Record<string, string>): void {
    rmSync(this.state, { recursive: true, force: true });
    mkdirSync(this.state);
    for (const [name, content] of Object.entries({ calls: "", ...files })) writeFileSync(path.join(this.state, name), content);
  }

  /** Every call so far, as `<tool> <args> | env=… cfg=… mode=… same=…`. */
  calls(): string[] {
    return readFileSync(path.join(this.state, "calls"), "utf8").trim().split("\n").filter(Boolean);
  }

  /** Runs a command string the way the Command resource does: `bash -c <create>` with the step's environment. */
  run(commandText: string, env: Record<string, string>): RunResult {
    const r = spawnSync("bash", ["-c", commandText], {
      encoding: "utf8",
      cwd: this.cwd,
      env: {
        PATH: `${this.bin}:${process.env["PATH"]}`,
        HOME: this.root,
        TMPDIR: this.root,
        FAKE_STATE: this.state,
        EXPECTED_TALOSCONFIG: TALOSCONFIG,
        EXPECTED_KUBECONFIG: KUBECONFIG,
        POLL_SECONDS: "0",
        ...env,
      },
    });
    return { status: r.status, out: r.stdout, err: r.stderr };
  }

  /** After every run: no config file left behind in the temp dir, nothing secret printed. */
  expectCleanRun(result: RunResult, secrets: readonly string[] = SECRETS): void {
    const leftovers = spawnSync("find", [this.root, "-path", this.bin, "-prune", "-o", "-path", this.state, "-prune", "-o", "-type", "f", "-print"], { encoding: "utf8" });
    expect(leftovers.stdout.trim()).toBe("");
    for (const secret of secrets) expect(result.out + result.err).not.toContain(secret);
  }
}
