/**
 * The render CLIs' arguments (node:util.parseArgs): a wrong option is a usage
 * message and exit 2, never a stack trace, and nothing is rendered first.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
// node with tsx's loader: what `npm run render` runs, without the tsx CLI's relay process (~0.1 s per run).
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", ...args], { cwd: root, encoding: "utf8" });

describe("render CLI arguments", () => {
  it("refuses an unknown option and two output formats at once with the usage, exit 2", () => {
    for (const args of [["talos", "--bogus"], ["talos", "--json", "--mermaid"]]) {
      const r = cli("core/render/cli.ts", ...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain("usage: npm run render -- <stack> [--json | --mermaid] [--preview]");
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    }
  });

  it("render:diff refuses an unknown option or stack with its usage, exit 2", () => {
    for (const args of [["HEAD", "--bogus"], ["HEAD", "--stacks", "nope"]]) {
      const r = cli("scripts/render-diff.ts", ...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain("usage: npm run render:diff -- <base-ref>");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
