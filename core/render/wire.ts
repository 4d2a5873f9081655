/**
 * Pulumi's wire format (what the engine receives) turned into plain JSON for
 * the plan: secrets become "[secret]", unknowns "[unknown]", resource
 * references their URN, assets and archives a short description.
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const SECRET_PLACEHOLDER = "[secret]";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Decoded {
  /** JSON with secrets redacted: what the render prints. */
  readonly redacted: Json;
  /** JSON with secret values revealed: what tests inspect. */
  readonly revealed: Json;
  /** Paths (`a.b[0]`) of every secret value. */
  readonly secretPaths: string[];
}

export function decodeWire(value: unknown): Decoded {
  const secretPaths: string[] = [];
  const walk = (v: unknown, path: string, inSecret: boolean): [Json, Json] => {
    if (v === null || v === undefined) return [null, null];
    if (typeof v === "string") return v === UNKNOWN ? ["[unknown]", "[unknown]"] : [v, v];
    if (typeof v === "number" || typeof v === "boolean") return [v, v];
    if (Array.isArray(v)) {
      const pairs = v.map((item, i) => walk(item, `${path}[${i}]`, inSecret));
      return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
    }
    if (typeof v === "object") {
      const obj = v as Record<string, unknown>;
      const sig = obj[SIG_KEY];
      if (sig === SECRET_SIG) {
        if (!inSecret) secretPaths.push(path || "<root>");
        const [, revealed] = walk(obj["value"], path, true);
        return [SECRET_PLACEHOLDER, revealed];
      }
      if (sig === OUTPUT_VALUE_SIG) {
        if (obj["secret"] === true) {
          if (!inSecret) secretPaths.push(path || "<root>");
          const [, revealed] = walk(obj["value"], path, true);
          return [SECRET_PLACEHOLDER, revealed];
        }
        return "value" in obj ? walk(obj["value"], path, inSecret) : ["[unknown]", "[unknown]"];
      }
      if (sig === RESOURCE_SIG) {
        const urn = String(obj["urn"]);
        return [urn, urn];
      }
      if (sig === ASSET_SIG || sig === ARCHIVE_SIG) {
        const kind = sig === ASSET_SIG ? "asset" : "archive";
        const described: Json = {
          [`$${kind}`]: (obj["path"] ?? obj["uri"] ?? (obj["text"] !== undefined ? "text" : "assets")) as string,
        };
        if (typeof obj["text"] === "string") (described as Record<string, Json>)["text"] = obj["text"];
        if (obj["assets"] && typeof obj["assets"] === "object") {
          const inner = walk(obj["assets"], `${path}.assets`, inSecret);
          (described as Record<string, Json>)["assets"] = inner[0];
        }
        return [described, described];
      }
      const redacted: Record<string, Json> = {};
      const revealed: Record<string, Json> = {};
      for (const key of Object.keys(obj).sort()) {
        if (obj[key] === undefined) continue;
        const [r, v2] = walk(obj[key], path ? `${path}.${key}` : key, inSecret);
        redacted[key] = r;
        revealed[key] = v2;
      }
      return [redacted, revealed];
    }
    return [String(v), String(v)];
  };
  const [redacted, revealed] = walk(value, "", false);
  return { redacted, revealed, secretPaths };
}

/** Stable JSON with sorted keys, for comparing and hashing. */
export function stableStringify(value: Json, indent?: number): string {
  const sort = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, Json>)[k]!)]));
    return v;
  };
  return JSON.stringify(sort(value), null, indent);
}
