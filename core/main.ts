/**
 * The program's entry: pick the stack module, validate its config and secrets,
 * then run it. Only the selected stack's module is loaded.
 */
import { ConfigError, UnknownStackError } from "./config/errors";
import { decodeConfig, keyIssues, parseConfig, readPulumiConfig, textKeysOf, withoutBadKeys, type RawConfig } from "./config/load";
import { findPlaceholders, PlaceholderError } from "./config/placeholders";
import { validateProject, type ProjectConfig } from "./config/project";
import { readSecrets, type Environment } from "./secrets";
import type { StackDefinition, StackOutputs } from "./stack";
import { STACK_NAMES, isStackName, type StackName } from "./stacks";

type Loader = () => Promise<StackDefinition<any>>;

/** One loader per stack; `import()` keeps the other four stacks' code unloaded. */
const loaders: Record<StackName, Loader> = {
  talos: async () => (await import("./talos")).default,
  platform: async () => (await import("./platform")).default,
  hetzner: async () => (await import("./hetzner")).default,
  authentik: async () => (await import("./authentik")).default,
  cloudflare: async () => (await import("./cloudflare")).default,
};

export async function loadStack(stack: string): Promise<StackDefinition<any>> {
  if (!isStackName(stack)) throw new UnknownStackError(stack, STACK_NAMES);
  return loaders[stack]();
}

/** Validates config for a stack without running it (used by tests and tools). */
export function validateConfig<C>(def: StackDefinition<C>, raw: RawConfig): C {
  const shape = (def.schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const badKeys = keyIssues(raw, new Set(Object.keys(shape)));
  try {
    const config = parseConfig(def.name, def.schema, decodeConfig(withoutBadKeys(raw, badKeys), textKeysOf(def.schema)), (c) => [
      ...validateProject(c as unknown as ProjectConfig),
      ...def.rules(c),
    ]);
    if (badKeys.length > 0) throw new ConfigError(def.name, badKeys);
    return config;
  } catch (err) {
    if (badKeys.length > 0 && ConfigError.isInstance(err) && err.issues !== badKeys) throw new ConfigError(def.name, [...badKeys, ...err.issues]);
    throw err;
  }
}

export interface RunOptions {
  /** Where secrets come from: the process environment under `sops exec-env`. */
  readonly env?: Environment;
  /** Config as Pulumi passes it; defaults to the running program's config. */
  readonly config?: RawConfig;
  /** Accept the example's placeholder values (the offline render does; a real run does not). */
  readonly allowPlaceholders?: boolean;
}

/** Validates config, then secrets, then runs the stack. Returns its outputs. */
export async function runProgram(stack: string, options: RunOptions = {}): Promise<StackOutputs> {
  const def = await loadStack(stack);
  const raw = options.config ?? readPulumiConfig();
  const config = validateConfig(def, raw);
  if (!options.allowPlaceholders) {
    const placeholders = findPlaceholders(decodeConfig(raw, textKeysOf(def.schema)));
    if (placeholders.length > 0) throw new PlaceholderError(def.name, placeholders);
  }
  const secrets = readSecrets(def.name, options.env ?? process.env, def.requiredSecrets(config));
  return def.run(config, secrets);
}
