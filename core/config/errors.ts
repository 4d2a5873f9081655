import * as pulumi from "@pulumi/pulumi";
import { unknownStackMessage } from "../stacks";

/** The config namespace: the Pulumi project name. Keys read `homelab:<key>`. */
export const CONFIG_NAMESPACE = "homelab";

export type ConfigPath = ReadonlyArray<string | number>;

/** One problem with the config: where it is and what was expected. */
export interface ConfigIssue {
  readonly path: ConfigPath;
  readonly message: string;
  /** Shown instead of the formatted path (a key outside the homelab: namespace). */
  readonly key?: string;
  /** The name of the list item the path runs through (a node's name), shown after the message. */
  readonly label?: string;
}

/** Longest line of an error message; longer ones are cut (a value can be megabytes). */
export const MAX_MESSAGE_LINE = 400;

/** `text` cut to `max` characters, saying how much was left out. */
export function shorten(text: string, max = MAX_MESSAGE_LINE): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function issueLine(i: ConfigIssue): string {
  return shorten(`  - ${i.key ?? formatConfigPath(i.path)}: ${i.message}${i.label ? ` (in ${i.label})` : ""}`);
}

/** `["nodes", 1, "ip"]` → `homelab:nodes[1].ip`. */
export function formatConfigPath(path: ConfigPath): string {
  const [head, ...rest] = path;
  if (head === undefined) return `${CONFIG_NAMESPACE}:<root>`;
  let out = `${CONFIG_NAMESPACE}:${String(head)}`;
  for (const part of rest) out += typeof part === "number" ? `[${part}]` : `.${part}`;
  return out;
}

/**
 * Invalid configuration. It is a `pulumi.RunError`, so the Pulumi CLI prints the
 * message alone (no stack trace); the offline render does the same.
 */
export class ConfigError extends pulumi.RunError {
  override readonly name = "ConfigError";

  constructor(
    readonly stackName: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(ConfigError.format(stackName, issues));
  }

  static format(stack: string, issues: readonly ConfigIssue[]): string {
    const where = (i: ConfigIssue) => i.key ?? formatConfigPath(i.path);
    const sorted = [...issues].sort((a, b) => (where(a) < where(b) ? -1 : where(a) > where(b) ? 1 : 0));
    const lines = sorted.map(issueLine);
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    return [
      `Invalid configuration for stack "${stack}" (${count}):`,
      ...lines,
      `Project-level keys live in Pulumi.yaml, stack keys in Pulumi.${stack}.yaml.`,
    ].join("\n");
  }

  static override isInstance(err: unknown): err is ConfigError {
    return err instanceof Error && err.name === "ConfigError" && "issues" in err;
  }
}

/**
 * Required secrets are missing from the environment. Also a RunError: one
 * message, no stack trace.
 */
export class MissingSecretsError extends pulumi.RunError {
  override readonly name = "MissingSecretsError";

  constructor(
    readonly stackName: string,
    readonly missing: readonly string[],
  ) {
    super(
      [
        `Stack "${stackName}" needs ${missing.length === 1 ? "a secret" : "secrets"} that ${missing.length === 1 ? "is" : "are"} not set: ${missing.join(", ")}.`,
        `Add ${missing.length === 1 ? "it" : "them"} to secrets/bootstrap.sops.yaml (\`just secrets-edit\`; see secrets/bootstrap.sops.yaml.example for how to obtain each)`,
        `and run through \`just core ${stackName} <action>\`, which injects them with \`sops exec-env\`.`,
      ].join("\n"),
    );
  }

  static override isInstance(err: unknown): err is MissingSecretsError {
    return err instanceof Error && err.name === "MissingSecretsError" && "missing" in err;
  }
}

/** One mistake in a config file: where (file, line and column, or key) and what was expected. */
export interface FileProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

function byPlace(a: FileProblem, b: FileProblem): number {
  return a.file !== b.file ? (a.file < b.file ? -1 : 1) : (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/**
 * A config file that cannot be read as Pulumi reads it: YAML syntax, a key
 * Pulumi or this program would misread. Printed as a message, exit 1.
 */
export class ConfigFileError extends pulumi.RunError {
  override readonly name = "ConfigFileError";

  constructor(readonly problems: readonly FileProblem[]) {
    super(
      [
        `Invalid config file${new Set(problems.map((p) => p.file)).size === 1 ? "" : "s"} (${problems.length === 1 ? "1 problem" : `${problems.length} problems`}):`,
        ...[...problems].sort(byPlace).map((p) => shorten(`  - ${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}: ${p.message}`)),
      ].join("\n"),
    );
  }

  static override isInstance(err: unknown): err is ConfigFileError {
    return err instanceof Error && err.name === "ConfigFileError" && "problems" in err;
  }
}

/**
 * An error the user caused and can fix: printed as a message, never a stack
 * trace. Every `pulumi.RunError` is one (the Pulumi CLI prints those without
 * a trace too): config, secrets, catalogue and look-up errors alike.
 */
export function isUserError(err: unknown): err is Error {
  return (
    ConfigError.isInstance(err) ||
    ConfigFileError.isInstance(err) ||
    MissingSecretsError.isInstance(err) ||
    UnknownStackError.isInstance(err) ||
    pulumi.RunError.isInstance(err)
  );
}

export class UnknownStackError extends pulumi.RunError {
  override readonly name = "UnknownStackError";

  constructor(
    readonly stackName: string,
    readonly valid: readonly string[],
  ) {
    super(unknownStackMessage(stackName, valid));
  }

  static override isInstance(err: unknown): err is UnknownStackError {
    return err instanceof Error && err.name === "UnknownStackError";
  }
}

/**
 * A stack needs an output of another that is not there yet: the stacks ran
 * out of order (README, "Stacks and order"). A RunError: one message, no trace.
 */
export class StackOrderError extends pulumi.RunError {
  override readonly name = "StackOrderError";

  constructor(
    readonly needed: { readonly stack: string; readonly output: string },
    why: string,
    fix: string,
  ) {
    super(`This stack needs the output "${needed.output}" of the stack ${needed.stack}, which does not have it (${why}). ${fix}`);
  }

  static override isInstance(err: unknown): err is StackOrderError {
    return err instanceof Error && err.name === "StackOrderError";
  }
}
