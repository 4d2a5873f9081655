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
export function decodeConfig(raw: RawConfig, textKeys: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const key of Object.keys(raw).sort()) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    const text = raw[key]!;
    out[name] = textKeys.has(name) ? text : decodeValue(text);
  }
  return out;
}

/**
 * Pulumi hands every value over as text: JSON for objects and lists, and the
 * bare scalar otherwise (`true`, `3`). Keys whose schema is a string stay text
 * (a version `1.13` must not become a number); everything else is decoded.
 */
function decodeValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "true" || trimmed === "false" || /^-?\d+(\.\d+)?$/.test(trimmed)) return JSON.parse(trimmed);
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

/** Top-level keys whose schema is text (string, enum or literal), so their values are never JSON-decoded. */
export function textKeysOf(schema: z.ZodType): Set<string> {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const isText = (t: z.ZodType): boolean => {
    const def = (t as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } }).def;
    if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault")
      return isText(def.innerType!);
    if (def.type === "pipe") return isText(def.in!);
    return def.type === "string" || def.type === "enum" || def.type === "literal" || def.type === "template_literal";
  };
  return new Set(Object.entries(shape).filter(([, t]) => isText(t)).map(([k]) => k));
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
