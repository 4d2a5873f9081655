/**
 * The render CLI against broken config files, as a user's editor leaves them:
 * YAML syntax errors, tabs, duplicate keys, undefined and exploding aliases,
 * truncated files, regex-hostile values, odd stack names. Each run is the
 * real CLI (`node --import tsx core/render/cli.ts <stack>`) on a copy of the
 * fixture config with one mutation, and must end in one of two ways:
 *
 *  - exit 0 with a plan, or
 *  - exit 1 with a clean config error: it names where (a `homelab:` path or
 *    the Pulumi*.yaml file) and prints no stack trace;
 *
 * and within a time bound (a hang detector, not a speed test).
 *
 * Seeded and bounded so it fits the suite's budget (each run is a process of
 * about 1 s of CPU): three random mutations plus fixed pathological cases;
 * long values everywhere in the config are covered in-process by
 * pathological-values.test.ts. Hunt deeper by hand, e.g.
 * `FUZZ_CLI_RUNS=60 FUZZ_SEED=3 npx vitest run test/safety/cli-fuzz.test.ts`.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../core/render/project-files";
import { STACK_NAMES, type StackName } from "../../core/stacks";

const RUNS = Number(process.env["FUZZ_CLI_RUNS"] ?? 3);
const SEED = Number(process.env["FUZZ_SEED"] ?? 20_020);
/** Kill a run after this long: a hang, not slowness (a config error takes ~1.5 s, a render ~3 s). */
const RUN_LIMIT_MS = 60_000;
const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "config");

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the fixture config with `edit` applied to one file. */
function configWith(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "homelab-cli-fuzz-"));
  dirs.push(dir);
  cpSync(FIXTURES, dir, { recursive: true });
  const target = path.join(dir, file);
  writeFileSync(target, edit(readFileSync(target, "utf8")));
  return dir;
}

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** At most two CLI processes at a time (the machine has two cores). */
const slots: Array<Promise<unknown>> = [Promise.resolve(), Promise.resolve()];
let next = 0;

function cli(stack: string, configDir: string): Promise<Outcome> {
  const slot = next++ % slots.length;
  const run = slots[slot]!.then(
    () =>
      new Promise<Outcome>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "core/render/cli.ts", stack], {
          cwd: REPO_ROOT,
          env: { ...process.env, HOMELAB_CONFIG_DIR: configDir },
          timeout: RUN_LIMIT_MS,
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("close", (status, signal) => resolve({ status, stdout, stderr, timedOut: signal !== null }));
      }),
  );
  slots[slot] = run.catch(() => undefined);
  return run;
}

const STACK_TRACE = /^\s+at .+(:\d+:\d+\)?|\(<anonymous>\)|\(native\))$/m;

/** Success, or a clean config error naming where; never a hang, a crash or a stack trace. */
function expectClean(o: Outcome, label: string): void {
  const shown = `${label}\nexit ${o.status}\n--- stderr ---\n${o.stderr.slice(0, 3000)}`;
  expect(o.timedOut, `hung (killed after ${RUN_LIMIT_MS / 1000} s): ${shown}`).toBe(false);
  if (o.status === 0) {
    expect(o.stdout.length, shown).toBeGreaterThan(0);
    return;
  }
  expect(o.status, `not a config error: ${shown}`).toBe(1);
  expect(o.stderr, `the error names no config path or file: ${shown}`).toMatch(/homelab:|Pulumi(\.[a-z]+)?\.yaml/);
  expect(o.stderr, `stack trace printed: ${shown}`).not.toMatch(STACK_TRACE);
}

// ---------------------------------------------------------------------------
// Seeded mutations of the YAML text.

type Edit = (text: string, pick: number) => string;

const lineEdit = (f: (lines: string[], i: number) => void): Edit => (text, pick) => {
  const lines = text.split("\n");
  const candidates = lines.map((l, i) => i).filter((i) => /^\s*[A-Za-z0-9_:.-]+:/.test(lines[i]!));
  const i = candidates.length ? candidates[pick % candidates.length]! : pick % lines.length;
  f(lines, i);
  return lines.join("\n");
};

const EDITS: Record<string, Edit> = {
  "tab indentation": lineEdit((lines, i) => (lines[i] = lines[i]!.replace(/^( +)/, "\t"))),
  "duplicate key": lineEdit((lines, i) => lines.splice(i, 0, lines[i]!)),
  "deleted line": lineEdit((lines, i) => lines.splice(i, 1)),
  "unclosed quote": lineEdit((lines, i) => (lines[i] = `${lines[i]} "unclosed`)),
  "unclosed flow collection": lineEdit((lines, i) => (lines[i] = lines[i]!.replace(/:\s*(.*)$/, ": [$1"))),
  "undefined alias": lineEdit((lines, i) => (lines[i] = lines[i]!.replace(/:\s*(.+)$/, ": *nowhere"))),
  "dedented line": lineEdit((lines, i) => (lines[i] = lines[i]!.trimStart())),
  "value turned into a list": lineEdit((lines, i) => (lines[i] = lines[i]!.replace(/:\s*(\S.*)$/, ": [$1, $1]"))),
  truncated: (text, pick) => text.slice(0, pick % Math.max(1, text.length)),
  "not a map": () => "- just\n- a list\n",
  empty: () => "",
};

const caseArb = fc.record({
  stack: fc.constantFrom(...STACK_NAMES),
  projectFile: fc.boolean(),
  edit: fc.constantFrom(...Object.keys(EDITS)),
  pick: fc.nat(),
});

const cases = fc.sample(caseArb, { numRuns: RUNS, seed: SEED });

describe("the render CLI on mutated config files", () => {
  it.concurrent.each(cases.map((c) => [`${c.edit} in ${c.projectFile ? "Pulumi.yaml" : `Pulumi.${c.stack}.yaml`} (${c.stack}, pick ${c.pick})`, c] as const))(
    "%s",
    async (label, c) => {
      const file = c.projectFile ? "Pulumi.yaml" : `Pulumi.${c.stack}.yaml`;
      expectClean(await cli(c.stack, configWith(file, (t) => EDITS[c.edit]!(t, c.pick))), label);
    },
    RUN_LIMIT_MS + 30_000,
  );
});

// ---------------------------------------------------------------------------
// Pathological cases, always run.

/** Appends a config entry to the stack file (its `config:` map is the last block). */
const appendConfig = (entry: string) => (text: string) => `${text.trimEnd()}\n${entry}\n`;

/** Billion laughs: nine levels of nine aliases each, 9^9 strings if expanded. */
const ALIAS_BOMB = [
  "  homelab:bomb:",
  '    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...["b", "c", "d", "e", "f", "g", "h", "i"].map((k, i) => {
    const prev = "abcdefgh"[i]!;
    return `    ${k}: &${k} [${Array(9).fill(`*${prev}`).join(",")}]`;
  }),
].join("\n");

/** A chain of 2,000 anchors, each the alias of the one before. */
const DEEP_ALIASES = ["  homelab:deep:", "    l0: &l0 [x]", ...Array.from({ length: 2000 }, (_, i) => `    l${i + 1}: &l${i + 1} [*l${i}]`)].join("\n");

const PATHOLOGICAL: ReadonlyArray<readonly [string, StackName, string, (text: string) => string]> = [
  ["an alias bomb (billion laughs)", "platform", "Pulumi.platform.yaml", appendConfig(ALIAS_BOMB)],
  ["2,000 nested aliases", "cloudflare", "Pulumi.cloudflare.yaml", appendConfig(DEEP_ALIASES)],
  [
    "a 100 KB e-mail address full of dots",
    "hetzner",
    "Pulumi.hetzner.yaml",
    (t) => t.replace(/^(\s+ownerEmail:).*$/m, `$1 "a@${".".repeat(100_000)}x"`),
  ],
];

describe("the render CLI on pathological config", () => {
  it.concurrent.each(PATHOLOGICAL.map(([what, stack, file, edit]) => [what, stack, file, edit] as const))(
    "%s",
    async (what, stack, file, edit) => {
      const dir = configWith(file, edit);
      const changed = readFileSync(path.join(dir, file), "utf8");
      expect(changed, "the case changed the file").not.toBe(readFileSync(path.join(FIXTURES, file), "utf8"));
      expectClean(await cli(stack, dir), what);
    },
    RUN_LIMIT_MS + 30_000,
  );

  // An object's own property names are not stacks (a look-up table keyed by stack name would find them).
  it.concurrent.each([["__proto__"]])("a stack named %s is refused with the valid names", async (stack) => {
    const o = await cli(stack, FIXTURES);
    expect(o.timedOut).toBe(false);
    expect(o.status, o.stderr).toBe(1);
    expect(o.stderr).toContain(STACK_NAMES.join(", "));
    expect(o.stderr).not.toMatch(STACK_TRACE);
  }, RUN_LIMIT_MS + 30_000);
});
