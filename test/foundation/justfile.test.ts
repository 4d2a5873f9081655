/**
 * The justfile is how people run every stack; these tests pin the exact
 * commands it runs (`just --dry-run` prints them without running them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
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

/** Runs a recipe for real, with the stand-ins of test/fixtures/fake-bin for sops, pulumi and age-keygen first on PATH. */
function realRun(args: string[], extraEnv: NodeJS.ProcessEnv = {}, input = ""): { stdout: string; stderr: string; status: number | null } {
  const bin = path.join(root, "test", "fixtures", "fake-bin");
  const r = spawnSync(justBin, args, {
    cwd: root,
    encoding: "utf8",
    input,
    env: { ...process.env, PATH: `${bin}:${process.env["PATH"]}`, SOPS_AGE_KEY_FILE: "", HOMELAB_SKIP_POLICY: "", ...extraEnv },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

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
  it("checks for placeholders, then runs the action with --stack inside sops exec-env (the selected stack is left alone)", () => {
    const { err, status } = dryRun("core", "talos", "preview");
    expect(status).toBe(0);
    expect(err.trim().split("\n")).toEqual([
      "true",
      "npx --no-install tsx scripts/check.ts --placeholders talos",
      `sops exec-env secrets/bootstrap.sops.yaml "pulumi preview --policy-pack policy$(printf ' %q' "\${@:3}") --stack talos"`,
    ]);
    expect(err).not.toContain("stack select");
  });

  it("offers only real top-level Pulumi commands as actions (outputs are `stack output`)", () => {
    for (const action of ["output", "history", "apply"]) expect(dryRun("core", "talos", action).status, action).not.toBe(0);
    for (const action of ["preview", "up", "refresh", "destroy", "import", "config", "state", "stack", "cancel", "watch"])
      expect(dryRun("core", "talos", action).status, action).toBe(0);
  });

  it("runs the policy pack on preview and up only", () => {
    for (const action of ["preview", "up"]) expect(dryRun("core", "hetzner", action).err).toContain(`pulumi ${action} --policy-pack policy$(`);
    for (const action of ["refresh", "destroy", "output"]) expect(dryRun("core", "hetzner", action).err).not.toContain("--policy-pack");
    expect(dryRun("create-secrets").err).toContain("pulumi up --policy-pack policy --target");
  });

  it("HOMELAB_SKIP_POLICY=1 drops the policy pack and says so on stderr before the run", () => {
    for (const args of [["core", "talos", "up"], ["create-secrets"]]) {
      const cmd = dryRunWith({ HOMELAB_SKIP_POLICY: "1" }, ...args).err.trim().split("\n").at(-1)!;
      expect(cmd).not.toContain("--policy-pack");
      expect(cmd).toMatch(/^echo 'WARNING: HOMELAB_SKIP_POLICY=1: the guard rails in policy\/ are NOT checked on this run[^']*' >&2; sops exec-env /);
    }
    // Any other value keeps the pack: only an explicit 1 turns it off.
    expect(dryRunWith({ HOMELAB_SKIP_POLICY: "yes" }, "core", "talos", "up").err).toContain("--policy-pack policy");
  });

  it("passes extra arguments through to pulumi one by one, never re-split or expanded", () => {
    // Run the recipe for real with stand-ins for sops and pulumi that echo their argv.
    const r = realRun(["core", "hetzner", "stack", "output", "--target", "urn:pulumi:hetzner::homelab::a$b::c", "two words", "*"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("sops exec-env secrets/bootstrap.sops.yaml");
    expect(r.stdout).toContain("pulumi <stack> <output> <--target> <urn:pulumi:hetzner::homelab::a$b::c> <two words> <*> <--stack> <hetzner>");
  });

  it("refuses a real up while example values are in the config, listing them, before sops or pulumi run", () => {
    const r = realRun(["core", "hetzner", "up", "--yes"], { HOMELAB_CONFIG_DIR: path.join(root, "test", "fixtures", "config") });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("Example values are still in the config");
    expect(r.stderr).toContain('homelab:stackRefs.talos: "example-org/homelab/talos"');
    expect(r.stdout).not.toContain("sops exec-env");
  });

  it("asks before destroy and does nothing unless the stack's name is typed", () => {
    const r = realRun(["core", "talos", "destroy"], {}, "yes\n");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("destroy: not confirmed, nothing done");
    expect(r.stdout).not.toContain("pulumi");
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
  it("render runs the offline render for a stack, arguments passed as they are", () => {
    expect(dryRun("render", "talos", "--json").err.trim()).toBe('npm run --silent render -- "$@"');
  });

  it("test runs the README test command", () => {
    expect(dryRun("test").err.trim()).toBe("npm test");
  });

  it("kubeconfig and talosconfig write the stack output to a private file, and only when pulumi succeeds", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-kube-"));
    try {
      for (const what of ["kubeconfig", "talosconfig"]) {
        const target = path.join(dir, `my ${what}`);
        const ok = realRun([what, target]);
        expect(ok.status, ok.stderr).toBe(0);
        expect(fs.readFileSync(target, "utf8")).toBe(`pulumi <stack> <output> <${what}> <--show-secrets> <--stack> <talos>\n`);
        expect(fs.statSync(target).mode & 0o777).toBe(0o600);
        // pulumi fails half-way: the working file stays as it was, no temp file is left.
        fs.writeFileSync(target, "working\n");
        const failed = realRun([what, target], { FAKE_PULUMI_FAIL: "1" });
        expect(failed.status).not.toBe(0);
        expect(fs.readFileSync(target, "utf8")).toBe("working\n");
      }
      expect(fs.readdirSync(dir).sort()).toEqual(["my kubeconfig", "my talosconfig"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("init makes the age key, puts its recipient in .sops.yaml and writes the encrypted file, never plaintext", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-init-"));
    try {
      fs.mkdirSync(path.join(dir, "scripts"));
      fs.mkdirSync(path.join(dir, "secrets"));
      fs.copyFileSync(path.join(root, "scripts", "init.sh"), path.join(dir, "scripts", "init.sh"));
      fs.copyFileSync(path.join(root, ".sops.yaml"), path.join(dir, ".sops.yaml"));
      fs.copyFileSync(path.join(root, "secrets", "bootstrap.sops.yaml.example"), path.join(dir, "secrets", "bootstrap.sops.yaml.example"));
      const key = path.join(dir, "home", "keys.txt");
      const init = (env: NodeJS.ProcessEnv = {}) => realRun(["--justfile", path.join(root, "justfile"), "--working-directory", dir, "init"], { SOPS_AGE_KEY_FILE: key, ...env });
      // sops fails: nothing is left under secrets/ but the example.
      expect(init({ FAKE_SOPS_FAIL: "1" }).status).not.toBe(0);
      expect(fs.readdirSync(path.join(dir, "secrets"))).toEqual(["bootstrap.sops.yaml.example"]);
      const r = init();
      expect(r.status, r.stderr).toBe(0);
      expect(fs.statSync(key).mode & 0o077).toBe(0);
      const sopsYaml = fs.readFileSync(path.join(dir, ".sops.yaml"), "utf8");
      expect(sopsYaml).toContain("age1fakerecipient");
      expect(sopsYaml).not.toContain("age1qkr3nuy92z3z078dvugm22dnkjsh0d255s4leclpxl7a8ns3nsasfn8mc8");
      expect(fs.readFileSync(path.join(dir, "secrets", "bootstrap.sops.yaml"), "utf8")).toMatch(/^sops:\n {4}age:/m);
      expect(fs.readdirSync(path.join(dir, "secrets")).sort()).toEqual(["bootstrap.sops.yaml", "bootstrap.sops.yaml.example"]);
      // Again: nothing changes, and it says how to edit instead.
      const again = init();
      expect(again.status).toBe(0);
      expect(again.stderr).toContain("exists; edit it with just secrets-edit");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("git ignores plaintext secret files and the recipes' temporary files", () => {
    const ignored = (f: string) => spawnSync("git", ["check-ignore", "-q", "--no-index", f], { cwd: root }).status === 0;
    for (const f of ["secrets/bootstrap.yaml", "secrets/bootstrap.dec.yaml", "secrets/.bootstrap.AbC123", ".kubeconfig.x1Y2z3", "kubeconfig", "talosconfig"]) expect(ignored(f), f).toBe(true);
    for (const f of ["secrets/bootstrap.sops.yaml", "secrets/bootstrap.sops.yaml.example"]) expect(ignored(f), f).toBe(false);
  });

  it("just --list shows the recipes in groups", () => {
    const out = execFileSync(justBin, ["--list", "--unsorted"], { cwd: root, encoding: "utf8" });
    for (const group of ["[stacks]", "[cluster]", "[offline]", "[setup]"]) expect(out).toContain(group);
  });

  it("create-secrets runs a platform up targeted at exactly the bootstrap-Secret globs the platform stack defines", () => {
    const cmd = dryRun("create-secrets").err.trim();
    expect(cmd).toMatch(/^sops exec-env secrets\/bootstrap\.sops\.yaml "pulumi up --policy-pack policy /);
    expect(cmd).toMatch(/ --stack platform"$/);
    const targets = [...cmd.matchAll(/--target '([^']+)'/g)].map((m) => m[1]);
    expect(targets).toEqual([...CREATE_SECRETS_TARGETS]);
  });

  it("secrets-edit opens the sops file", () => {
    expect(dryRun("secrets-edit").err.trim()).toBe("sops secrets/bootstrap.sops.yaml");
  });
});
