/**
 * `npm run render:diff -- HEAD~1` end to end, in a throwaway git repository
 * holding a copy of this project: one commit changes one config value, and the
 * diff must name exactly the resource input that value feeds.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_CONFIG_DIR } from "../helpers/fixtures";

const root = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);

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

    const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
    const { stdout } = await run(process.execPath, [tsx, "scripts/render-diff.ts", "HEAD~1", "--stacks", "cloudflare"], { cwd: repo });

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
