/**
 * The example config the test suite renders: copies of the example
 * Pulumi*.yaml kept under test/fixtures/config. The root Pulumi*.yaml are the
 * user's own config and may say anything valid; `npm run check` validates and
 * renders those. Change both when you change the example.
 */
import * as path from "node:path";

export const FIXTURE_CONFIG_DIR = path.resolve(__dirname, "..", "fixtures", "config");

/** Environment for a child process that runs the render CLI on the fixtures. */
export function fixtureEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, HOMELAB_CONFIG_DIR: FIXTURE_CONFIG_DIR };
}
