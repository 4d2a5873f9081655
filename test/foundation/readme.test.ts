import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { configReference, withReference } from "../../scripts/config-reference";

const root = path.resolve(__dirname, "..", "..");

describe("README", () => {
  it("carries the config reference generated from the schemas (npm run docs:config)", async () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    expect(readme).toBe(withReference(readme, await configReference()));
  });

  it("names the test command that .ci/run runs", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const ci = readFileSync(path.join(root, ".ci", "run"), "utf8");
    expect(readme).toContain("npm test ");
    expect(ci.trim().split("\n").slice(-2)).toEqual(["npm ci", "npm test"]);
  });
});
