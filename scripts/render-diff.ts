/**
 * `npm run render:diff -- <base-ref> [--stacks a,b] [--markdown]`
 *
 * Renders every stack offline (docs/render.md) at <base-ref> and in the working
 * tree, and prints what changed per resource. Needs no credentials, so pull
 * requests from forks get the same review aid as maintainers.
 *
 * The base is checked out with `git worktree add --detach` into a temporary
 * directory (the working tree is never touched) and rendered with ITS OWN
 * code and config by running its core/render/cli.ts in a child process. It
 * borrows this checkout's node_modules: one symlink per package, except the
 * `file:` packages (sdks/*) which point at the base's own copy. Their compiled
 * output (gitignored) is linked from here when the base's sources are the
 * same as ours, and compiled with tsc into the worktree when they differ, so
 * the base never runs HEAD's provider bindings.
 *
 * Exit status: 0 diff printed; 1 some stack does not render at HEAD, or the
 * change would make pulumi refuse a step (replacing or deleting a protected
 * resource); 2 usage or git problem. The status is set, never forced: the
 * whole report reaches a slow reader (core/render/run-cli.ts).
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { describeBug, runCli } from "../core/render/run-cli";
import { isStackName, STACK_NAMES } from "../core/stacks";
import { formatReport, hasErrors, parsePlanDocument, reportFor, type RenderResult, type StackReport } from "./plan-diff";

const USAGE = `usage: npm run render:diff -- <base-ref> [--stacks ${STACK_NAMES.join(",")}] [--markdown] [--mermaid]`;
const RENDER_TIMEOUT_MS = 180_000;

interface Args {
  readonly base: string;
  readonly stacks: string[];
  readonly markdown: boolean;
  /** Add a mermaid graph of the changed resources and their neighbours. */
  readonly mermaid: boolean;
}

class UsageError extends Error {}

export function parseArguments(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { stacks: { type: "string" }, markdown: { type: "boolean", default: false }, mermaid: { type: "boolean", default: false } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  let stacks: string[] = [...STACK_NAMES];
  if (values.stacks !== undefined) {
    stacks = values.stacks.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = stacks.filter((s) => !isStackName(s));
    if (unknown.length || stacks.length === 0) throw new UsageError(`unknown stack ${unknown.join(", ") || "(none given)"}; stacks: ${STACK_NAMES.join(", ")}`);
  }
  if (positionals.length === 0) throw new UsageError("missing <base-ref>");
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
  return { base: positionals[0]!, stacks, markdown: values.markdown, mermaid: values.mermaid };
}

function git(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Packages installed from a folder of this repository (`"file:sdks/talos"`): name → relative folder. */
export function localPackages(root: string): Map<string, string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
  const local = new Map<string, string>();
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
    for (const [name, spec] of Object.entries(pkg[field] ?? {})) {
      if (spec.startsWith("file:")) local.set(name, path.normalize(spec.slice("file:".length)));
    }
  }
  return local;
}

/**
 * Gives the worktree a node_modules made of links into the root's, with the
 * local packages pointing into the worktree itself. Links are absolute, so
 * Node resolves every shared package to the same real file as in the root
 * (one @pulumi/pulumi runtime per process, as the harness requires).
 */
export function linkNodeModules(root: string, worktree: string, local: Map<string, string>): void {
  const from = path.join(root, "node_modules");
  const to = path.join(worktree, "node_modules");
  fs.mkdirSync(to, { recursive: true });
  const localScopes = new Set([...local.keys()].filter((n) => n.startsWith("@")).map((n) => n.split("/")[0]!));
  for (const entry of fs.readdirSync(from)) {
    if (localScopes.has(entry)) {
      fs.mkdirSync(path.join(to, entry), { recursive: true });
      for (const child of fs.readdirSync(path.join(from, entry))) {
        if (local.has(`${entry}/${child}`)) continue;
        fs.symlinkSync(path.join(from, entry, child), path.join(to, entry, child));
      }
    } else if (!local.has(entry)) {
      fs.symlinkSync(path.join(from, entry), path.join(to, entry));
    }
  }
  for (const [name, dir] of local) {
    fs.mkdirSync(path.dirname(path.join(to, name)), { recursive: true });
    fs.symlinkSync(path.join(worktree, dir), path.join(to, name));
  }
}

/** The folder a local package's compiled entry point lives in (`bin` for "main": "bin/index.js"). */
function outputDir(packageDir: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { main?: string };
    const first = (pkg.main ?? "").replace(/^\.\//, "").split("/")[0];
    return first && first !== pkg.main ? first : undefined;
  } catch {
    return undefined;
  }
}

/** Makes the base's local packages loadable: link our build when the sources match, compile otherwise. */
function prepareLocalPackages(root: string, worktree: string, baseSha: string, local: Map<string, string>, log: (m: string) => void): void {
  for (const dir of new Set(local.values())) {
    const baseDir = path.join(worktree, dir);
    if (!fs.existsSync(path.join(baseDir, "package.json"))) continue; // not there at base; its render fails and is reported
    const out = outputDir(baseDir);
    // Documentation does not change the build.
    const same = spawnSyncQuiet("git", ["diff", "--quiet", baseSha, "--", dir, ":(exclude,glob)**/*.md"], root) === 0;
    if (same && out && fs.existsSync(path.join(root, dir, out))) {
      fs.rmSync(path.join(baseDir, out), { recursive: true, force: true });
      fs.symlinkSync(path.join(root, dir, out), path.join(baseDir, out));
    } else {
      log(`render-diff: ${dir} differs at base; compiling the base's copy`);
      const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
      execFileSync(process.execPath, [tsc, "-p", baseDir], { cwd: worktree, stdio: ["ignore", "ignore", "pipe"] });
    }
  }
}

function spawnSyncQuiet(cmd: string, args: string[], cwd: string): number {
  try {
    execFileSync(cmd, args, { cwd, stdio: "ignore" });
    return 0;
  } catch (err) {
    return (err as { status?: number }).status ?? 1;
  }
}

/**
 * tsx's module loader in the root checkout, for `node --import`: what
 * `npm run render` gets from the tsx CLI, minus the CLI's relay process in
 * between (~0.15 s of CPU per render, and a timeout's SIGKILL would only have
 * reached the relay, leaving the render running).
 */
function tsxLoader(root: string): string {
  return pathToFileURL(require.resolve("tsx", { paths: [root] })).href;
}

/** Runs `core/render/cli.ts <stack> --json` in `cwd` (placeholder secrets, no credentials) with tsx's loader. */
export function renderIn(cwd: string, stack: string, loader: string): Promise<RenderResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", loader, "core/render/cli.ts", stack, "--json"], {
      cwd,
      // Each tree renders its own root Pulumi*.yaml, whatever HOMELAB_CONFIG_DIR says.
      env: { ...process.env, FORCE_COLOR: "0", HOMELAB_CONFIG_DIR: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), RENDER_TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ error: e.message });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        try {
          resolve({ plan: parsePlanDocument(Buffer.concat(out).toString("utf8")) });
        } catch (e) {
          resolve({ error: (e as Error).message });
        }
        return;
      }
      const message = Buffer.concat(err).toString("utf8").trim();
      resolve({ error: conciseError(message) || (signal ? `killed by ${signal}` : `exit code ${code}`) });
    });
  });
}

/** The first lines of an error: enough to say why, short enough for a PR comment. */
function conciseError(text: string, maxLines = 12): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.length > maxLines ? [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`].join("\n") : lines.join("\n");
}

async function pool<T>(tasks: (() => Promise<T>)[], size: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, tasks.length) }, worker));
  return results;
}

export async function renderDiff(args: Args, cwd: string, log: (m: string) => void): Promise<{ text: string; reports: StackReport[] }> {
  const root = git(cwd, ["rev-parse", "--show-toplevel"]);
  let baseSha: string;
  try {
    baseSha = git(root, ["rev-parse", "--verify", "--quiet", `${args.base}^{commit}`]);
  } catch {
    throw new UsageError(`${args.base} is not a commit in ${root} (in CI, fetch enough history: actions/checkout fetch-depth)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "render-diff-"));
  const worktree = path.join(tmp, "base");
  const cleanup = () => {
    spawnSyncQuiet("git", ["worktree", "remove", "--force", worktree], root);
    fs.rmSync(tmp, { recursive: true, force: true });
    spawnSyncQuiet("git", ["worktree", "prune"], root);
  };
  // Interrupted: remove the worktree, then end the way the signal would have.
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    git(root, ["worktree", "add", "--detach", "--quiet", worktree, baseSha]);
    const local = localPackages(root);
    linkNodeModules(root, worktree, local);
    prepareLocalPackages(root, worktree, baseSha, local, log);
    const loader = tsxLoader(root);
    log(`render-diff: rendering ${args.stacks.join(", ")} at ${baseSha.slice(0, 12)} and in the working tree`);
    const tasks = args.stacks.flatMap((stack) => [() => renderIn(worktree, stack, loader), () => renderIn(root, stack, loader)]);
    const parallel = Math.max(1, Math.min(4, os.availableParallelism()));
    const results = await pool(tasks, parallel);
    const reports = args.stacks.map((stack, i) => reportFor(stack, results[2 * i]!, results[2 * i + 1]!));
    const title = `Offline render diff: ${args.base === baseSha ? baseSha.slice(0, 12) : `${args.base} (${baseSha.slice(0, 12)})`} → working tree`;
    return { text: formatReport(title, reports, { markdown: args.markdown, mermaid: args.mermaid }), reports };
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    cleanup();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let args: Args;
  try {
    args = parseArguments(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const { text, reports } = await renderDiff(args, process.cwd(), (m) => process.stderr.write(`${m}\n`));
    process.stdout.write(text);
    return hasErrors(reports) ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    const e = err as { message?: string; stderr?: Buffer | string };
    process.stderr.write(`render-diff failed: ${e.message ?? String(err)}\n${e.stderr ? String(e.stderr) : ""}`);
    return 2;
  }
}

if (require.main === module) {
  runCli(() => main(process.argv.slice(2)), (err) => `render-diff failed (a bug, please report it):\n${describeBug(err)}\n`);
}
