/**
 * Helm values overrides from config: deep-merged over the values this stack
 * sets. Objects merge key by key; lists and scalars from the override replace
 * (merging lists element-wise would silently mix two intents).
 */
export type Values = Record<string, unknown>;

function isPlainObject(v: unknown): v is Values {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function deepMerge(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : structuredClone(value);
  }
  return out;
}
