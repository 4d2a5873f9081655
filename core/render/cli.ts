/**
 * `npm run render -- <stack> [--json] [--secrets-from-env]`
 *
 * Runs a stack under Pulumi mocks with the committed config and prints its
 * plan (DESIGN §6). Secrets are placeholders unless --secrets-from-env, which
 * reads them from the environment exactly as `sops exec-env` provides them.
 */
import { isUserError } from "../config/errors";
import { STACK_NAMES } from "../stacks";
import { planToJson, planToText } from "./format";
import { renderStack } from "./harness";

const USAGE = `usage: npm run render -- <stack> [--json] [--secrets-from-env]
stacks: ${STACK_NAMES.join(", ")}`;

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  const positional = argv.filter((a) => !a.startsWith("--"));
  const unknown = [...flags].filter((f) => !["--json", "--secrets-from-env", "--help"].includes(f));
  if (flags.has("--help")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positional.length !== 1 || unknown.length > 0) {
    process.stderr.write(`${unknown.length ? `unknown option ${unknown.join(", ")}\n` : ""}${USAGE}\n`);
    return 2;
  }
  const stack = positional[0]!;
  try {
    const plan = await renderStack(stack, flags.has("--secrets-from-env") ? { env: process.env } : {});
    process.stdout.write(flags.has("--json") ? planToJson(plan) : planToText(plan));
    return 0;
  } catch (err) {
    if (isUserError(err)) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`render failed (a bug, please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
