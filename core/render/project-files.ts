/**
 * Reads the committed Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi
 * CLI merges them: project-level values first, stack values on top, objects
 * and lists passed to the program as JSON text.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE } from "../config/errors";
import type { RawConfig } from "../config/load";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * The directory whose Pulumi.yaml and Pulumi.<stack>.yaml the render reads:
 * the repository root (the user's own config), unless HOMELAB_CONFIG_DIR
 * names another one. The test suite points it at its fixtures
 * (test/fixtures/config) so a user's edits never change what the tests see.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env["HOMELAB_CONFIG_DIR"];
  return dir ? path.resolve(dir) : REPO_ROOT;
}

/** Config values (decoded YAML) of the project file and one stack file, merged. */
export function loadConfigValues(stack: string, root = configDir()): Record<string, unknown> {
  const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { config?: Record<string, unknown> };
  const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
  let stackConfig: Record<string, unknown> = {};
  try {
    stackConfig = ((parse(readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null)?.config) ?? {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const values: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(project.config ?? {})) values[qualify(key)] = projectValue(decl);
  for (const [key, value] of Object.entries(stackConfig)) values[qualify(key)] = value;
  return values;
}

/** Project-level entries are a plain value, `{ value: … }`, or a typed declaration with a default. */
function projectValue(decl: unknown): unknown {
  if (decl && typeof decl === "object" && !Array.isArray(decl)) {
    const d = decl as Record<string, unknown>;
    if ("value" in d) return d["value"];
    if ("default" in d) return d["default"];
  }
  return decl;
}

function qualify(key: string): string {
  return key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`;
}

/** Values → the string map Pulumi hands the program (PULUMI_CONFIG). */
export function toRawConfig(values: Record<string, unknown>): RawConfig {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    raw[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}

export function loadRawConfig(stack: string, root = configDir()): RawConfig {
  return toRawConfig(loadConfigValues(stack, root));
}
