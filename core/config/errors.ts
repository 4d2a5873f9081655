import * as pulumi from "@pulumi/pulumi";

/** The config namespace: the Pulumi project name. Keys read `homelab:<key>`. */
export const CONFIG_NAMESPACE = "homelab";

export type ConfigPath = ReadonlyArray<string | number>;

/** One problem with the config: where it is and what was expected. */
export interface ConfigIssue {
  readonly path: ConfigPath;
  readonly message: string;
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
    const sorted = [...issues].sort((a, b) =>
      formatConfigPath(a.path).localeCompare(formatConfigPath(b.path)),
    );
    const lines = sorted.map((i) => `  - ${formatConfigPath(i.path)}: ${i.message}`);
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

/** An error the user caused and can fix: printed as a message, never a stack trace. */
export function isUserError(err: unknown): err is ConfigError | MissingSecretsError | UnknownStackError {
  return ConfigError.isInstance(err) || MissingSecretsError.isInstance(err) || UnknownStackError.isInstance(err);
}

export class UnknownStackError extends pulumi.RunError {
  override readonly name = "UnknownStackError";

  constructor(
    readonly stackName: string,
    readonly valid: readonly string[],
  ) {
    super(
      `Unknown stack "${stackName}". This program has five stacks: ${valid.join(", ")}. ` +
        `Select one with \`pulumi stack select <name>\` or run \`just core <stack> <action>\`.`,
    );
  }

  static override isInstance(err: unknown): err is UnknownStackError {
    return err instanceof Error && err.name === "UnknownStackError";
  }
}
