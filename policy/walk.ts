/**
 * Walking captured plan values: every leaf with its path (`a.b[0].c`, the
 * same form as CapturedResource.secretPaths), and the structured documents
 * carried inside strings (compose files, Talos patches, Traefik config, JSON).
 */
import { parseAllDocuments } from "yaml";
import type { Json } from "../core/render/wire";

export interface Visit {
  readonly path: string;
  /** The last property name on the path (list indices skipped), or "" at the root. */
  readonly key: string;
  readonly value: Json;
}

/** Depth-first over every value (objects and lists included) with its path. */
export function* walk(value: Json, path = "", key = ""): Generator<Visit> {
  yield { path, key, value };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walk(value[i]!, `${path}[${i}]`, key);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) yield* walk(v, path ? `${path}.${k}` : k, k);
  }
}

/** True when `path` is one of `secretPaths` or inside one. */
export function isUnderSecret(secretPaths: readonly string[], path: string): boolean {
  return secretPaths.some((p) => p === "<root>" || p === path || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/** Paths with list indices generalised: `rules[3].port` → `rules[].port`, for allow-lists. */
export function shapeOf(path: string): string {
  return path.replace(/\[\d+\]/g, "[]");
}

/**
 * Structured documents inside a string: multi-document YAML (which includes
 * JSON). Plain one-line strings are skipped; unparseable text yields nothing.
 */
export function embeddedDocuments(text: string): Json[] {
  const trimmed = text.trim();
  const looksStructured = trimmed.includes("\n") || trimmed.startsWith("{") || trimmed.startsWith("[");
  if (!looksStructured) return [];
  try {
    const docs = parseAllDocuments(text, { logLevel: "silent" });
    if (!Array.isArray(docs)) return [];
    return docs
      .filter((d) => d.errors.length === 0)
      .map((d) => d.toJS({ maxAliasCount: 100 }) as Json)
      .filter((d) => d !== null && typeof d === "object");
  } catch {
    return [];
  }
}

/**
 * Every value, and every value of every document embedded in a string (and
 * documents embedded in those), with its path; `embedded` marks the latter.
 */
export function* walkDeep(value: Json, path = "", embedded = false, depth = 0): Generator<Visit & { readonly embedded: boolean }> {
  for (const visit of walk(value, path)) {
    yield { ...visit, embedded };
    if (typeof visit.value === "string" && depth < 3) {
      const docs = embeddedDocuments(visit.value);
      for (let i = 0; i < docs.length; i++) yield* walkDeep(docs[i]!, `${visit.path}<doc ${i}>`, true, depth + 1);
    }
  }
}
