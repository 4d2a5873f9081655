/**
 * `npx tsx scripts/update-urn-snapshot.ts [stack…]` (npm run urns:update)
 *
 * Accepts a change of resource identities deliberately: renders each stack
 * offline with the example config of the tests (test/fixtures/config) and rewrites
 * test/safety/urns/<stack>.json with the engine URNs it registers. The
 * stable-identities test (test/safety/plans.test.ts) compares against these
 * files; commit them together with the change so reviewers see which
 * resources Pulumi will create or delete.
 *
 * Before accepting a URN that disappears, consider an alias instead: a
 * renamed resource with `aliases: [{ name: "<old>" }]` keeps its identity.
 */
import { renderStack } from "../core/render/harness";
import { describeBug, runCli } from "../core/render/run-cli";
import { STACK_NAMES, isStackName } from "../core/stacks";
import { FIXTURE_CONFIG_DIR } from "../test/helpers/fixtures";
import { engineUrns, readSnapshot, snapshotFile, writeSnapshot } from "../test/safety/lib/urns";

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => !isStackName(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown stack ${unknown.join(", ")}\nusage: npx tsx scripts/update-urn-snapshot.ts [${STACK_NAMES.join("|")} …]\n`);
    return 2;
  }
  const stacks = argv.length > 0 ? argv : [...STACK_NAMES];
  for (const stack of stacks) {
    const urns = engineUrns(await renderStack(stack, { configDir: FIXTURE_CONFIG_DIR }));
    const before = new Set(readSnapshot(stack) ?? []);
    const after = new Set(urns);
    const added = urns.filter((u) => !before.has(u)).length;
    const removed = [...before].filter((u) => !after.has(u)).length;
    writeSnapshot(stack, urns);
    process.stdout.write(`${stack}: ${urns.length} URNs (+${added} −${removed}) → ${snapshotFile(stack)}\n`);
  }
  return 0;
}

runCli(() => main(process.argv.slice(2)), (err) => `${describeBug(err)}\n`);
