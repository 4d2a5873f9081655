/**
 * `npm run check [-- <stack>…]`: your config, checked without credentials.
 * Reads the root Pulumi*.yaml (HOMELAB_CONFIG_DIR elsewhere), validates and
 * renders every stack under the mocks, prints each stack's problems, and
 * lists the example values a real run would refuse (docs/config.md#npm-run-check).
 * Exits 1 when a stack does not validate or render.
 *
 * `npm run check -- --placeholders <stack>` only lists the placeholders that
 * stop a real run of that stack (and the example recipient in .sops.yaml) and
 * exits 1 if there are any; `just core` runs it before Pulumi.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { isUserError } from "../core/config/errors";
import { findPlaceholders, sopsPlaceholders, type Placeholder } from "../core/config/placeholders";
import { captureStack } from "../core/render/harness";
import { configDir, loadConfigValues, REPO_ROOT } from "../core/render/project-files";
import { STACK_NAMES, isStackName } from "../core/stacks";

function placeholdersOf(stack: string, dir: string): Placeholder[] {
  const values = Object.fromEntries(Object.entries(loadConfigValues(stack, dir)).flatMap(([k, v]) => (k.startsWith("homelab:") ? [[k.slice(8), v]] : [])));
  const sops = path.join(REPO_ROOT, ".sops.yaml");
  return [...findPlaceholders(values), ...(existsSync(sops) ? sopsPlaceholders(readFileSync(sops, "utf8")) : [])];
}

function list(placeholders: readonly Placeholder[]): string[] {
  return placeholders.map((p) => `  - ${p.where}: ${JSON.stringify(p.value.length > 80 ? `${p.value.slice(0, 60)}…` : p.value)} → ${p.replaceWith}`);
}

async function main(argv: string[]): Promise<number> {
  const { values: flags, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { placeholders: { type: "boolean" } } });
  const unknown = positionals.filter((s) => !isStackName(s));
  if (unknown.length > 0) {
    process.stderr.write(`unknown stack ${unknown.join(", ")}; stacks: ${STACK_NAMES.join(", ")}\n`);
    return 2;
  }
  const stacks = positionals.length > 0 ? positionals : [...STACK_NAMES];
  const dir = configDir();

  if (flags.placeholders) {
    const found = new Map<string, Placeholder>();
    try {
      for (const stack of stacks) for (const p of placeholdersOf(stack, dir)) found.set(`${p.where}=${p.value}`, p);
    } catch (err) {
      if (!isUserError(err)) throw err;
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    if (found.size === 0) return 0;
    process.stderr.write(
      [`Example values are still in the config; replace them before a real run (docs/config.md#npm-run-check):`, ...list([...found.values()]), ""].join("\n"),
    );
    return 1;
  }

  let failed = 0;
  const placeholders = new Map<string, Placeholder>();
  for (const stack of stacks) {
    const capture = await captureStack(stack, { configDir: dir });
    if (capture.error === undefined) {
      process.stdout.write(`${stack}: ok (${capture.plan!.resources.length} resources)\n`);
      for (const p of placeholdersOf(stack, dir)) placeholders.set(`${p.where}=${p.value}`, p);
      continue;
    }
    failed++;
    const err = capture.error;
    const message = isUserError(err) ? err.message : `render failed (a bug, please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    process.stdout.write(`${stack}: FAILED\n${message.replace(/^/gm, "  ")}\n`);
  }
  if (placeholders.size > 0)
    process.stdout.write(
      [`\nExample values still in your config (the render accepts them; a real run refuses them):`, ...list([...placeholders.values()]), ""].join("\n"),
    );
  if (failed > 0) process.stdout.write(`\n${failed} of ${stacks.length} stacks failed.\n`);
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`check failed (a bug, please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
