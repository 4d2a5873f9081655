/**
 * `npm ci` on a clean clone refuses a lock file that lacks an entry for any
 * optional dependency (even one for another platform). The registry here does
 * not serve other platforms' binaries, so `npm install` leaves them out; this
 * test catches that before CI does.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const lock = JSON.parse(readFileSync(path.resolve(__dirname, "..", "..", "package-lock.json"), "utf8")) as {
  packages: Record<string, { optionalDependencies?: Record<string, string> }>;
};

describe("package-lock.json", () => {
  it("has an entry for every optional dependency, so npm ci accepts it on any platform", () => {
    const missing: string[] = [];
    for (const [where, pkg] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
        const nested = `${where ? `${where}/` : ""}node_modules/${dep}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${dep}`]) missing.push(`${where || "<root>"} → ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
