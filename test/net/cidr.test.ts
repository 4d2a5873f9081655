/**
 * SSH admin sources by address arithmetic: every spelling of an address,
 * every split of the address space and every IPv4-mapped form is measured,
 * not compared as text.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADMIN_SOURCE_LIMIT, adminSourceProblems, parseAnyCidr, parseIPv6Address } from "../../core/net/cidr";

/** All eight hextets of an IPv6 address. */
const hextets = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });

/** One of the many legal spellings of an address given as hextets: case, leading zeros, `::` over any zero run. */
const spelling = (groups: number[]) =>
  fc.record({ upper: fc.boolean(), pad: fc.boolean(), compress: fc.nat() }).map(({ upper, pad, compress }) => {
    const text = groups.map((g) => {
      const h = g.toString(16);
      return (pad ? h.padStart(4, "0") : h)[upper ? "toUpperCase" : "toLowerCase"]();
    });
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < 8; i++)
      for (let j = i; j < 8 && groups[j] === 0; j++) runs.push([i, j + 1]);
    if (runs.length === 0) return text.join(":");
    const [from, to] = runs[compress % (runs.length + 1)] ?? [0, 0];
    if (from === to) return text.join(":");
    return `${text.slice(0, from).join(":")}::${text.slice(to).join(":")}`;
  });

const toBigint = (groups: number[]) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);

/** A random partition of the range [first, first + 2^bits) into CIDR blocks (a random prefix tree). */
function partition(bits: number, maxDepth: number): fc.Arbitrary<Array<{ first: bigint; prefixBits: number }>> {
  const tree = (first: bigint, rest: number, depth: number): fc.Arbitrary<Array<{ first: bigint; prefixBits: number }>> =>
    depth >= maxDepth
      ? fc.constant([{ first, prefixBits: rest }])
      : fc.boolean().chain((split) =>
          split
            ? fc.tuple(tree(first, rest - 1, depth + 1), tree(first + (1n << BigInt(rest - 1)), rest - 1, depth + 1)).map(([a, b]) => [...a, ...b])
            : fc.constant([{ first, prefixBits: rest }]),
        );
  return tree(0n, bits, 0);
}

const ipv4 = (v: bigint) => [24n, 16n, 8n, 0n].map((s) => (v >> s) & 255n).join(".");

describe("address parsing", () => {
  it("reads every spelling of an IPv6 address as the same number", () => {
    fc.assert(
      fc.property(hextets.chain((g) => fc.tuple(fc.constant(g), spelling(g))), ([groups, text]) => {
        expect(parseIPv6Address(text), text).toBe(toBigint(groups));
      }),
    );
  });

  it("reads an IPv4 tail inside IPv6 (::ffff:198.51.100.7)", () => {
    expect(parseIPv6Address("::ffff:198.51.100.7")).toBe((0xffffn << 32n) | 0xc6336407n);
    expect(parseIPv6Address("::FFFF:c633:6407")).toBe(parseIPv6Address("::ffff:198.51.100.7"));
  });

  it("rejects what is not an address", () => {
    for (const bad of ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", ":::", "::g", "1.2.3", "01.2.3.4", "256.1.1.1"])
      expect(parseAnyCidr(`${bad}/64`), bad).toBeUndefined();
    expect(parseAnyCidr("2001:db8::/129")).toBeUndefined();
    expect(parseAnyCidr("10.0.0.0/33")).toBeUndefined();
  });
});

describe("SSH admin sources", () => {
  it("accepts the example's admin networks", () => {
    expect(adminSourceProblems(["198.51.100.23/32", "2001:db8:77::/48"])).toEqual([]);
  });

  it("rejects every spelling of ::/0 and 0.0.0.0/0, host bits and all", () => {
    fc.assert(
      fc.property(hextets.chain((g) => spelling(g)), (address) => {
        expect(adminSourceProblems([`${address}/0`]).length, address).toBeGreaterThan(0);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        expect(adminSourceProblems([`${ipv4(BigInt(v))}/0`])[0]?.message).toContain("every IPv4 address");
      }),
    );
  });

  it("rejects any split of the whole IPv4 space into CIDRs, in any order", () => {
    fc.assert(
      fc.property(partition(32, 10).chain((blocks) => fc.shuffledSubarray(blocks, { minLength: blocks.length, maxLength: blocks.length })), (blocks) => {
        const list = blocks.map((b) => `${ipv4(b.first)}/${32 - b.prefixBits}`);
        const problems = adminSourceProblems(list);
        expect(problems.map((p) => p.message).join("\n"), list.join(" ")).toContain("every IPv4 address");
      }),
    );
  });

  it("rejects any split of the whole IPv6 space into CIDRs", () => {
    fc.assert(
      fc.property(partition(128, 8), (blocks) => {
        const list = blocks.map((b) => {
          const groups = Array.from({ length: 8 }, (_, i) => Number((b.first >> BigInt(112 - 16 * i)) & 0xffffn));
          return `${groups.map((g) => g.toString(16)).join(":")}/${128 - b.prefixBits}`;
        });
        expect(adminSourceProblems(list).map((p) => p.message).join("\n"), list.join(" ")).toContain("every IPv6 address");
      }),
    );
  });

  it("rejects the IPv4-mapped IPv6 block, which names every IPv4 address", () => {
    for (const mapped of ["::ffff:0:0/96", "::FFFF:0.0.0.0/96", "0:0:0:0:0:ffff:0:0/96", "::ffff:0:0/95"])
      expect(adminSourceProblems([mapped])[0]?.message, mapped).toContain("every IPv4 address");
    // A mapped admin address is as small as the IPv4 one.
    expect(adminSourceProblems(["::ffff:198.51.100.23/128"])).toEqual([]);
  });

  it("allows up to a /8 of IPv4 and a /32 of IPv6 in total, and no more", () => {
    const v4 = ADMIN_SOURCE_LIMIT[4].prefix;
    const v6 = ADMIN_SOURCE_LIMIT[6].prefix;
    expect([v4, v6]).toEqual([8, 32]);
    // k distinct /8 blocks: one is the limit, two exceed it.
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 223 }), { minLength: 1, maxLength: 6 }), (octets) => {
        const list = octets.map((o) => `${o}.0.0.0/8`);
        expect(adminSourceProblems(list).length > 0, list.join(" ")).toBe(octets.length > 1);
      }),
    );
    // Any number of blocks inside one /8 never exceed it, however they overlap.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 8, max: 32 })), { minLength: 1, maxLength: 20 }), (blocks) => {
        const list = blocks.map(([host, prefix]) => `${ipv4((10n << 24n) | BigInt(host))}/${prefix}`);
        expect(adminSourceProblems(list), list.join(" ")).toEqual([]);
      }),
    );
    expect(adminSourceProblems(["2001:db8::/32"])).toEqual([]);
    expect(adminSourceProblems(["2001:db8::/32", "2001:db9::/32"])[0]?.message).toContain("more IPv6 addresses than a /32");
    expect(adminSourceProblems(["2001:db8::/31"])[0]).toMatchObject({ index: 0 });
  });

  it("names the list, not an entry, when only the union is too wide", () => {
    const problems = adminSourceProblems(["0.0.0.0/1", "128.0.0.0/1"]);
    expect(problems.filter((p) => p.index === undefined).map((p) => p.message)).toEqual([
      "together these sources cover every IPv4 address, which opens SSH to the whole internet",
    ]);
  });

  it("never skips an entry it cannot measure", () => {
    expect(adminSourceProblems(["not-a-cidr"])).toEqual([{ index: 0, message: expect.stringContaining("not-a-cidr is not an IPv4 or IPv6 CIDR") }]);
  });
});
