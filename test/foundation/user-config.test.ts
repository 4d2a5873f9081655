/**
 * The root Pulumi*.yaml are the user's: the suite renders its fixtures, and
 * any valid config of the user's renders too (npm run check runs that on the
 * real root files). Here: a config with its own domain, one more worker and
 * stack references named by another organisation and other stack names.
 */
import * as fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { captureStack } from "../../core/render/harness";
import { STACK_NAMES } from "../../core/stacks";
import { FOREIGN, writeForeignConfig } from "../helpers/foreign-config";
import { nonEmpty } from "../helpers/plan";

const dir = writeForeignConfig();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a user's own config", () => {
  it.each(STACK_NAMES)("%s renders with another domain, another node and stack references by other names", async (stack) => {
    const capture = await captureStack(stack, { configDir: dir });
    expect(capture.error).toBeUndefined();
    const plan = capture.plan!;
    const text = JSON.stringify(plan.resources.map((r) => r.values));
    expect(text).not.toContain("lab.example.com");
    // Every stack but hetzner (the first of the edge) reads another stack's outputs.
    const refs = plan.resources.filter((r) => r.type === "pulumi:pulumi:StackReference");
    for (const ref of stack === "hetzner" ? refs : nonEmpty(refs, `${stack}'s stack references`)) expect(Object.values(FOREIGN.stackRefs)).toContain(ref.readId);
    if (stack === "talos") expect(plan.resources.some((r) => r.name.includes(FOREIGN.extraWorker))).toBe(true);
  });
});
