// docs/architecture.md#authentik: nothing calls an HTTP API from inside the program. The stack
// reaches Authentik only through the provider, so its modules import no HTTP
// client and call no fetch.
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const DIR = path.resolve(__dirname, "../../core/authentik");
const files = readdirSync(DIR).filter((f) => f.endsWith(".ts"));

const FORBIDDEN: ReadonlyArray<[string, RegExp]> = [
  ["http/https/http2/net modules", /from\s+["'](node:)?(https?|http2|net|tls|dgram)["']|require\(\s*["'](node:)?(https?|http2|net|tls|dgram)["']\s*\)/],
  ["HTTP client packages", /from\s+["'](axios|undici|node-fetch|got|ky|superagent|cross-fetch)["']/],
  ["fetch()", /\bfetch\s*\(/],
  ["XMLHttpRequest / WebSocket", /\b(XMLHttpRequest|WebSocket)\b/],
  ["child processes", /from\s+["'](node:)?child_process["']/],
];

describe("authentik stack modules", () => {
  it("exist (the scan below is not vacuous)", () => {
    expect(files).toEqual(expect.arrayContaining(["index.ts", "lookups.ts", "github-login.ts", "forward-auth.ts"]));
  });

  it.each(files)("%s imports no HTTP client and calls no fetch", (file) => {
    const source = readFileSync(path.join(DIR, file), "utf8");
    for (const [what, pattern] of FORBIDDEN) expect(pattern.test(source), `${file} uses ${what}`).toBe(false);
  });
});
