/**
 * Reading and validating config, once, at the edge (docs/development.md, rule 3).
 * Nothing below the stack entry point calls `new pulumi.Config()`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { CONFIG_NAMESPACE, ConfigError, type ConfigIssue, type ConfigPath } from "./errors";
import { describe } from "./primitives";
import { closest, didYouMean } from "./suggest";

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
  if (!parsed.success)
    throw new ConfigError(stack, labelled(parsed.error.issues.flatMap((i) => toConfigIssues(i, [], schema)), values));
  const issues = rules(parsed.data);
  if (issues.length > 0) throw new ConfigError(stack, labelled(issues, values));
  return parsed.data;
}

/**
 * Names the list item a path runs through (`homelab:nodes[4]` is "k8s-gpu-1"),
 * so the user finds it without counting: the last list index in the path
 * whose item has a `name`.
 */
function labelled(issues: ConfigIssue[], values: Record<string, unknown>): ConfigIssue[] {
  return issues.map((issue) => {
    if (issue.label !== undefined) return issue;
    let node: unknown = values;
    let label: string | undefined;
    for (const part of issue.path) {
      if (node === null || typeof node !== "object") break;
      node = (node as Record<string | number, unknown>)[part];
      if (typeof part === "number" && node && typeof node === "object" && typeof (node as { name?: unknown }).name === "string")
        label = describe((node as { name: string }).name);
    }
    return label === undefined ? issue : { ...issue, label };
  });
}

/** Namespaces a key may have besides homelab: Pulumi's own and the providers this program uses. */
export const PROVIDER_NAMESPACES = ["pulumi", "proxmoxve", "talos", "hcloud", "cloudflare", "authentik", "command", "kubernetes", "random", "tls"] as const;

/**
 * Problems with the keys themselves, which a schema never sees: a misspelt
 * namespace (`homleab:domain` is not this program's key, so Pulumi passes it
 * and nothing reads it), and a dotted key (`homelab:talos.version`, what
 * `pulumi config set` stores without `--path`). `known` are the stack's keys.
 */
export function keyIssues(raw: RawConfig, known: ReadonlySet<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const full of Object.keys(raw).sort()) {
    const colon = full.indexOf(":");
    const namespace = colon < 0 ? "" : full.slice(0, colon);
    const name = full.slice(colon + 1);
    if (namespace !== CONFIG_NAMESPACE) {
      if ((PROVIDER_NAMESPACES as readonly string[]).includes(namespace)) continue;
      const near = closest(namespace, [CONFIG_NAMESPACE, ...PROVIDER_NAMESPACES]);
      issues.push({
        path: [],
        key: full,
        message:
          near !== undefined
            ? `unknown namespace "${namespace}" (did you mean "${near}:${name}"?); nothing reads this key`
            : `unknown namespace "${namespace}": this program reads ${CONFIG_NAMESPACE}:<key>, and provider keys of ${PROVIDER_NAMESPACES.join(", ")}`,
      });
      continue;
    }
    const dot = name.indexOf(".");
    if (dot > 0 && !known.has(name)) {
      const head = name.slice(0, dot);
      issues.push({
        path: [],
        key: full,
        message:
          `a key with a dot in its name${known.has(head) ? "" : didYouMean(head, known).replace(/^ /, "; ")}: \`pulumi config set\` without --path stores "${name}" as one key. ` +
          `Remove it (\`pulumi config rm '${full}'\`) and run \`pulumi config set --path '${CONFIG_NAMESPACE}:${name}' <value>\`, or nest the value under ${CONFIG_NAMESPACE}:${head} in the file`,
      });
    }
  }
  return issues;
}

/** The raw config without the keys keyIssues reports, so the schema does not report them again. */
export function withoutBadKeys(raw: RawConfig, issues: readonly ConfigIssue[]): RawConfig {
  const bad = new Set(issues.map((i) => i.key));
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k)));
}

type ZodIssue = z.core.$ZodIssue;

/** Turns a zod issue into the user's words: path plus expected form. */
export function toConfigIssues(issue: ZodIssue, base: ConfigPath = [], schema?: z.ZodType): ConfigIssue[] {
  const path = [...base, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = schema ? keysAt(schema, path) : [];
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: `unknown key${didYouMean(key, known)} (check the spelling; see the config reference in README.md)`,
      }));
    }
    case "invalid_type": {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined) return [{ path, message: `required: expected ${issue.expected}` }];
      return [{ path, message: `expected ${issue.expected}, got ${typeName(input)}` }];
    }
    case "invalid_value":
      return [{ path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe((issue as { input?: unknown }).input)}` }];
    case "invalid_union": {
      // Report the branch that got furthest (fewest problems): usually what the user meant.
      const branches = issue.errors.filter((b) => b.length > 0);
      if (branches.length === 0) return [{ path, message: issue.message }];
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
      return best.flatMap((i) => toConfigIssues(i, path, schema));
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
  return `${typeof v} ${describe(v)}`;
}

/** The keys an object schema allows at `path` (through optional, default, pipe, array and record wrappers). */
function keysAt(schema: z.ZodType, path: ConfigPath): string[] {
  let t: unknown = schema;
  const def = (x: unknown) => (x as { def: Record<string, unknown> & { type: string } }).def;
  const unwrap = () => {
    for (let guard = 0; guard < 10; guard++) {
      const d = def(t);
      if (["optional", "default", "nullable", "prefault", "readonly", "catch"].includes(d.type)) t = d["innerType"];
      else if (d.type === "pipe") t = d["in"];
      else if (d.type === "lazy") t = (d["getter"] as () => unknown)();
      else return;
    }
  };
  unwrap();
  for (const part of path) {
    const d = def(t);
    if (typeof part === "number" && d.type === "array") t = d["element"];
    else if (d.type === "object") t = (d["shape"] as Record<string, unknown>)[part];
    else if (d.type === "record") t = d["valueType"];
    else return [];
    if (t === undefined) return [];
    unwrap();
  }
  const d = def(t);
  return d.type === "object" ? Object.keys(d["shape"] as Record<string, unknown>) : [];
}
