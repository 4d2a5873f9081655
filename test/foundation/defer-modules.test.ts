/**
 * The offline render defers two dependencies @pulumi/pulumi loads up front but
 * a render never uses (core/render/defer-modules.ts): the TypeScript compiler
 * and npm's Arborist. A fresh process of its own (vitest.config.mts), so the
 * module cache shows what a render loaded and nothing else.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { renderStack } from "../../core/render/harness";
import { FIXTURE_CONFIG_DIR } from "../helpers/fixtures";

const loaded = () => Object.keys(require.cache).filter((f) => /[\\/]node_modules[\\/](typescript|@npmcli[\\/]arborist)[\\/]/.test(f));

describe("@pulumi/pulumi's unused dependencies", () => {
  it("a render loads neither the TypeScript compiler nor Arborist", async () => {
    const plan = await renderStack("cloudflare", { configDir: FIXTURE_CONFIG_DIR });
    expect(plan.resources.length).toBeGreaterThan(0);
    expect(loaded()).toEqual([]);
  });

  it("load when the SDK does use them: a closure with a super call serializes as before", async () => {
    class Base {
      constructor(readonly n: number) {}
      next(): number {
        return this.n + 1;
      }
    }
    class Derived extends Base {
      override next(): number {
        return super.next() * 2;
      }
    }
    const start = 20;
    // Parsing the class (TypeScript) and finding the packages to ship (Arborist).
    const serialized = await pulumi.runtime.serializeFunction(() => new Derived(start).next());
    expect(serialized.text).toContain("super");
    expect(serialized.text).toContain("20");
    expect((await pulumi.runtime.computeCodePaths()).size).toBeGreaterThan(0);
    expect(loaded().length).toBeGreaterThan(0);
  });
});
