// Redirect-URI matching: exact unless the URI has a wildcard; a wildcard
// stands for whole host labels under the app's own domain (or the project
// domain), or for the port of a loopback host, and becomes an anchored regex
// that Authentik tests with Python's re.fullmatch
// (goauthentik/authentik, authentik/providers/oauth2/views/authorize.py).
// The JS engine stands in for Python's here: the patterns use only escapes,
// character classes, counted repetition and ^/$ anchors, which both read alike.
import fc from "fast-check";
import { getPublicSuffix } from "tldts";
import { describe, expect, it } from "vitest";
import { escapeRegex, redirectEntryProblem, redirectUriEntry, redirectUriProblem, wildcardDomains } from "../../core/authentik/redirect-uris";

const DOMAIN = "lab.example.com";
const matches = (pattern: string, candidate: string) => new RegExp(pattern).test(candidate);
const entry = (uri: string, domains = [DOMAIN]) => redirectUriEntry(uri, domains);

// Generators: DNS labels, domains under a real TLD, paths without wildcards.
// A generated domain can itself be a public suffix (uk.com, us.org, …, in the
// Public Suffix List's private section), which the rules rightly refuse as a
// wildcard's base: such domains are left out, as no user could own one.
// Labels with "--" in the third and fourth place are reserved for IDNA
// (RFC 5891 §4.2.3.1): "xn--a" is invalid punycode that URL parsers refuse,
// so no real domain has one; leave them out as well.
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/).filter((l) => l.slice(2, 4) !== "--");
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom("com", "org", "net", "dev", "de"))
  .map(([labels, tld]) => [...labels, tld].join("."))
  .filter((d) => getPublicSuffix(d, { allowPrivateDomains: true }) !== d);
const path = fc.stringMatching(/^(\/[A-Za-z0-9._~%!$&'()+,;=:@-]{0,10}){0,3}(\?[A-Za-z0-9=&._-]{0,10})?$/);

describe("redirectUriEntry", () => {
  it("matches a URI without wildcard strictly, unchanged", () => {
    expect(entry("https://grafana.lab.example.com/login/generic_oauth")).toEqual({
      matching_mode: "strict",
      url: "https://grafana.lab.example.com/login/generic_oauth",
    });
  });

  it("turns a host wildcard into one DNS label, dots and the rest escaped, anchored", () => {
    const { matching_mode, url } = entry("https://*.lab.example.com/cb");
    expect(matching_mode).toBe("regex");
    expect(url).toBe(String.raw`^https://[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.lab\.example\.com/cb$`);
    expect(matches(url, "https://grafana.lab.example.com/cb")).toBe(true);
    expect(matches(url, "https://grafana.labxexample.com/cb")).toBe(false);
    expect(matches(url, "https://a.b.lab.example.com/cb")).toBe(false);
    expect(matches(url, "https://evillab.example.com/cb")).toBe(false);
  });

  it("turns a loopback port wildcard into digits only", () => {
    const { url } = entry("http://localhost:*/auth/callback");
    expect(matches(url, "http://localhost:8085/auth/callback")).toBe(true);
    expect(matches(url, "http://localhost:8085/auth/callback/../../evil")).toBe(false);
    expect(matches(url, "http://localhost:80@evil.test/auth/callback")).toBe(false);
    expect(matches(url, "evil://x?http://localhost:8085/auth/callback")).toBe(false);
  });

  it("keeps the wildcard inside the host label it was written in, so it cannot move the code to another host", () => {
    const { url } = entry("https://*.lab.example.com/cb");
    for (const attack of [
      "https://evil.test/x.lab.example.com/cb",
      "https://evil.test?.lab.example.com/cb",
      "https://evil.test#.lab.example.com/cb",
      "https://evil.test\\.lab.example.com/cb",
      "https://user@evil.test@a.lab.example.com/cb",
      "https://a.lab.example.com.evil.test/cb",
      "https://a.lab.example.com:444/cb",
    ])
      expect(matches(url, attack), attack).toBe(false);
  });

  it("refuses to build an entry for a URI that fails validation", () => {
    expect(() => entry("https://*/cb")).toThrow("choose the host");
  });

  it("(property) whatever a host-wildcard pattern matches is one more label under the domain, with the same path", () => {
    const candidate = (d: string, p: string) =>
      fc.oneof(
        fc.tuple(label).map(([x]) => `https://${x}.${d}${p}`),
        fc.tuple(label).map(([x]) => `https://${x}${d}${p}`),
        fc.tuple(label, label).map(([x, y]) => `https://${x}.${y}.${d}${p}`),
        fc.tuple(label).map(([x]) => `https://${x}.${d}.evil.test${p}`),
        fc.tuple(label).map(([x]) => `https://${x}@evil.test.${d}${p}`),
        fc.tuple(label).map(([x]) => `https://evil.test/${x}.${d}${p}`),
        fc.tuple(label, fc.string({ maxLength: 6 })).map(([x, junk]) => `https://${x}${junk}.${d}${p}`),
        fc.tuple(label, fc.string({ maxLength: 6 })).map(([x, junk]) => `https://${x}.${d}${p}${junk}`),
        fc.string({ maxLength: 40 }),
      );
    fc.assert(
      fc.property(
        domain.chain((d) => path.chain((p) => candidate(d, p).map((c) => [d, p, c] as const))),
        ([d, p, c]) => {
          const uri = `https://*.${d}${p}`;
          expect(redirectUriProblem(uri, [d])).toBeUndefined();
          const { url } = redirectUriEntry(uri, [d]);
          if (!matches(url, c)) return;
          const parsed = new URL(c);
          expect(parsed.hostname.endsWith(`.${d}`)).toBe(true);
          expect(parsed.hostname.split(".").length).toBe(d.split(".").length + 1);
          expect(parsed.username + parsed.password + parsed.port).toBe("");
          expect(c.slice(`https://${parsed.hostname}`.length)).toBe(p);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("(property) a host wildcard never matches evil<domain> nor a host outside the domain", () => {
    fc.assert(
      fc.property(domain, domain, label, path, (d, other, x, p) => {
        fc.pre(other !== d && !other.endsWith(`.${d}`));
        const { url } = redirectUriEntry(`https://*.${d}${p}`, [d]);
        expect(matches(url, `https://evil${d}${p}`)).toBe(false);
        expect(matches(url, `https://${x}-${d}${p}`)).toBe(false);
        expect(matches(url, `https://${x}.${other}${p}`)).toBe(false);
        expect(matches(url, `https://${x}.${d}.${other}${p}`)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("(property) a loopback port wildcard matches every port, and nothing but a port", () => {
    fc.assert(
      fc.property(fc.constantFrom("localhost", "127.0.0.1", "[::1]"), fc.integer({ min: 1, max: 65535 }), path, label, (host, port, p, x) => {
        const { url } = redirectUriEntry(`http://${host}:*${p}`, [DOMAIN]);
        expect(matches(url, `http://${host}:${port}${p}`)).toBe(true);
        expect(matches(url, `http://${host}:${port}@${x}.test${p}`)).toBe(false);
        expect(matches(url, `http://${host}.${x}.test:${port}${p}`)).toBe(false);
        expect(matches(url, `http://${host}:${port}${p}x`)).toBe(false);
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
    ["http://127.0.0.1:*/cb"],
    ["https://*.lab.example.com/cb"],
    ["https://*.*.lab.example.com/cb"],
    ["https://app.*.lab.example.com/cb?x=1"],
    ["http://localhost:8000"],
    ["com.example.app:/oauth2redirect"],
  ])("accepts %s", (uri) => {
    expect(redirectUriProblem(uri, [DOMAIN])).toBeUndefined();
  });

  it.each([
    ["not-a-url", /absolute URI/],
    ["/relative/callback", /absolute URI/],
    ["https://*/cb", /wildcard choose the host/],
    ["https://*.com/cb", /public suffix "com"/],
    ["https://*.co.uk/cb", /public suffix "co.uk"/],
    ["https://*.github.io/cb", /public suffix "github.io"/],
    ["https://*.example.com/cb", /only range over hosts under "lab.example.com"/],
    ["https://*.evil.test/cb", /only range over hosts under/],
    ["https://*lab.example.com/cb", /whole host label/],
    ["https://app-*.lab.example.com/cb", /whole host label/],
    ["https://grafana.lab.example.com/*", /after the host/],
    ["https://grafana.lab.example.com/cb?next=*", /after the host/],
    ["https://grafana.lab.example.com:*/cb", /only allowed on localhost/],
    ["http://localhost:80*/cb", /whole port/],
    ["https://u:*@a.lab.example.com/cb", /user info/],
    ["https://*.10.0.0.1/cb", /choose the host/],
    ["https://[*::1]/cb", /IP address/],
    ["*://app.lab.example.com/cb", /absolute URI|scheme/],
    ["custom*://x/cb", /scheme/],
    ["app://*.lab.example.com/cb", /only allowed in the host or port of an http\(s\) URI/],
    ["https://app.lab.example.com/cb#frag", /fragment/],
    ["https://*.lab.example.com/c b", /whitespace/],
  ])("rejects %s", (uri, why) => {
    expect(redirectUriProblem(uri, [DOMAIN])).toMatch(why);
  });

  it("lets a wildcard range under the app's own launchUrl host too", () => {
    const domains = wildcardDomains(DOMAIN, "https://photos.family.example.org/");
    expect(domains).toEqual([DOMAIN, "photos.family.example.org"]);
    expect(redirectUriProblem("https://*.photos.family.example.org/cb", domains)).toBeUndefined();
    expect(redirectUriProblem("https://*.family.example.org/cb", domains)).toMatch(/only range over hosts under/);
  });

  it("(property) a wildcard inside a label, after the host, or over a public suffix is always refused", () => {
    const partial = fc.tuple(fc.stringMatching(/^[a-z0-9-]{0,5}$/), fc.stringMatching(/^[a-z0-9-]{0,5}$/)).filter(([a, b]) => a + b !== "");
    fc.assert(
      fc.property(partial, path, fc.constantFrom("com", "co.uk", "github.io", "pages.dev", "org"), ([a, b], p, suffix) => {
        expect(redirectUriProblem(`https://${a}*${b}.${DOMAIN}${p}`, [DOMAIN])).toMatch(/whole host label/);
        expect(redirectUriProblem(`https://app.${DOMAIN}/x${p}*`, [DOMAIN])).toMatch(/after the host/);
        // Even when the configured domain is itself a public suffix.
        expect(redirectUriProblem(`https://*.${suffix}/cb`, [suffix])).toMatch(/public suffix/);
      }),
      { numRuns: 200 },
    );
  });
});

describe("redirectEntryProblem (what the policy pack checks in a plan)", () => {
  it("(property) accepts every entry the rules produce", () => {
    fc.assert(
      fc.property(domain, path, fc.constantFrom("https://*.", "https://*.*.", "https://app.*.", "http://localhost:*", "https://exact."), (d, p, form) => {
        const uri = form.startsWith("http://localhost") ? `${form}${p}` : `${form}${d}${p}`;
        expect(redirectUriProblem(uri, [d])).toBeUndefined();
        expect(redirectEntryProblem(redirectUriEntry(uri, [d]), [d])).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    [{ matching_mode: "regex", url: String.raw`^https://.*\.lab\.example\.com/cb$` }, /is not a wildcard URI/],
    [{ matching_mode: "regex", url: String.raw`https://[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.lab\.example\.com/cb` }, /not anchored/],
    [{ matching_mode: "regex", url: String.raw`^https://[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.evil\.test/cb$` }, /only range over hosts under/],
    [{ matching_mode: "regex", url: String.raw`^https://grafana\.lab\.example\.com/[0-9]{1,5}$` }, /after the host/],
    [{ matching_mode: "strict", url: "https://*.lab.example.com/cb" }, /compare literally/],
  ] as const)("rejects %j", (e, why) => {
    expect(redirectEntryProblem(e, [DOMAIN])).toMatch(why);
  });
});
