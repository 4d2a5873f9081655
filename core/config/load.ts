/**
 * Reading and validating config, once, at the edge (DESIGN §5, STYLE rule 3).
 * Nothing below the stack entry point calls `new pulumi.Config()`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { CONFIG_NAMESPACE, ConfigError, type ConfigIssue, type ConfigPath } from "./errors";

/** Config as Pulumi hands it over: `homelab:<key>` → string (JSON for objects and lists). */
export type RawConfig = Readonly<Record<string, string>>;

/**
 * The program's config keys with values decoded: objects and lists come from
 * Pulumi as JSON text, scalars as plain strings. Keys of other namespaces
 * (provider config such as `proxmoxve:endpoint`) are ignored here.
 */
export function decodeConfig(raw: RawConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const key of Object.keys(raw).sort()) {
    if (!key.startsWith(prefix)) continue;
    const text = raw[key]!;
    out[key.slice(prefix.length)] = decodeValue(text);
  }
  return out;
}

function decodeValue(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(text);
    } catch {
      return text; // left as text: the schema reports what it expected
    }
  }
  return text;
}

/** The config the running Pulumi program was given. */
export function readPulumiConfig(): RawConfig {
  return pulumi.runtime.allConfig();
}

/**
 * Parses config with a schema, then runs the cross-field rules on the typed
 * result. Throws one ConfigError listing every problem, or returns typed config.
 */
export function parseConfig<S extends z.ZodType>(
  stack: string,
  schema: S,
  values: Record<string, unknown>,
  rules: (config: z.output<S>) => ConfigIssue[],
): z.output<S> {
  const parsed = schema.safeParse(values, { reportInput: true });
  if (!parsed.success) throw new ConfigError(stack, parsed.error.issues.flatMap((i) => toConfigIssues(i)));
  const issues = rules(parsed.data);
  if (issues.length > 0) throw new ConfigError(stack, issues);
  return parsed.data;
}

type ZodIssue = z.core.$ZodIssue;

/** Turns a zod issue into the user's words: path plus expected form. */
export function toConfigIssues(issue: ZodIssue, base: ConfigPath = []): ConfigIssue[] {
  const path = [...base, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: "unknown key (check the spelling; see the config reference in README.md)",
      }));
    case "invalid_type": {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined) return [{ path, message: `required: expected ${issue.expected}` }];
      return [{ path, message: `expected ${issue.expected}, got ${typeName(input)}` }];
    }
    case "invalid_value":
      return [{ path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify((issue as { input?: unknown }).input)}` }];
    case "invalid_union": {
      // Report the branch that got furthest (fewest problems): usually what the user meant.
      const branches = issue.errors.filter((b) => b.length > 0);
      if (branches.length === 0) return [{ path, message: issue.message }];
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
      return best.flatMap((i) => toConfigIssues(i, path));
    }
    case "too_small":
    case "too_big":
      return [{ path, message: issue.message.replace(/^Too (small|big): /, "") }];
    default:
      return [{ path, message: issue.message }];
  }
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}
