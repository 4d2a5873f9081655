// Redirect-URI matching: exact unless the URI has a wildcard; wildcards become
// anchored regexes whose literal parts are escaped and whose `*` stays inside
// one URL component.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeRegex, redirectUriEntry, redirectUriProblem } from "../../core/authentik/redirect-uris";

const matches = (pattern: string, candidate: string) => new RegExp(pattern).test(candidate);

describe("redirectUriEntry", () => {
  it("matches a URI without wildcard strictly, unchanged", () => {
    expect(redirectUriEntry("https://grafana.lab.example.com/login/generic_oauth")).toEqual({
      matching_mode: "strict",
      url: "https://grafana.lab.example.com/login/generic_oauth",
    });
  });

  it("turns a wildcard URI into an anchored regex with dots escaped", () => {
    const { matching_mode, url } = redirectUriEntry("https://*.lab.example.com/cb");
    expect(matching_mode).toBe("regex");
    expect(url.startsWith("^")).toBe(true);
    expect(url.endsWith("$")).toBe(true);
    expect(url).toContain(String.raw`\.lab\.example\.com`);
    expect(matches(url, "https://grafana.lab.example.com/cb")).toBe(true);
    expect(matches(url, "https://grafana.labxexample.com/cb")).toBe(false);
  });

  it("does not let the anchored regex match with extra text before or after", () => {
    const { url } = redirectUriEntry("http://localhost:*/auth/callback");
    expect(matches(url, "http://localhost:8085/auth/callback")).toBe(true);
    expect(matches(url, "http://localhost:8085/auth/callback/../../evil")).toBe(false);
    expect(matches(url, "evil://x?http://localhost:8085/auth/callback")).toBe(false);
  });

  it("keeps the wildcard inside one URL component, so it cannot move the code to another host", () => {
    const { url } = redirectUriEntry("https://*.lab.example.com/cb");
    for (const attack of [
      "https://evil.test/x.lab.example.com/cb",
      "https://evil.test?.lab.example.com/cb",
      "https://evil.test#.lab.example.com/cb",
      "https://evil.test\\.lab.example.com/cb",
      "https://user@evil.test@a.lab.example.com/cb",
    ])
      expect(matches(url, attack), attack).toBe(false);
  });

  it("escapes every regex metacharacter in literal parts (property)", () => {
    const literal = fc.string({ maxLength: 20 }).filter((s) => !s.includes("*"));
    const fill = fc.stringMatching(/^[a-z0-9.-]{0,12}$/);
    fc.assert(
      fc.property(fc.array(literal, { minLength: 2, maxLength: 4 }), fc.array(fill, { minLength: 3, maxLength: 3 }), (parts, fills) => {
        const uri = parts.join("*");
        const { matching_mode, url } = redirectUriEntry(uri);
        expect(matching_mode).toBe("regex");
        // The URI with each `*` filled by component-safe text matches; nothing else about it is special.
        const filled = parts.reduce((acc, p, i) => (i === 0 ? p : `${acc}${fills[(i - 1) % fills.length]}${p}`), "");
        expect(matches(url, filled)).toBe(true);
        // Anchored: text before or after breaks the match. (A newline: the
        // generated literals are printable ASCII and a wildcard never matches whitespace.)
        expect(matches(url, `\n${filled}`)).toBe(false);
        expect(matches(url, `${filled}\n`)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("escapeRegex makes any string match only itself", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        expect(new RegExp(`^${escapeRegex(s)}$`).test(s)).toBe(true);
      }),
    );
  });
});

describe("redirectUriProblem", () => {
  it.each([
    ["https://argocd.lab.example.com/auth/callback"],
    ["http://localhost:*/auth/callback"],
    ["https://*.lab.example.com/cb"],
    ["http://localhost:8000"],
  ])("accepts %s", (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    ["not a url", /absolute URI/],
    ["/relative/callback", /absolute URI/],
    ["https://*/cb", /wildcard choose the host/],
    ["https://*.com/cb", /wildcard choose the host/],
    ["*://app.lab.example.com/cb", /absolute URI|scheme/],
    ["https://app.lab.example.com/cb#frag", /fragment/],
  ])("rejects %s", (uri, why) => {
    expect(redirectUriProblem(uri)).toMatch(why);
  });
});
