/**
 * Regex-hostile values in every string the config holds: a 50 KB e-mail
 * address, a long run of dots, a near-miss CIDR. Validation must answer
 * (accept, or one ConfigError) in linear time: a backtracking regex that is
 * quadratic on such input turns one bad value into a hang of minutes.
 *
 * The bound below is a hang detector, not a speed test: a linear check of
 * 50 KB takes milliseconds; the quadratic regexes this found took 3–5 s at
 * 50 KB (10–20 s at 100 KB).
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/config/errors";
import { loadStack, validateConfig } from "../../core/main";
import { toRawConfig } from "../../core/render/project-files";
import { STACK_NAMES } from "../../core/stacks";
import { exampleConfig } from "../helpers/plan";

const SIZE = 50_000;

/** Shapes that make overlapping quantifiers (`[^@]+\.[^@]+$`, `(a|a.)*`) backtrack. */
const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ["e-mail with 50 KB of dots", `a@${".".repeat(SIZE)} `],
  ["e-mail with 50 KB of labels and a stray @", `a@${"a.".repeat(SIZE / 2)}@`],
  ["mailto with 50 KB of labels", `mailto:a@${"a.".repeat(SIZE / 2)} `],
  ["50 KB of one character", "a".repeat(SIZE)],
  ["50 KB of hyphenated labels", `${"a-".repeat(SIZE / 2)}.`],
  ["CIDR with 50 KB of digits", `10.${"1".repeat(SIZE)}/8`],
];

/** Where each string leaf of a config tree is, as a path of keys and indices. */
function stringPaths(tree: unknown, base: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof tree === "string") return [base];
  if (Array.isArray(tree)) return tree.flatMap((item, i) => stringPaths(item, [...base, i]));
  if (tree !== null && typeof tree === "object") return Object.entries(tree).flatMap(([k, v]) => stringPaths(v, [...base, k]));
  return [];
}

function withValue(tree: unknown, path: ReadonlyArray<string | number>, value: string): unknown {
  const copy = structuredClone(tree) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

/** A hang detector: 2 s for one validation of ~50 KB (linear takes a few ms even on a loaded machine). */
const HANG_MS = 2_000;

describe.each(STACK_NAMES)("%s: regex-hostile values anywhere in the config", (stack) => {
  it("are accepted or refused with a config error, without a hang", async () => {
    const def = await loadStack(stack);
    const config = exampleConfig(stack);
    // One path per shape: nodes[0].name stands for every node's name (same schema, same checks).
    const seen = new Set<string>();
    const paths = stringPaths(config).filter((p) => {
      const shape = p.map((k) => (typeof k === "number" ? "[]" : k)).join(".");
      return !seen.has(shape) && seen.add(shape);
    });
    expect(paths.length, "string values in the example config").toBeGreaterThan(0);
    const slow: string[] = [];
    for (const path of paths)
      for (const [what, value] of HOSTILE) {
        const mutated = withValue(config, path, value) as Record<string, unknown>;
        const raw = toRawConfig(Object.fromEntries(Object.entries(mutated).map(([k, v]) => [`homelab:${k}`, v])));
        const started = performance.now();
        try {
          validateConfig(def, raw);
        } catch (err) {
          expect(err, `${path.join(".")} = ${what}`).toBeInstanceOf(ConfigError);
        }
        const ms = performance.now() - started;
        if (ms > HANG_MS) slow.push(`homelab:${path.join(".")} = ${what}: ${Math.round(ms)} ms`);
      }
    expect(slow, "validation that backtracks on long input (a quadratic regex)").toEqual([]);
  }, 120_000);
});
