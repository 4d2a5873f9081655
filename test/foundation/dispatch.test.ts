/**
 * index.ts → core/main.ts: one module per stack, chosen by the stack name.
 * These run real processes because module loading is what is under test.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { UnknownStackError } from "../../core/config/errors";
import { runProgram } from "../../core/main";
import { fixtureEnv } from "../helpers/fixtures";

const root = path.resolve(__dirname, "..", "..");
/** What `npm run render` runs, minus the tsx CLI's extra relay process (~0.1 s per run). */
const TSX = ["--import", "tsx"];

function run(args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [...TSX, ...args], { cwd: root, encoding: "utf8", env: fixtureEnv({ ...process.env, ...env }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("stack dispatch", () => {
  it("rejects an unknown stack naming the five valid ones", async () => {
    await expect(runProgram("staging")).rejects.toBeInstanceOf(UnknownStackError);
    await expect(runProgram("staging")).rejects.toThrow(
      'Unknown stack "staging". This program has five stacks: talos, platform, hetzner, authentik, cloudflare.',
    );
  });

  it("loads only the selected stack's module", () => {
    const script = [
      'const { loadStack } = require("./core/main");',
      'loadStack("cloudflare").then(() => {',
      "  const loaded = Object.keys(require.cache).filter((f) => f.includes('/core/') && !f.includes('node_modules'));",
      "  const stacks = ['talos','platform','hetzner','authentik','cloudflare'].filter((s) => loaded.some((f) => f.includes(`/core/${s}/`)));",
      "  console.log(JSON.stringify(stacks));",
      "});",
    ].join("\n");
    const r = run(["-e", script]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual(["cloudflare"]);
  });
});

describe("npm run render", () => {
  it("prints a config error without a stack trace and exits non-zero", () => {
    const r = run(["core/render/cli.ts", "no-such-stack"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Unknown stack "no-such-stack"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("with --secrets-from-env and no secrets set, names every missing secret of the stack", () => {
    const env = Object.fromEntries(Object.keys(process.env).map((k) => [k, /^[A-Z0-9_]+$/.test(k) && /TOKEN|SECRET|KEY|PASSWORD/.test(k) ? undefined : process.env[k]]));
    const r = run(["core/render/cli.ts", "hetzner", "--secrets-from-env"], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Stack "hetzner" needs secrets that are not set: .*HCLOUD_TOKEN/);
    expect(r.stderr).toContain("secrets/bootstrap.sops.yaml");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
