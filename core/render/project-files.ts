/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI merges
 * them: project-level values first, stack values on top, objects and lists
 * passed to the program as JSON text. Every mistake in the files is a
 * ConfigFileError naming the file and line (exit 1, no stack trace).
 *
 * What Pulumi accepts, from pulumi/pulumi (sdk/go/common/resource/config/key.go,
 * sdk/go/common/workspace/project.go): keys are `<namespace>:<name>` (or the old
 * `<namespace>:config:<name>`); in Pulumi.yaml a key of the project's own
 * namespace holding an object must say `value:` or `default:` (otherwise it is
 * read as a type declaration); files are YAML read by gopkg.in/yaml.v3, which
 * refuses duplicate keys and resolves aliases and `<<` merges.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { isAlias, isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type Scalar } from "yaml";
import { CONFIG_NAMESPACE, ConfigFileError, type FileProblem } from "../config/errors";
import type { RawConfig } from "../config/load";
import { closest } from "../config/suggest";

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

/** Aliases a file may expand; more is a "billion laughs" file, refused before it is expanded. */
const MAX_ALIASES = 100;

/** Keys of a stack file Pulumi knows besides `config` (sdk/go/common/workspace/project.go ProjectStack). */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

interface ParsedFile {
  readonly file: string;
  /** Config key (qualified) → value and where it is. */
  readonly entries: Map<string, { value: unknown; line?: number; column?: number }>;
}

/** Config values (decoded YAML) of the project file and one stack file, merged. */
export function loadConfigValues(stack: string, root = configDir()): Record<string, unknown> {
  const problems: FileProblem[] = [];
  const project = readConfigFile(path.join(root, "Pulumi.yaml"), "project", problems);
  const stackFile = `Pulumi.${stack}.yaml`;
  const own = readConfigFile(path.join(root, stackFile), "stack", problems, true);
  if (project && own) {
    for (const [key, at] of own.entries) {
      if (project.entries.has(key) && key.startsWith(`${CONFIG_NAMESPACE}:`))
        problems.push({
          file: stackFile,
          line: at.line,
          column: at.column,
          message: `${key} is project-level config, set once in Pulumi.yaml for every stack; remove it here (a stack file must not override it, or two stacks would disagree)`,
        });
    }
  }
  if (problems.length > 0) throw new ConfigFileError(problems);
  const values: Record<string, unknown> = {};
  for (const [key, { value }] of project?.entries ?? []) values[key] = value;
  for (const [key, { value }] of own?.entries ?? []) values[key] = value;
  return values;
}

/** Reads one file's `config:` block; records every problem; undefined when the file cannot be used. */
function readConfigFile(file: string, kind: "project" | "stack", problems: FileProblem[], optional = false): ParsedFile | undefined {
  const name = path.basename(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && optional) return { file: name, entries: new Map() };
    throw err;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, uniqueKeys: true, prettyErrors: false, strict: true });
  const at = (offset: number | undefined) => (offset === undefined ? {} : { line: lines.linePos(offset).line, column: lines.linePos(offset).col });
  const before = problems.length;
  // Every duplicate key, but only the first syntax error: the ones after it are mostly its echo.
  const syntax = doc.errors.find((e) => e.code !== "DUPLICATE_KEY");
  for (const error of doc.errors.filter((e) => e.code === "DUPLICATE_KEY" || e === syntax))
    problems.push({ file: name, ...at(error.pos[0]), message: yamlMessage(error.code, error.message) });
  if (problems.length > before) return undefined;

  const top = doc.contents;
  if (top === null) return { file: name, entries: new Map() };
  if (!isMap(top)) {
    problems.push({ file: name, ...at(top.range?.[0]), message: "expected a mapping of keys (name:, config:, …) at the top of the file" });
    return undefined;
  }
  if (kind === "stack")
    for (const pair of top.items) {
      const key = keyText(pair);
      if (key !== undefined && !STACK_FILE_KEYS.includes(key))
        problems.push({ file: name, ...at(keyOffset(pair)), message: `unknown top-level key "${key}"${hint(key, STACK_FILE_KEYS)}; config values go under config:` });
    }
  const config = top.get("config", true) as Node | undefined;
  if (config === undefined || (isScalar(config) && config.value === null)) return { file: name, entries: new Map() };
  if (!isMap(config)) {
    problems.push({ file: name, ...at(config.range?.[0]), message: "config: must be a mapping of `namespace:key: value`" });
    return undefined;
  }
  const entries: ParsedFile["entries"] = new Map();
  for (const pair of config.items) {
    const where = at(keyOffset(pair));
    const raw = keyText(pair);
    if (raw === undefined) {
      problems.push({ file: name, ...where, message: "a config key must be text like homelab:domain" });
      continue;
    }
    const key = qualify(raw, kind);
    if (key === undefined) {
      problems.push({ file: name, ...where, message: `"${raw}" has no namespace; write ${CONFIG_NAMESPACE}:${raw} (Pulumi reads stack keys as <namespace>:<name>)` });
      continue;
    }
    const unbounded = nonFiniteNumber(pair.value as Node | null);
    if (unbounded) {
      problems.push({
        file: name,
        ...at(unbounded.range?.[0]),
        message: `${key}: ${unbounded.source ?? String(unbounded.value)} is not a finite number (YAML reads it as ${String(unbounded.value)}); Pulumi keeps config as JSON, which has no such number: write the value it should be`,
      });
      continue;
    }
    let value: unknown;
    try {
      value = toJs(doc, pair.value);
    } catch (err) {
      problems.push({ file: name, ...at((pair.value as Node | null)?.range?.[0]), message: String((err as Error).message) });
      continue;
    }
    if (kind === "project" && key.startsWith(`${CONFIG_NAMESPACE}:`)) {
      const decl = projectValue(value);
      if (decl.problem) {
        problems.push({ file: name, ...where, message: `${key}: ${decl.problem}` });
        continue;
      }
      value = decl.value;
    }
    entries.set(key, { value, ...where });
  }
  return { file: name, entries };
}

function toJs(doc: Document, node: unknown): unknown {
  if (node === null || node === undefined) return null;
  // maxAliasCount bounds how far aliases may expand ("billion laughs").
  return (node as { toJS(doc: Document, opts: object): unknown }).toJS(doc, { maxAliasCount: MAX_ALIASES });
}

/** The first number in a value that JSON cannot carry: `1e309`, `.inf`, `-.inf`, `.nan`. */
function nonFiniteNumber(node: Node | null): Scalar | undefined {
  if (node === null) return undefined;
  let found: Scalar | undefined;
  visit(node, {
    Scalar(_key, scalar) {
      if (typeof scalar.value === "number" && !Number.isFinite(scalar.value)) {
        found = scalar;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function keyText(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k) && (typeof k.value === "string" || typeof k.value === "number")) return String(k.value);
  if (isAlias(k)) return undefined;
  return undefined;
}

function keyOffset(pair: Pair): number | undefined {
  return (pair.key as Node | null)?.range?.[0];
}

function hint(word: string, candidates: Iterable<string>): string {
  const near = closest(word, candidates);
  return near === undefined ? "" : ` (did you mean "${near}"?)`;
}

/** Messages of the YAML parser, with what to do for the common ones. */
function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  switch (code) {
    case "DUPLICATE_KEY":
      return "duplicate key: the same key twice in one mapping (Pulumi refuses the file); keep one";
    case "TAB_AS_INDENT":
      return "a tab used for indentation; YAML indents with spaces only";
    default:
      return `YAML syntax: ${first}`;
  }
}

/**
 * Pulumi.yaml entries: `{ value: … }`, a typed declaration with a `default`,
 * or a plain scalar or list. An object without either is read by Pulumi as a
 * type declaration, not a value.
 */
function projectValue(decl: unknown): { value?: unknown; problem?: string } {
  if (decl && typeof decl === "object" && !Array.isArray(decl)) {
    const d = decl as Record<string, unknown>;
    if ("value" in d) return { value: d["value"] };
    if ("default" in d) return { value: d["default"] };
    if ("type" in d) return { value: undefined };
    return { problem: "an object in Pulumi.yaml goes under `value:` (Pulumi reads a bare object there as a type declaration)" };
  }
  return { value: decl };
}

/**
 * `<namespace>:<name>` as Pulumi keys it; `<namespace>:config:<name>` is the
 * old spelling of the same key. Pulumi.yaml may leave out the project's own
 * namespace; a stack file may not.
 */
function qualify(key: string, kind: "project" | "stack"): string | undefined {
  const parts = key.split(":");
  if (parts.length === 3 && parts[1] === "config") return `${parts[0]}:${parts[2]}`;
  if (parts.length >= 2) return key;
  return kind === "project" ? `${CONFIG_NAMESPACE}:${key}` : undefined;
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

