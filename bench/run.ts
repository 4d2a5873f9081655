/**
 * `npm run bench [-- --runs N] [--scale-runs N] [--only stacks,scale,suite,modes] [--no-write]`
 *
 * Measures what the program costs on every `pulumi preview` / `pulumi up`:
 * loading and running the stack program. Each measurement is a fresh node
 * process (bench/render-child.ts) rendering under the offline harness; this
 * parent takes the wall time of the whole process, the child reports its
 * resources, phase timings and peak RSS.
 *
 * 1. stacks: the five stacks against the floor (one resource through the same
 *    harness), in interleaved rounds so machine load hits all alike.
 * 2. scale: talos at 3/30/300 nodes over 1/3/10 Proxmox hosts, cloudflare and
 *    hetzner at 10/200 public services, with the cost per resource.
 * 3. suite: `npm test` once, timed.
 * 4. modes: how Pulumi's nodejs runtime could load the program: ts-node with
 *    type-check (`typescript: true`, Pulumi's default), ts-node transpile-only,
 *    tsx (`typescript: false` + `nodeargs: --import tsx`), precompiled JS.
 *
 * Writes bench/results.md unless --no-write or --only is given.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RawConfig } from "../core/config/load";
import { STACK_NAMES } from "../core/stacks";
import { servicesConfig, talosConfig } from "./generate";

const ROOT = path.resolve(__dirname, "..");
const NODE = process.execPath;
const TSX = ["--import", "tsx"];

interface ChildStats {
  readonly target: string;
  readonly resources: number;
  readonly invokes: number;
  readonly outputBytes: number;
  readonly ms: { boot: number; load: number; stackLoad: number; render: number; format: number; total: number };
  readonly cpuMs: number;
  readonly maxRssKb: number;
}

interface Sample {
  readonly wallMs: number;
  readonly stats: ChildStats;
}

interface Measured {
  readonly label: string;
  readonly samples: Sample[];
  readonly error?: string;
}

interface Job {
  readonly label: string;
  readonly target: string;
  /** Generated config, written to a file the child reads. */
  readonly config?: RawConfig;
  /** How node starts the child; default tsx. */
  readonly command?: readonly string[];
  readonly env?: Record<string, string>;
  /** Extra child arguments, e.g. --promise-stacks. */
  readonly args?: readonly string[];
}

// ---------------------------------------------------------------- arguments

function parseArgs(argv: string[]) {
  const value = (flag: string, fallback: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
  };
  const runs = Number(value("--runs", "5"));
  const scaleRuns = Number(value("--scale-runs", String(Math.min(runs, 3))));
  const onlyArg = argv.includes("--only") ? value("--only", "") : "";
  const only = new Set(onlyArg ? onlyArg.split(",") : ["stacks", "scale", "suite", "modes"]);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(scaleRuns) || scaleRuns < 1) {
    throw new Error("--runs and --scale-runs take a positive integer");
  }
  return { runs, scaleRuns, only, write: !argv.includes("--no-write") && !onlyArg };
}

// ---------------------------------------------------------------- measuring

const scratch = mkdtempSync(path.join(os.tmpdir(), "homelab-bench-"));
let configCount = 0;

function configFile(config: RawConfig): string {
  const file = path.join(scratch, `config-${++configCount}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** Runs one job once in a fresh process; returns the wall time and the child's stats. */
function runOnce(job: Job, file: string | undefined): Sample {
  const command = job.command ?? [...TSX, path.join(ROOT, "bench", "render-child.ts")];
  const args = [...command, job.target, ...(file ? ["--config", file] : []), ...(job.args ?? [])];
  const started = process.hrtime.bigint();
  const child = spawnSync(NODE, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...job.env },
    maxBuffer: 16 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) {
    const why = (child.stderr || child.stdout || `exit ${child.status} ${child.signal ?? ""}`).trim().split("\n");
    throw new Error(why.slice(0, 6).join("\n"));
  }
  const line = child.stdout.trim().split("\n").pop()!;
  return { wallMs, stats: JSON.parse(line) as ChildStats };
}

/**
 * Runs every job `runs` times, round-robin (job A, B, C, then A, B, C again),
 * so a busy spell on the machine slows every job of a round alike and the
 * ratios between them stay meaningful.
 */
function measure(jobs: readonly Job[], runs: number, progress: string): Measured[] {
  const files = jobs.map((j) => (j.config ? configFile(j.config) : undefined));
  const results = jobs.map((j) => ({ label: j.label, samples: [] as Sample[], error: undefined as string | undefined }));
  for (let round = 0; round < runs; round++) {
    jobs.forEach((job, i) => {
      const result = results[i]!;
      if (result.error) return;
      if (process.stderr.isTTY) process.stderr.write(`\r${progress}: round ${round + 1}/${runs}, ${job.label}`.padEnd(90));
      try {
        result.samples.push(runOnce(job, files[i]));
      } catch (err) {
        result.error = (err as Error).message;
      }
    });
  }
  if (process.stderr.isTTY) process.stderr.write(`\r${" ".repeat(90)}\r`);
  else process.stderr.write(`${progress}: ${runs} rounds of ${jobs.length} done\n`);
  return results;
}

// ---------------------------------------------------------------- statistics

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const wall = (m: Measured) => median(m.samples.map((s) => s.wallMs));
const minWall = (m: Measured) => Math.min(...m.samples.map((s) => s.wallMs));
const cpu = (m: Measured) => median(m.samples.map((s) => s.stats.cpuMs));
const rssMb = (m: Measured) => median(m.samples.map((s) => s.stats.maxRssKb)) / 1024;
const phase = (m: Measured, key: keyof ChildStats["ms"]) => median(m.samples.map((s) => s.stats.ms[key]));
const resources = (m: Measured) => m.samples[0]?.stats.resources ?? 0;

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (v: number) => `${v.toFixed(0)} MB`;
const x = (ratio: number) => `${ratio.toFixed(2)}×`;

// ---------------------------------------------------------------- tables

type Row = readonly string[];

function table(header: Row, rows: readonly Row[]): string {
  const lines = [header, header.map(() => "---"), ...rows];
  return lines.map((r) => `| ${r.join(" | ")} |`).join("\n");
}

function failed(m: Measured, columns: number): Row {
  return [m.label, `failed: ${m.error!.split("\n")[0]!.replace(/\|/g, "\\|").slice(0, 160)}`, ...Array(columns - 2).fill("")];
}

// ---------------------------------------------------------------- sections

function stacksSection(runs: number): { markdown: string; worst: number } {
  const jobs: Job[] = [{ label: "floor", target: "floor" }, ...STACK_NAMES.map((name) => ({ label: name, target: name }))];
  const results = measure(jobs, runs, "stacks");
  const floor = results[0]!;
  const header = ["render", "median wall", "min wall", "× floor (median)", "× floor (min)", "CPU", "peak RSS", "resources", "load", "stack load", "render phase"];
  let worst = 0;
  const rows = results.map((m) => {
    if (m.error || floor.error) return failed(m.error ? m : floor, header.length);
    const ratio = wall(m) / wall(floor);
    if (m !== floor) worst = Math.max(worst, ratio);
    return [
      m.label,
      s(wall(m)),
      s(minWall(m)),
      x(ratio),
      x(minWall(m) / minWall(floor)),
      s(cpu(m)),
      mb(rssMb(m)),
      String(resources(m)),
      s(phase(m, "load")),
      s(phase(m, "stackLoad")),
      s(phase(m, "render")),
    ];
  });
  const markdown = [
    `### Stacks against the floor (${runs} runs each, interleaved)`,
    "",
    "The floor is the same harness, mocks and text formatting around a program that registers one resource:",
    "what every render pays before any stack code runs (node, the TypeScript loader, `@pulumi/pulumi`).",
    "Phases come from the child: `load` = harness and SDK modules, `stack load` = the stack's own modules and provider SDKs, `render phase` = running the program under mocks.",
    "CPU is the child's user + system time (GC and loader threads included), steadier than wall time on a busy machine.",
    "",
    table(header, rows),
    "",
    `Target: every stack within 2× of the floor. Worst: **${x(worst)}**${worst <= 2 ? " (met)" : " (MISSED)"}.`,
  ].join("\n");
  return { markdown, worst };
}

function scaleSection(runs: number): { markdown: string; talos300: number | undefined } {
  const talos: Job[] = [];
  for (const nodes of [3, 30, 300]) {
    for (const hosts of [1, 3, 10]) talos.push({ label: `talos ${nodes} nodes / ${hosts} hosts`, target: "talos", config: talosConfig(nodes, hosts, ROOT) });
  }
  // What a real `pulumi preview` pays on top: the runtime's per-promise debug stacks.
  talos.push({ label: "talos 300 nodes / 10 hosts, promise stacks kept", target: "talos", config: talosConfig(300, 10, ROOT), args: ["--promise-stacks"] });
  const services: Job[] = [];
  for (const stack of ["cloudflare", "hetzner"]) {
    for (const count of [10, 200]) services.push({ label: `${stack} ${count} services`, target: stack, config: servicesConfig(stack, count, ROOT) });
  }
  const jobs = [{ label: "floor", target: "floor" }, ...talos, ...services];
  const results = measure(jobs, runs, "scale");
  const floor = results[0]!;
  const base = floor.error ? 0 : wall(floor);
  const header = ["render", "median wall", "min wall", "CPU", "peak RSS", "resources", "render phase", "ms / resource (render phase)", "ms / resource above floor (wall)"];
  const rows = results.slice(1).map((m) => {
    if (m.error) return failed(m, header.length);
    const n = resources(m);
    return [m.label, s(wall(m)), s(minWall(m)), s(cpu(m)), mb(rssMb(m)), String(n), s(phase(m, "render")), (phase(m, "render") / n).toFixed(2), ((wall(m) - base) / n).toFixed(2)];
  });

  // Growth: between consecutive sizes with the same host count, extra render
  // time per extra resource. Roughly constant means linear.
  const growth: Row[] = [];
  for (const hosts of [1, 3, 10]) {
    const series = results.filter((m) => m.label.endsWith(`/ ${hosts} hosts`) && !m.error);
    for (let i = 1; i < series.length; i++) {
      const a = series[i - 1]!;
      const b = series[i]!;
      const dr = resources(b) - resources(a);
      growth.push([`${a.label} → ${b.label.replace(/^talos /, "")}`, String(dr), s(phase(b, "render") - phase(a, "render")), (((phase(b, "render") - phase(a, "render")) / dr) || 0).toFixed(2)]);
    }
  }
  for (const stack of ["cloudflare", "hetzner"]) {
    const [a, b] = results.filter((m) => m.label.startsWith(`${stack} `) && !m.error);
    if (!a || !b) continue;
    const dr = resources(b) - resources(a);
    growth.push([`${a.label} → 200`, String(dr), s(phase(b, "render") - phase(a, "render")), dr ? ((phase(b, "render") - phase(a, "render")) / dr).toFixed(2) : "n/a (one bundle, not one resource per service)"]);
  }
  const t300 = results.find((m) => m.label === "talos 300 nodes / 10 hosts");
  const talos300 = t300 && !t300.error ? wall(t300) : undefined;
  const markdown = [
    `### Scale (${runs} runs each)`,
    "",
    "Generated valid configs (bench/generate.ts): talos nodes on a /16 with 1, 3 or 5 control planes and every tenth worker a GPU node;",
    "public services mixing ForwardAuth on/off, own upstreams and proxied records.",
    "",
    table(header, rows),
    "",
    "The render skips the debug stack trace `@pulumi/pulumi` formats for every promise it creates (four per input property",
    "of every resource; only printed if a promise leaks at exit). A real `pulumi preview` pays it: the \"promise stacks kept\" row.",
    "",
    "Growth: extra render-phase time per extra resource between sizes. Constant means linear.",
    "",
    table(["step", "extra resources", "extra render time", "ms / extra resource"], growth),
    "",
    `Target: 300-node talos render under 5 s: **${talos300 === undefined ? "not measured" : s(talos300)}**${talos300 !== undefined && talos300 < 5000 ? " (met)" : " (MISSED)"}.`,
  ].join("\n");
  return { markdown, talos300 };
}

/** Compiles the project with tsc into a scratch directory for the precompiled-JS mode; returns the build time. */
function compile(outDir: string): { ms: number; ok: boolean } {
  rmSync(outDir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const tsc = spawnSync(NODE, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json", "--outDir", outDir, "--sourceMap", "false"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // Files read at run time next to the code (e.g. hetzner's bootstrap.sh) must
  // sit next to the compiled code too: a precompiled setup needs this copy step.
  copyAssets(path.join(ROOT, "core"), path.join(outDir, "core"));
  return { ms, ok: statSync(path.join(outDir, "bench", "render-child.js"), { throwIfNoEntry: false }) !== undefined && tsc.status !== null };
}

function copyAssets(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) copyAssets(src, path.join(to, entry.name));
    else if (!entry.name.endsWith(".ts")) {
      mkdirSync(to, { recursive: true });
      cpSync(src, path.join(to, entry.name));
    }
  }
}

function typecheckMs(): number {
  const started = process.hrtime.bigint();
  spawnSync(NODE, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "tsconfig.json"], { cwd: ROOT });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function modesSection(runs: number, scaleRuns: number): string {
  const outDir = path.join(ROOT, ".scratch", "bench-js");
  const build = compile(outDir);
  const check = typecheckMs();
  const entry = (file: string) => [path.join(ROOT, "bench", file)];
  const modes: { name: string; pulumi: string; command: readonly string[]; env?: Record<string, string> }[] = [
    { name: "ts-node, type-check", pulumi: "`typescript: true` (Pulumi's default)", command: entry("ts-node-entry.cjs") },
    { name: "ts-node, transpile-only", pulumi: "`typescript: true` + `PULUMI_NODEJS_TRANSPILE_ONLY=true` (or tsconfig `noCheck`)", command: entry("ts-node-entry.cjs"), env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } },
    { name: "tsx", pulumi: "`typescript: false` + `nodeargs: --import tsx` (configured)", command: [...TSX, ...entry("render-child.ts")] },
    { name: "tsx, transform cache off", pulumi: "same, first run after changing every file", command: [...TSX, ...entry("render-child.ts")], env: { TSX_DISABLE_CACHE: "1" } },
    { name: "precompiled JS", pulumi: "`typescript: false` + `main: <tsc outDir>`, `tsc` before every run", command: [path.join(outDir, "bench", "render-child.js")] },
  ];
  const targets: { label: string; target: string; config?: RawConfig; runs: number }[] = [
    { label: "floor", target: "floor", runs },
    { label: "talos", target: "talos", runs },
    { label: "talos 300 nodes", target: "talos", config: talosConfig(300, 10, ROOT), runs: scaleRuns },
  ];
  const results = new Map<string, Measured>();
  for (const t of targets) {
    const jobs = modes.map((m) => ({
      label: `${m.name}|${t.label}`,
      target: t.target,
      command: m.command,
      args: ["--promise-stacks"],
      ...(m.env ? { env: m.env } : {}),
      ...(t.config ? { config: t.config } : {}),
    }));
    for (const r of measure(jobs, t.runs, `modes (${t.label})`)) results.set(r.label, r);
  }
  const wallOf = (mode: string, target: string) => {
    const r = results.get(`${mode}|${target}`);
    return r && !r.error ? wall(r) : Number.NaN;
  };
  const header = ["mode", "Pulumi.yaml", ...targets.map((t) => `${t.label} (median wall)`), "talos: boot + load", "talos peak RSS"];
  const rows = modes.map((m) => {
    const cell = (t: string) => {
      const r = results.get(`${m.name}|${t}`)!;
      return r.error ? `failed: ${r.error.split("\n")[0]!.replace(/\|/g, "\\|").slice(0, 80)}` : s(wall(r));
    };
    const talos = results.get(`${m.name}|talos`)!;
    return [
      m.name,
      m.pulumi,
      ...targets.map((t) => cell(t.label)),
      talos.error ? "" : s(phase(talos, "boot") + phase(talos, "load")),
      talos.error ? "" : mb(rssMb(talos)),
    ];
  });
  return [
    `### How Pulumi loads the program (${runs} runs; 300 nodes: ${scaleRuns})`,
    "",
    "Each mode loads the same child (harness + program) the way Pulumi's nodejs runtime would load `index.ts`;",
    "the Pulumi CLI itself is not available here, so this is the program's share only (engine and providers excluded).",
    "Pulumi's per-promise debug stacks are kept here, as in a real run; with source maps on (ts-node, tsx) each one is mapped.",
    "",
    table(header, rows),
    "",
    `Precompiled JS needs \`tsc\` first: ${s(build.ms)} for the project${build.ok ? "" : " (failed)"}, plus copying non-TS files (bootstrap.sh) next to the output;`,
    `so a run after an edit costs ${s(build.ms + wallOf("precompiled JS", "talos"))} for talos, against ${s(wallOf("tsx", "talos"))} with tsx (Pulumi does not run build scripts).`,
    `\`npm run typecheck\` (\`tsc --noEmit\`, what CI runs): ${s(check)}.`,
  ].join("\n");
}

/** `npm test` once, timed: the suite must stay under 60 s on the 2-core box. */
function suiteSection(): string {
  const started = process.hrtime.bigint();
  const r = spawnSync(NODE, [path.join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const line = (label: string) => (r.stdout.match(new RegExp(`^\\s*${label}\\s+(.*)$`, "m"))?.[1] ?? "?").trim();
  return [
    "### Test suite",
    "",
    table(["`npm test`", "wall", "files", "tests", "vitest's account"], [["vitest run", s(ms), line("Test Files"), line("Tests"), line("Duration")]]),
    "",
    `Target: under 60 s on this 2-core machine: **${s(ms)}**${ms < 60_000 ? " (met)" : " (MISSED)"}.`,
  ].join("\n");
}

// ---------------------------------------------------------------- main

function machine(loadBefore: number[]): string {
  const cpus = os.cpus();
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(", ");
  return [
    `- date: ${new Date().toISOString()}`,
    `- node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- load average (1, 5, 15 min) before: ${load(loadBefore)}; after: ${load(os.loadavg())}`,
  ].join("\n");
}

function main(): void {
  const { runs, scaleRuns, only, write } = parseArgs(process.argv.slice(2));
  const loadBefore = os.loadavg();
  const sections: string[] = [];
  try {
    if (only.has("stacks")) {
      const stacks = stacksSection(runs);
      sections.push(stacks.markdown);
      process.stdout.write(`${stacks.markdown}\n\n`);
    }
    if (only.has("scale")) {
      const scale = scaleSection(scaleRuns);
      sections.push(scale.markdown);
      process.stdout.write(`${scale.markdown}\n\n`);
    }
    if (only.has("suite")) {
      const suite = suiteSection();
      sections.push(suite);
      process.stdout.write(`${suite}\n\n`);
    }
    if (only.has("modes")) {
      const modes = modesSection(runs, scaleRuns);
      sections.push(modes);
      process.stdout.write(`${modes}\n\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const env = machine(loadBefore);
  process.stdout.write(`${env}\n`);
  if (write) {
    const doc = [
      "# Benchmark results",
      "",
      "Generated by `npm run bench` (bench/run.ts); do not edit by hand. Every number is a fresh node process",
      "rendering offline under the harness (docs/render.md), which is the program's own share of `pulumi preview` / `pulumi up`.",
      "",
      env,
      "",
      ...sections.flatMap((sec) => [sec, ""]),
    ].join("\n");
    writeFileSync(path.join(ROOT, "bench", "results.md"), doc);
    process.stdout.write("wrote bench/results.md\n");
  }
}

main();
