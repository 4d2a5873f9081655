/**
 * The program, tests and scripts type-check under the project's strict
 * settings. Part of `npm test` so CI's one command also catches type errors,
 * and so the `// @ts-expect-error` tests of the SDK bindings (a required input
 * left out must not compile) actually run.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");

describe("typecheck", () => {
  it("tsc --noEmit reports no errors", () => {
    const r = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", root], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 180_000);
});
