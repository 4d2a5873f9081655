import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DOCS_FILE, SCHEMA_DIR, configReference, stackFileSchema, withReference } from "../../scripts/config-reference";
import { STACK_NAMES } from "../../core/stacks";

const root = path.resolve(__dirname, "..", "..");

describe("README", () => {
  it("docs/config.md carries the config reference generated from the schemas (npm run docs:config)", async () => {
    const doc = readFileSync(DOCS_FILE, "utf8");
    expect(doc).toBe(withReference(doc, await configReference()));
  });

  it("the config reference describes every key it lists (zod .describe() on each schema field)", async () => {
    const keyRows = (await configReference()).split("\n").filter((l) => l.startsWith("| `homelab:"));
    // Cells split on unescaped pipes: `| key | type | required | default | description |`.
    const undescribed = keyRows
      .map((row) => row.split(/(?<!\\)\|/).map((c) => c.trim()))
      .filter((cells) => cells.length !== 7 || cells[5] === "")
      .map((cells) => cells[1]);
    expect(keyRows.length).toBeGreaterThan(250);
    expect(undescribed).toEqual([]);
  });

  it("docs/schema holds each stack file's JSON Schema as generated (npm run docs:config)", async () => {
    for (const stack of STACK_NAMES)
      expect(readFileSync(path.join(SCHEMA_DIR, `Pulumi.${stack}.schema.json`), "utf8"), stack).toBe(await stackFileSchema(stack));
  });

  it("points only at files inside the repository, and cites docs/ rather than documents that do not ship", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    expect(readme).not.toMatch(/\.\.\/shared|DESIGN §|STYLE rule/);
    for (const [, target] of readme.matchAll(/\]\(((?:docs|core|test|scripts|policy|secrets)\/[^)#\s]*)/g))
      expect(existsSync(path.join(root, target!)), target).toBe(true);
  });

  it("names the test command that .ci/run runs", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const ci = readFileSync(path.join(root, ".ci", "run"), "utf8");
    expect(readme).toContain("npm test ");
    expect(ci.trim().split("\n").slice(-2)).toEqual(["npm ci", "npm test"]);
  });

  it("code, tests and tools cite docs/ pages and headings that exist, never documents that do not ship", () => {
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "core", "scripts", "test", "sdks", "bench", "policy", ".github", "README.md", "Pulumi.yaml"], { cwd: root, encoding: "utf8" })
      .split("\0")
      .filter((f) => /\.(ts|md|ya?ml|sh)$/.test(f) && f !== "test/foundation/readme.test.ts" && existsSync(path.join(root, f)));
    const slug = (h: string) => h.trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-");
    const anchors = (doc: string) => new Set(readFileSync(path.join(root, doc), "utf8").split("\n").filter((l) => l.startsWith("#")).map((l) => slug(l.replace(/^#+/, ""))));
    const bad: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(root, file), "utf8");
      if (/DESIGN §|STYLE rule|\.\.\/shared/.test(text)) bad.push(`${file}: cites a document outside the repository`);
      for (const [, doc, anchor] of text.matchAll(/\b(docs\/[\w-]+\.md)(?:#([\w-]+))?/g)) {
        if (!existsSync(path.join(root, doc!))) bad.push(`${file}: ${doc} does not exist`);
        else if (anchor && !anchors(doc!).has(anchor)) bad.push(`${file}: ${doc}#${anchor} has no such heading`);
      }
    }
    expect(bad).toEqual([]);
  });
});
