/**
 * Property test over the stack's config (docs/development.md#tests): whatever the public
 * service list and DNS settings look like, validation either accepts the
 * config or rejects it with one ConfigError; nothing else escapes, and an
 * accepted config always plans hostnames DNS can hold.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { planCaa, planHosts, MAX_HOSTNAME_LENGTH } from "../../core/cloudflare/plan";
import { ConfigError } from "../../core/config/errors";
import { loadStack, validateConfig } from "../../core/main";
import { toRawConfig } from "../../core/render/project-files";
import type { StackDefinition } from "../../core/stack";
import { exampleConfig } from "../helpers/plan";

let def: StackDefinition<any>;
let example: Record<string, any>;
beforeAll(async () => {
  def = await loadStack("cloudflare");
  example = exampleConfig("cloudflare");
});

/** Mostly valid values with the occasional bad one, so both outcomes are exercised. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });

const label = mostly(
  fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/),
  fc.constantFrom("auth", "nb", "status", "Grafana", "-x", "a_b", "", "x".repeat(64)),
);
const service = fc.record(
  {
    name: label,
    description: mostly(fc.stringMatching(/^[A-Za-z][A-Za-z ,.;-]{0,50}$/), fc.oneof(fc.string({ maxLength: 120 }), fc.constant("two\nlines"))),
    proxied: fc.boolean(),
    forwardAuth: fc.boolean(),
  },
  { requiredKeys: ["name", "description"] },
);
const dns = fc.record(
  {
    zone: mostly(fc.constantFrom("example.com", "lab.example.com"), fc.constantFrom("example.org", "Example.com")),
    zoneId: mostly(fc.constant("0123456789abcdef0123456789abcdef"), fc.constant("nope")),
    ipv6: mostly(fc.boolean(), fc.constant("yes" as unknown as boolean)),
    caa: fc.record(
      { enabled: fc.boolean(), iodef: mostly(fc.constantFrom("mailto:a@example.com", "https://example.com/caa"), fc.constant("a@b")) },
      { requiredKeys: [] },
    ),
    commentMaxLength: mostly(fc.integer({ min: 100, max: 500 }), fc.integer({ min: 0, max: 600 })),
  },
  { requiredKeys: [] },
);

describe("cloudflare config", () => {
  it("is either accepted, with valid hostnames and comments, or rejected with one ConfigError", () => {
    const outcomes = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(service, { maxLength: 6 }), dns, (services, dnsConfig) => {
        const values = structuredClone(example);
        values["publicServices"] = services;
        values["dns"] = dnsConfig;
        const raw = toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v])));
        let config: any;
        try {
          config = validateConfig(def, raw);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).issues.length).toBeGreaterThan(0);
          outcomes.rejected++;
          return;
        }
        outcomes.accepted++;
        const planned = [...planHosts(config), ...planCaa(config.domain, config.dns.caa)];
        expect(new Set(planHosts(config).map((h) => h.hostname)).size).toBe(planHosts(config).length);
        for (const r of planned) {
          expect(r.hostname.length).toBeLessThanOrEqual(MAX_HOSTNAME_LENGTH);
          expect(r.comment.length).toBeLessThanOrEqual(config.dns.commentMaxLength);
          expect(r.comment).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 80 },
    );
    // Both branches must be exercised, or the property says little.
    expect(outcomes.accepted).toBeGreaterThan(8);
    expect(outcomes.rejected).toBeGreaterThan(8);
  });
});
