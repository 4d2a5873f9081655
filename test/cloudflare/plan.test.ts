/**
 * The pure record plan: independent of list order, one owner per hostname,
 * and the address check that guards the hetzner stack's outputs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAddress } from "../../core/cloudflare/bifrost";
import { planHosts } from "../../core/cloudflare/plan";
import type { ProjectConfig, PublicService } from "../../core/config/project";

const edge: ProjectConfig["edge"] = { auth: "auth", netbird: "netbird", uptime: "status" };
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/).filter((l) => !Object.values(edge).includes(l));
const services = fc.uniqueArray(label, { maxLength: 12 }).map((names) =>
  names.map((name): PublicService => ({ name, description: `why ${name} is public`, forwardAuth: true, proxied: false })),
);

describe("planHosts", () => {
  it("gives the same plan for any order of the public services", () => {
    fc.assert(
      fc.property(services, fc.nat(), (list, seed) => {
        const shuffled = [...list].sort((a, b) => ((a.name.length * 31 + seed) % 7) - ((b.name.length * 31 + seed) % 7));
        const strip = (c: typeof list) => planHosts({ domain: "lab.example.com", edge, publicServices: c }).map(({ source, commentSource, ...rest }) => rest);
        expect(strip(shuffled)).toEqual(strip(list));
      }),
      { numRuns: 50 },
    );
  });

  it("plans one owner per hostname: the LAN wildcard, three edge names and one per service", () => {
    fc.assert(
      fc.property(services, (list) => {
        const hosts = planHosts({ domain: "lab.example.com", edge, publicServices: list }).map((h) => h.hostname);
        expect(new Set(hosts).size).toBe(hosts.length);
        expect(hosts).toHaveLength(1 + 3 + list.length);
        for (const h of hosts) expect(h.endsWith(".lab.example.com"), h).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe("checkAddress", () => {
  it("passes single addresses through", () => {
    expect(checkAddress("org/homelab/hetzner", "ipv4", "203.0.113.10")).toBe("203.0.113.10");
    expect(checkAddress("org/homelab/hetzner", "ipv6", "2001:db8::1")).toBe("2001:db8::1");
  });

  it.each([
    ["ipv6", "2001:db8:1234::/64"],
    ["ipv6", "203.0.113.10"],
    ["ipv4", "2001:db8::1"],
    ["ipv4", ""],
    ["ipv4", undefined],
  ] as const)("refuses %s output %j, naming the stack and output", (key, value) => {
    expect(() => checkAddress("org/homelab/hetzner", key, value)).toThrow(
      `stack org/homelab/hetzner output "${key}" must be a single address`,
    );
  });
});
