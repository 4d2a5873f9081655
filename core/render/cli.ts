/**
 * `npm run render -- <stack> [--json | --mermaid] [--preview] [--secrets-from-env]`
 *
 * Runs a stack under Pulumi mocks with the committed config and prints its
 * plan. Secrets are placeholders unless --secrets-from-env, which reads them
 * from the environment exactly as `sops exec-env` provides them. --preview
 * runs the program as `pulumi preview` does (a dry run of a stack with no
 * state: what providers compute is unknown). --mermaid prints the
 * resources and their dependencies as a Mermaid flowchart.
 *
 * The exit status is set, never forced (see run-cli.ts): a large plan
 * reaches a slow reader whole.
 *
 * The harness (the Pulumi runtime, the mocks and, through them, the provider
 * SDKs) is imported only once the arguments and the stack name are valid: it
 * is most of a render's start-up (~1 s of CPU), and a usage error or an
 * unknown stack needs none of it.
 */
import { parseArgs } from "node:util";
import { isStackName, STACK_NAMES, unknownStackMessage } from "../stacks";
import { planToJson, planToText } from "./format";
import { planToMermaid } from "./mermaid";
import { describeBug, runCli } from "./run-cli";

const USAGE = `usage: npm run render -- <stack> [--json | --mermaid] [--preview] [--secrets-from-env]
stacks: ${STACK_NAMES.join(", ")}`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        mermaid: { type: "boolean", default: false },
        preview: { type: "boolean", default: false },
        "secrets-from-env": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || (values.json && values.mermaid)) {
    process.stderr.write(`${values.json && values.mermaid ? "--json and --mermaid are two formats; pick one\n" : ""}${USAGE}\n`);
    return 2;
  }
  const stack = positionals[0]!;
  // Nothing to load for a stack that does not exist (UnknownStackError's message, exit 1 as before).
  if (!isStackName(stack)) {
    process.stderr.write(`${unknownStackMessage(stack)}\n`);
    return 1;
  }
  const [{ renderStack }, { isUserError }] = await Promise.all([import("./harness"), import("../config/errors")]);
  try {
    const plan = await renderStack(stack, {
      ...(values["secrets-from-env"] ? { env: process.env } : {}),
      dryRun: values.preview,
    });
    process.stdout.write(values.json ? planToJson(plan) : values.mermaid ? planToMermaid(plan.resources) : planToText(plan));
    return 0;
  } catch (err) {
    if (isUserError(err)) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

runCli(() => main(process.argv.slice(2)), (err) => `render failed (a bug, please report it):\n${describeBug(err)}\n`);
