/**
 * One measured render in a fresh process (bench/run.ts starts it):
 *
 *   node --import tsx bench/render-child.ts <stack|floor> [--config file.json] [--promise-stacks]
 *
 * Renders the stack the way `npm run render` does (harness + text format) and
 * prints one JSON line of stats: resources, phase timings, peak RSS. The
 * parent measures the wall time of the whole process; the phases here say
 * where it went. The same file runs under every loader the runtime-mode
 * comparison uses (tsx, ts-node, compiled JS), so it only uses `require`
 * relative to itself and takes the repo root from the working directory.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

// Time since the process started: node's own start-up plus the loader's.
const boot = performance.now();

async function main(argv: string[]): Promise<void> {
  const target = argv[0];
  if (!target) throw new Error("usage: render-child.ts <stack|floor> [--config file.json] [--promise-stacks]");
  const configAt = argv.indexOf("--config");
  const configFile = configAt >= 0 ? argv[configAt + 1] : undefined;
  // As a real run: keep the runtime's per-promise debug stacks (the render skips them).
  const promiseStacks = argv.includes("--promise-stacks");
  const root = process.cwd();

  const t0 = performance.now();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const harness = require("../core/render/harness") as typeof import("../core/render/harness");
  const format = require("../core/render/format") as typeof import("../core/render/format");
  const files = require("../core/render/project-files") as typeof import("../core/render/project-files");
  const main = require("../core/main") as typeof import("../core/main");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const t1 = performance.now();

  let options: Omit<import("../core/render/harness").RenderOptions, "promiseStacks">;
  if (target === "floor") {
    // The floor: the same harness, mocks and formatting around a program that
    // registers one resource. What every render pays before any stack code.
    options = {
      program: () => {
        class Floor extends pulumi.CustomResource {
          constructor(name: string) {
            super("bench:index:Floor", name, { value: "one" });
          }
        }
        return { id: new Floor("floor").id };
      },
    };
  } else {
    const config = configFile
      ? (JSON.parse(readFileSync(configFile, "utf8")) as Record<string, string>)
      : files.loadRawConfig(target, root);
    // Load the stack module up front so its import cost is its own phase.
    await main.loadStack(target);
    options = { config };
  }
  const t2 = performance.now();
  const capture = await harness.captureStack(target, { ...options, promiseStacks });
  if (capture.error !== undefined) throw capture.error;
  const plan = capture.plan!;
  const t3 = performance.now();
  const text = format.planToText(plan);
  const t4 = performance.now();

  const usage = process.resourceUsage();
  const stats = {
    target,
    resources: plan.resources.length,
    invokes: plan.invokes.length,
    outputBytes: Buffer.byteLength(text),
    ms: { boot, load: t1 - t0, stackLoad: t2 - t1, render: t3 - t2, format: t4 - t3, total: t4 },
    // CPU time of this process (user + system): steadier than wall time on a busy machine.
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    // Linux reports kilobytes.
    maxRssKb: usage.maxRSS,
  };
  process.stdout.write(`${JSON.stringify(stats)}\n`);
}

// The exit status is set, not forced: process.exit() can cut output still in the pipe.
main(process.argv.slice(2)).then(
  () => {
    process.exitCode = 0;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
