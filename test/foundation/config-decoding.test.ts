import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeConfig, textKeysOf } from "../../core/config/load";

describe("config decoding", () => {
  it("decodes top-level scalars by the schema: booleans and numbers typed, strings left as text", () => {
    const schema = z.object({ flag: z.boolean(), count: z.number(), version: z.string(), mode: z.enum(["a", "b"]).default("a") });
    const raw = { "homelab:flag": "true", "homelab:count": "3", "homelab:version": "1.13", "homelab:mode": "b", "other:x": "1" };
    expect(decodeConfig(raw, textKeysOf(schema))).toEqual({ flag: true, count: 3, version: "1.13", mode: "b" });
  });

  it("decodes objects and lists from JSON text and leaves malformed JSON for the schema to reject", () => {
    expect(decodeConfig({ "homelab:a": '{"x":1}', "homelab:b": "[1,2]", "homelab:c": "{oops" })).toEqual({ a: { x: 1 }, b: [1, 2], c: "{oops" });
  });
});
