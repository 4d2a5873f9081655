/**
 * `npm run render:diff -- HEAD~1` end to end, in a throwaway git repository
 * holding a copy of this project: one commit changes one config value, and the
 * diff must name exactly the resource input that value feeds. Then the same
 * with a 300-node cluster, and a large render read by a slow reader: the
 * output arrives whole (a CLI that forces its exit after writing cuts what
 * is still in the pipe).
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { talosConfig } from "../../bench/generate";
import { FIXTURE_CONFIG_DIR } from "../helpers/fixtures";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { projectShape } from "../../core/config/project";

const root = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);
/** Node with tsx's loader: what `npm run` runs, without the tsx CLI's relay process in between. */
const TSX = ["--import", pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href];

let repo: string;

function git(...args: string[]): string {
  return execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
}

/** Copies what a commit of this checkout would hold; borrows node_modules and the compiled sdks. */
function copyProject(to: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && !f.startsWith("node_modules/"));
  for (const file of files) {
    const from = path.join(root, file);
    if (!fs.existsSync(from) || fs.statSync(from).isDirectory()) continue;
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(from, path.join(to, file));
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(to, "node_modules"));
  for (const sdk of fs.readdirSync(path.join(root, "sdks"))) {
    const bin = path.join(root, "sdks", sdk, "bin");
    if (fs.existsSync(bin)) fs.symlinkSync(bin, path.join(to, "sdks", sdk, "bin"));
  }
}

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), "render-diff-test-"));
  copyProject(repo);
  // The copy's root config is the example (the fixtures), whatever the user's root files say.
  for (const file of fs.readdirSync(FIXTURE_CONFIG_DIR)) fs.copyFileSync(path.join(FIXTURE_CONFIG_DIR, file), path.join(repo, file));
  git("init", "-q", "-b", "main");
  // The borrowed node_modules and sdks/*/bin are symlinks, which "node_modules/" and "bin/" in .gitignore do not cover.
  fs.appendFileSync(path.join(repo, ".git", "info", "exclude"), "/node_modules\nbin\n");
  git("add", "-A");
  git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "base");
});

afterAll(() => {
  if (repo) fs.rmSync(repo, { recursive: true, force: true });
});

describe("render:diff against the previous commit", () => {
  it("names exactly the record whose input one changed config value feeds", async () => {
    // The shared Gateway's LAN IP: the cloudflare stack points the *.<domain> wildcard at it.
    const file = path.join(repo, "Pulumi.yaml");
    const before = fs.readFileSync(file, "utf8");
    const after = before.replace("ingressIp: 10.10.0.200", "ingressIp: 10.10.0.201");
    expect(after).not.toBe(before);
    fs.writeFileSync(file, after);
    git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-am", "move the gateway IP");

    const { stdout } = await run(process.execPath, [...TSX, "scripts/render-diff.ts", "HEAD~1", "--stacks", "cloudflare"], { cwd: repo });

    const section = stdout.slice(stdout.indexOf("cloudflare:"));
    expect(section.trimEnd().split("\n")).toEqual([
      "cloudflare: 0 to add, 1 to change, 0 to replace, 0 to remove",
      expect.stringMatching(/^~ cloudflare:index\/dnsRecord:DnsRecord {2}\*\.lab\.example\.com\S*$/),
      '      content: "10.10.0.200" → "10.10.0.201"',
    ]);
    expect(stdout).toContain("changed: cloudflare");
    // The base was rendered in a worktree that is gone again; the working tree is untouched.
    expect(git("worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
    expect(git("status", "--porcelain")).toBe("");
    // Two renders in child processes: ~7 s on an idle 2-core machine, more when the suite runs beside it.
  }, 90_000);
});

/**
 * Runs `command` with its stdout read by a second process that takes 4 KiB
 * every few milliseconds: far slower than the writer, so a writer that exits
 * right after its last write would leave most of a large output unread.
 * Resolves with what the reader received and the writer's exit status.
 */
function throughSlowReader(command: string[], cwd: string): Promise<{ text: string; status: number | null; stderr: string }> {
  const reader = `
    const chunks = [];
    const take = () => {
      let chunk;
      if ((chunk = process.stdin.read(4096)) !== null) { chunks.push(chunk); setTimeout(take, 2); }
      else process.stdin.once("readable", take);
    };
    process.stdin.once("end", () => process.stdout.write(Buffer.concat(chunks)));
    setTimeout(take, 200);`;
  return new Promise((resolve, reject) => {
    // The render reads the copy's own root config (the suite points HOMELAB_CONFIG_DIR at the fixtures).
    const env = { ...process.env, HOMELAB_CONFIG_DIR: "" };
    const writer = spawn(process.execPath, command, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const err: Buffer[] = [];
    writer.stderr.on("data", (b: Buffer) => err.push(b));
    const slow = spawn(process.execPath, ["-e", reader], { stdio: ["pipe", "pipe", "inherit"] });
    writer.stdout.pipe(slow.stdin);
    const out: Buffer[] = [];
    slow.stdout.on("data", (b: Buffer) => out.push(b));
    let status: number | null = null;
    writer.on("close", (code) => (status = code));
    writer.on("error", reject);
    slow.on("close", () => resolve({ text: Buffer.concat(out).toString("utf8"), status, stderr: Buffer.concat(err).toString("utf8") }));
  });
}

/**
 * Writes a generated talos config as a user would hold it: the project-level
 * keys in Pulumi.yaml (under `value:`), the stack's own in Pulumi.talos.yaml.
 */
function writeTalosConfig(nodes: number): void {
  const raw = talosConfig(nodes, 3, repo);
  const isProject = (k: string) => Object.keys(projectShape).includes(k.replace(/^homelab:/, ""));
  const project = parseYaml(fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> };
  for (const [k, v] of Object.entries(raw)) if (isProject(k)) project.config[k] = { value: JSON.parse(v.startsWith("{") || v.startsWith("[") ? v : JSON.stringify(v)) };
  fs.writeFileSync(path.join(repo, "Pulumi.yaml"), stringifyYaml(project));
  const lines = Object.entries(raw).filter(([k]) => !isProject(k)).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  fs.writeFileSync(path.join(repo, "Pulumi.talos.yaml"), `config:\n${lines.join("\n")}\n`);
}

describe("large renders arrive whole", () => {
  it("a slow reader gets the whole, valid JSON of a render of several hundred resources", async () => {
    writeTalosConfig(100);
    try {
      const { text, status, stderr } = await throughSlowReader([...TSX, "core/render/cli.ts", "talos", "--json"], repo);
      expect(status, stderr).toBe(0);
      expect(text.length).toBeGreaterThan(1_000_000); // far beyond a pipe's 64 KiB
      const doc = JSON.parse(text) as { resources: { type: string }[] };
      expect(doc.resources.filter((r) => r.type === "proxmoxve:index/vmLegacy:VmLegacy")).toHaveLength(100);
    } finally {
      git("checkout", "--", "Pulumi.talos.yaml", "Pulumi.yaml");
    }
  }, 120_000);

  it("render:diff reports a change to a 300-node cluster in full, to a slow reader too", async () => {
    writeTalosConfig(300);
    git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-am", "300 nodes");
    const file = path.join(repo, "Pulumi.talos.yaml");
    const before = fs.readFileSync(file, "utf8");
    expect(before).toContain("v1.13.9");
    fs.writeFileSync(file, before.replace("v1.13.9", "v1.13.10"));
    git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-am", "talos patch release");

    const { text, status, stderr } = await throughSlowReader([...TSX, "scripts/render-diff.ts", "HEAD~1", "--stacks", "talos"], repo);
    expect(status, `${stderr}\n${text.slice(0, 2000)}`).toBe(0);
    // One upgrade step per node, replaced: its triggers name the installer image.
    expect(text).toMatch(/^talos: 0 to add, \d+ to change, \d+ to replace, 0 to remove$/m);
    expect(text.match(/^\+- command:local:Command {2}upgrades-node-/gm)).toHaveLength(300);
    expect(text.length).toBeGreaterThan(65_536);
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/\S/); // ends on a line of the report, not mid-way
  }, 300_000);
});
