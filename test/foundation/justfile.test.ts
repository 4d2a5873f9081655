/**
 * The justfile is how people run every stack; these tests pin the exact
 * commands it runs (`just --dry-run` prints them without running them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CREATE_SECRETS_TARGETS } from "../../core/platform/targets";

const root = path.resolve(__dirname, "..", "..");
/**
 * The native binary that node_modules/.bin/just (a node wrapper) starts. Calling
 * it directly runs the same just on the same justfile without a node process
 * per call (about 0.3 s each, a dozen calls here).
 */
const justBin = (() => {
  try {
    return require.resolve(`rust-just-${process.platform}-${process.arch}/bin/just`);
  } catch {
    return path.join(root, "node_modules", ".bin", "just");
  }
})();

function dryRun(...args: string[]): { out: string; err: string; status: number | null } {
  return dryRunWith({}, ...args);
}

function dryRunWith(extraEnv: NodeJS.ProcessEnv, ...args: string[]): { out: string; err: string; status: number | null } {
  const env: NodeJS.ProcessEnv = { ...process.env, SOPS_AGE_KEY_FILE: "/keys/age.txt", ...extraEnv };
  if (!("HOMELAB_SKIP_POLICY" in extraEnv)) delete env["HOMELAB_SKIP_POLICY"];
  const r = spawnSync(justBin, ["--dry-run", ...args], {
    cwd: root,
    encoding: "utf8",
    env,
  });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe("just core <stack> <action>", () => {
  it("selects the stack and runs the action inside sops exec-env", () => {
    const { err, status } = dryRun("core", "talos", "preview");
    expect(status).toBe(0);
    expect(err.trim()).toBe(
      `sops exec-env secrets/bootstrap.sops.yaml "pulumi stack select talos && pulumi preview --policy-pack policy$(printf ' %q' "\${@:3}")"`,
    );
  });

  it("runs the policy pack on preview and up only", () => {
    for (const action of ["preview", "up"]) expect(dryRun("core", "hetzner", action).err).toContain(`pulumi ${action} --policy-pack policy$(`);
    for (const action of ["refresh", "destroy", "output"]) expect(dryRun("core", "hetzner", action).err).not.toContain("--policy-pack");
    expect(dryRun("create-secrets").err).toContain("pulumi up --policy-pack policy --target");
  });

  it("HOMELAB_SKIP_POLICY=1 drops the policy pack and says so on stderr before the run", () => {
    for (const args of [["core", "talos", "up"], ["create-secrets"]]) {
      const cmd = dryRunWith({ HOMELAB_SKIP_POLICY: "1" }, ...args).err.trim();
      expect(cmd).not.toContain("--policy-pack");
      expect(cmd).toMatch(/^echo 'WARNING: HOMELAB_SKIP_POLICY=1: the guard rails in policy\/ are NOT checked on this run[^']*' >&2; sops exec-env /);
    }
    // Any other value keeps the pack: only an explicit 1 turns it off.
    expect(dryRunWith({ HOMELAB_SKIP_POLICY: "yes" }, "core", "talos", "up").err).toContain("--policy-pack policy");
  });

  it("passes extra arguments through to pulumi, shell-quoted, so URNs with $ survive", () => {
    // Run the recipe for real with stand-ins for sops and pulumi that echo their argv.
    const bin = path.join(root, "test", "fixtures", "fake-bin");
    const r = spawnSync(
      justBin,
      ["core", "hetzner", "up", "--yes", "--target", "urn:pulumi:hetzner::homelab::a$b::c", "--diff"],
      { cwd: root, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env["PATH"]}`, SOPS_AGE_KEY_FILE: "", HOMELAB_SKIP_POLICY: "" } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("sops exec-env secrets/bootstrap.sops.yaml");
    expect(r.stdout).toContain("pulumi <stack> <select> <hetzner>");
    expect(r.stdout).toContain("pulumi <up> <--policy-pack> <policy> <--yes> <--target> <urn:pulumi:hetzner::homelab::a$b::c> <--diff>");
  });

  it("defaults SOPS_AGE_KEY_FILE to ~/.config/sops/age/keys.txt", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: "/home/someone" };
    delete env["SOPS_AGE_KEY_FILE"];
    const out = execFileSync(justBin, ["--evaluate", "SOPS_AGE_KEY_FILE"], { cwd: root, encoding: "utf8", env });
    expect(out.trim()).toBe("/home/someone/.config/sops/age/keys.txt");
  });

  it("rejects an unknown stack with the valid names, before running anything", () => {
    const { err, status } = dryRun("core", "talso", "up");
    expect(status).not.toBe(0);
    expect(err).toContain('unknown stack "talso"; valid stacks: talos platform hetzner authentik cloudflare');
  });

  it("rejects an unknown action", () => {
    const { err, status } = dryRun("core", "talos", "apply");
    expect(status).not.toBe(0);
    expect(err).toContain('unknown action "apply"');
  });
});

describe("other recipes", () => {
  it("render runs the offline render for a stack", () => {
    expect(dryRun("render", "talos", "--json").err.trim()).toBe("npm run --silent render -- talos --json");
  });

  it("test runs the README test command", () => {
    expect(dryRun("test").err.trim()).toBe("npm test");
  });

  it("kubeconfig and talosconfig write stack outputs with mode 0600", () => {
    expect(dryRun("kubeconfig").err.trim()).toBe(
      "umask 077 && pulumi stack output kubeconfig --show-secrets --stack talos > 'kubeconfig' && chmod 600 'kubeconfig'",
    );
    expect(dryRun("talosconfig").err.trim()).toBe(
      "umask 077 && pulumi stack output talosconfig --show-secrets --stack talos > 'talosconfig' && chmod 600 'talosconfig'",
    );
  });

  it("create-secrets runs a platform up targeted at exactly the bootstrap-Secret globs the platform stack defines", () => {
    const cmd = dryRun("create-secrets").err.trim();
    expect(cmd).toMatch(/^sops exec-env secrets\/bootstrap\.sops\.yaml "pulumi stack select platform && pulumi up --policy-pack policy /);
    const targets = [...cmd.matchAll(/--target '([^']+)'/g)].map((m) => m[1]);
    expect(targets).toEqual([...CREATE_SECRETS_TARGETS]);
  });

  it("secrets-edit opens the sops file", () => {
    expect(dryRun("secrets-edit").err.trim()).toBe("sops secrets/bootstrap.sops.yaml");
  });
});
