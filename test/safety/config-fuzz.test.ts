/**
 * Config fuzzing (docs/config.md, docs/development.md#tests): thousands of mutations of each stack's
 * committed example config. Whatever a user types, validation either accepts
 * it (and then the stack renders) or rejects it with ONE ConfigError whose
 * every issue names a config path. Nothing else may escape — no TypeError from
 * a rule that trusted its input — and nothing may be registered before the error.
 *
 * The validator is pure and fast, so it takes the bulk of the cases; full
 * renders (hundreds of ms each) only run for a small sample of the outcomes.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../core/config/errors";
import type { RawConfig } from "../../core/config/load";
import { loadStack, validateConfig } from "../../core/main";
import { captureStack, placeholderEnv } from "../../core/render/harness";
import { toRawConfig } from "../../core/render/project-files";
import type { StackDefinition } from "../../core/stack";
import { STACK_NAMES, type StackName } from "../../core/stacks";
import { exampleConfig, type ConfigValues } from "../helpers/plan";

/**
 * Validator runs per stack (2,500 in total, about half a second per stack) and
 * a fixed seed, so a failure reproduces. Hunt deeper by hand with e.g.
 * `FUZZ_RUNS=20000 FUZZ_SEED=7 FUZZ_RENDERS=40 npx vitest run test/safety/config-fuzz.test.ts`.
 */
const RUNS_PER_STACK = Number(process.env["FUZZ_RUNS"] ?? 500);
const SEED = Number(process.env["FUZZ_SEED"] ?? 20_011);
/** Full renders per stack for accepted and for rejected mutations. */
const RENDERS_PER_STACK = { accepted: Number(process.env["FUZZ_RENDERS"] ?? 1), rejected: 2 };

type Path = ReadonlyArray<string | number>;
type Tree = unknown;

// ---------------------------------------------------------------------------
// The mutation vocabulary: what a careless edit of a YAML file produces.

const WRONG_TYPES: readonly unknown[] = [null, true, false, 0, 42, -1, "text", [], {}, [1, 2], { x: 1 }, [null], [{}]];

const MALFORMED_STRINGS: readonly string[] = [
  "",
  " ",
  "0.0.0.0/0",
  "10.10.0.0/33",
  "10.10.0.5/24",
  "300.1.1.1",
  "10.10.0",
  "10.10.0.11",
  "::1",
  "2001:db8::/129",
  "not a cidr",
  "-leading-dash",
  "trailing-",
  "a..b",
  "Upper_Case",
  "x".repeat(64),
  "a.".repeat(130),
  "0000:zz:00.0",
  "01:00.0",
  "0000:01:00.9",
  "htp:/broken",
  "https://",
  "ftp://example.com",
  "http://localhost:*/x",
  "latest",
  "image:latest",
  "v",
  "1.2",
  "v1.2.3-",
  "line\nbreak",
  "tab\there",
  "ünïcödé",
  "${HOME}",
  "../../etc/passwd",
  "null",
  "true",
  "1e309",
  "0x10",
  "{not json",
  "[1, 2",
];

const OUT_OF_RANGE_NUMBERS: readonly number[] = [-1, 0, 0.5, 1.5, 99, 4095, 4096, 65535, 65536, 2 ** 31, Number.MAX_SAFE_INTEGER, 1e21, -0];

const UNKNOWN_KEYS: readonly string[] = ["extra", "Name", "name ", "__proto__", "constructor", "toString", "homelab:domain", "0", ""];

/** One edit at one place in the config tree. `pick` chooses among options (path, value, sibling). */
interface Mutation {
  readonly kind:
    | "delete"
    | "wrongType"
    | "malformedString"
    | "outOfRange"
    | "tweakNumber"
    | "tweakString"
    | "duplicateElement"
    | "copyFromSibling"
    | "empty"
    | "huge"
    | "unknownKey";
  readonly at: number;
  readonly pick: number;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation["kind"]>(
    "delete",
    "wrongType",
    "malformedString",
    "outOfRange",
    "tweakNumber",
    "tweakString",
    "duplicateElement",
    "copyFromSibling",
    "empty",
    "huge",
    "unknownKey",
  ),
  at: fc.nat(),
  pick: fc.nat(),
});

/** Every path in the tree (objects' keys and lists' items), depth first, in a stable order. */
function pathsOf(tree: Tree, base: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(tree)) {
    tree.forEach((item, i) => {
      out.push([...base, i]);
      out.push(...pathsOf(item, [...base, i]));
    });
  } else if (tree !== null && typeof tree === "object") {
    for (const key of Object.keys(tree).sort()) {
      out.push([...base, key]);
      out.push(...pathsOf((tree as Record<string, unknown>)[key], [...base, key]));
    }
  }
  return out;
}

function getAt(tree: Tree, path: Path): unknown {
  let node = tree as any;
  for (const part of path) node = node?.[part];
  return node;
}

/** Sets an own property even for keys like `__proto__`, the way JSON.parse would. */
function setOwn(target: any, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function setAt(tree: Tree, path: Path, value: unknown): void {
  const parent = getAt(tree, path.slice(0, -1)) as any;
  setOwn(parent, path[path.length - 1]!, value);
}

function deleteAt(tree: Tree, path: Path): void {
  const parent = getAt(tree, path.slice(0, -1)) as any;
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
}

function nth<T>(list: readonly T[], n: number): T {
  return list[n % list.length]!;
}

/** Applies one mutation in place. Paths are re-read each time, so earlier edits shape later ones. */
function mutate(tree: Record<string, unknown>, m: Mutation): void {
  const paths = pathsOf(tree);
  if (paths.length === 0) return;
  const path = nth(paths, m.at);
  const current = getAt(tree, path);
  switch (m.kind) {
    case "delete":
      return deleteAt(tree, path);
    case "wrongType":
      return setAt(tree, path, structuredClone(nth(WRONG_TYPES, m.pick)));
    case "malformedString":
      return setAt(tree, path, nth(MALFORMED_STRINGS, m.pick));
    case "outOfRange":
      return setAt(tree, path, nth(OUT_OF_RANGE_NUMBERS, m.pick));
    case "tweakNumber": {
      if (typeof current !== "number") return setAt(tree, path, m.pick % 100_000);
      const ops = [current + 1, current - 1, current * 1000, -current, current / 3, 0];
      return setAt(tree, path, nth(ops, m.pick));
    }
    case "tweakString": {
      // Not String(current): an object may carry a `toString` key from an earlier mutation.
      const s = typeof current === "string" ? current : (JSON.stringify(current) ?? "x");
      const ops = [`${s}x`, s.slice(0, -1), s.toUpperCase(), ` ${s}`, `${s}.`, `${s}/`, s.replace(/\./g, ".."), `${s}-`];
      return setAt(tree, path, nth(ops, m.pick));
    }
    case "duplicateElement": {
      // Append a copy of an item to the nearest list: duplicate names, IPs, VM ids, hostnames.
      const listPath = [...path];
      while (listPath.length > 0 && !Array.isArray(getAt(tree, listPath))) listPath.pop();
      const list = getAt(tree, listPath);
      if (!Array.isArray(list) || list.length === 0) return;
      list.push(structuredClone(nth(list, m.pick)));
      return;
    }
    case "copyFromSibling": {
      // nodes[2].ip = nodes[0].ip: a collision between two otherwise valid entries.
      const [index, key] = [path.length >= 2 ? path[path.length - 2] : undefined, path[path.length - 1]];
      const list = getAt(tree, path.slice(0, -2));
      if (typeof index !== "number" || !Array.isArray(list) || list.length < 2) return setAt(tree, path, structuredClone(current));
      const other = nth(list, m.pick) as Record<string, unknown> | undefined;
      if (other && typeof other === "object" && key !== undefined && key in other) setAt(tree, path, structuredClone(other[key as string]));
      return;
    }
    case "empty":
      return setAt(tree, path, Array.isArray(current) ? [] : current !== null && typeof current === "object" ? {} : "");
    case "huge": {
      if (Array.isArray(current) && current.length > 0)
        return setAt(tree, path, Array.from({ length: 200 }, (_, i) => structuredClone(current[i % current.length])));
      if (typeof current === "string") return setAt(tree, path, current.repeat(50));
      return setAt(tree, path, Array.from({ length: 200 }, (_, i) => i));
    }
    case "unknownKey": {
      // Into the object at the path, or its parent object when the path is a leaf.
      let target = current;
      if (target === null || typeof target !== "object" || Array.isArray(target)) target = getAt(tree, path.slice(0, -1));
      if (target === null || typeof target !== "object" || Array.isArray(target)) target = tree;
      setOwn(target, nth(UNKNOWN_KEYS, m.pick), structuredClone(nth(WRONG_TYPES, m.pick + 1)));
      return;
    }
  }
}

function rawOf(values: ConfigValues): RawConfig {
  return toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v])));
}

/** The outcome of validating one config; anything other than these two is a bug. */
type Outcome = { accepted: true } | { accepted: false; error: ConfigError };

function validate(def: StackDefinition<any>, raw: RawConfig): Outcome {
  try {
    validateConfig(def, raw);
    return { accepted: true };
  } catch (err) {
    if (ConfigError.isInstance(err)) return { accepted: false, error: err };
    // Rethrow with the config so fast-check prints a reproducible counterexample.
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new Error(`validation threw ${what} instead of a ConfigError`, { cause: err });
  }
}

function assertWellFormed(error: ConfigError): void {
  expect(error.issues.length, "a ConfigError lists at least one problem").toBeGreaterThan(0);
  for (const issue of error.issues) {
    expect(issue.path.length, `issue without a config path: ${issue.message}`).toBeGreaterThan(0);
    expect(typeof issue.message === "string" && issue.message.length > 0, "issue without a message").toBe(true);
  }
}

interface StackFuzz {
  accepted: RawConfig[];
  rejected: RawConfig[];
}

const defs = new Map<StackName, StackDefinition<any>>();
const samples = new Map<StackName, StackFuzz>();

beforeAll(async () => {
  for (const stack of STACK_NAMES) defs.set(stack, await loadStack(stack));
});

/**
 * Runs the property for a stack once (fixed seed, so always the same cases)
 * and keeps the configs of both outcomes for the render sample.
 */
function fuzz(stack: StackName): StackFuzz {
  const done = samples.get(stack);
  if (done) return done;
  const def = defs.get(stack)!;
  const example = exampleConfig(stack);
  const sample: StackFuzz = { accepted: [], rejected: [] };
  const exampleRaw = JSON.stringify(rawOf(example));
  fc.assert(
    fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (mutations) => {
      const values = structuredClone(example);
      for (const m of mutations) mutate(values, m);
      const raw = rawOf(values);
      const outcome = validate(def, raw);
      if (outcome.accepted) {
        if (JSON.stringify(raw) !== exampleRaw) sample.accepted.push(raw);
      } else {
        assertWellFormed(outcome.error);
        sample.rejected.push(raw);
      }
    }),
    { seed: SEED, numRuns: RUNS_PER_STACK },
  );
  samples.set(stack, sample);
  return sample;
}

describe.each(STACK_NAMES)("%s config under random mutation", (stack) => {
  it("is accepted, or rejected with one ConfigError whose every issue names a config path", () => {
    const sample = fuzz(stack);
    // Both outcomes must occur, or the generator has stopped exercising one side.
    expect(sample.rejected.length, "some mutations are rejected").toBeGreaterThan(RUNS_PER_STACK / 4);
    expect(sample.accepted.length, "some mutations are accepted").toBeGreaterThan(0);
  });

  it("renders a sample of the accepted mutations, and registers nothing for rejected ones", async () => {
    const sample = fuzz(stack);
    const pick = <T>(list: T[], n: number) => Array.from({ length: Math.min(n, list.length) }, (_, i) => list[Math.floor((i * list.length) / n)]!);
    for (const raw of pick(sample.accepted, RENDERS_PER_STACK.accepted)) {
      const capture = await captureStack(stack, { config: raw, env: placeholderEnv() });
      expect(capture.error, `accepted config failed to render: ${JSON.stringify(raw)}`).toBeUndefined();
      expect(capture.registered).toBeGreaterThan(0);
    }
    for (const raw of pick(sample.rejected, RENDERS_PER_STACK.rejected)) {
      const capture = await captureStack(stack, { config: raw, env: placeholderEnv() });
      expect(ConfigError.isInstance(capture.error), `expected a ConfigError, got ${String(capture.error)}`).toBe(true);
      expect(capture.registered, "no resource may be registered before a config error").toBe(0);
    }
  });
});
