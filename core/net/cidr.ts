/**
 * IPv4 and IPv6 CIDR arithmetic on bigints: parsing every spelling an
 * address can have, merging ranges and measuring how much of an address
 * family a list of CIDRs covers. Used to decide, by arithmetic and never by
 * comparing strings, whether SSH admin sources open bifrost to the world.
 */

export type Family = 4 | 6;

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
}

export interface ParsedCidr extends AddressRange {
  readonly prefix: number;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };
const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function ipv4ToBigint(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n);
}

/** Parses any RFC 4291 spelling: full, `::`-compressed, leading zeros, any case, an IPv4 tail. */
export function parseIPv6Address(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): bigint[] | undefined => {
    if (part === "") return [];
    const out: bigint[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = ipv4ToBigint(item);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (HEXTET.test(item)) out.push(BigInt(parseInt(item, 16)));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  // `::` stands for at least one group of zeros; without it there must be exactly eight.
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses `address/prefix` of either family; undefined when malformed. Host bits may be set. */
export function parseAnyCidr(text: string): ParsedCidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const prefix = Number(match[2]);
  const isV6 = match[1]!.includes(":");
  const family: Family = isV6 ? 6 : 4;
  const address = isV6 ? parseIPv6Address(match[1]!) : ipv4ToBigint(match[1]!);
  if (address === undefined || prefix > BITS[family]) return undefined;
  const size = 1n << BigInt(BITS[family] - prefix);
  const first = (address / size) * size;
  return { family, prefix, first, last: first + size - 1n };
}

/** The address part of `address/prefix` as written, host bits included; undefined when malformed. */
export function cidrAddress(text: string): bigint | undefined {
  const c = parseAnyCidr(text);
  if (!c) return undefined;
  const address = text.trim().split("/")[0]!;
  return c.family === 6 ? parseIPv6Address(address) : ipv4ToBigint(address);
}

/** A parsed CIDR's network in its usual spelling: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatNetwork(c: ParsedCidr): string {
  if (c.family === 4) return `${[24n, 16n, 8n, 0n].map((s) => (c.first >> s) & 255n).join(".")}/${c.prefix}`;
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((c.first >> s) & 0xffffn).toString(16));
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const text = best.at < 0 ? groups.join(":") : `${groups.slice(0, best.at).join(":")}::${groups.slice(best.at + best.len).join(":")}`;
  return `${text}/${c.prefix}`;
}

/** The IPv4-mapped IPv6 block ::ffff:0:0/96 (RFC 4291 §2.5.5.2). */
const MAPPED_FIRST = 0xffffn << 32n;
const MAPPED_LAST = MAPPED_FIRST + 0xffffffffn;

/**
 * The ranges a CIDR reaches, per family: an IPv6 range that overlaps
 * ::ffff:0:0/96 also names the IPv4 addresses mapped there.
 */
export function effectiveRanges(c: AddressRange): AddressRange[] {
  const out: AddressRange[] = [c];
  if (c.family === 6 && c.first <= MAPPED_LAST && MAPPED_FIRST <= c.last) {
    const first = (c.first > MAPPED_FIRST ? c.first : MAPPED_FIRST) - MAPPED_FIRST;
    const last = (c.last < MAPPED_LAST ? c.last : MAPPED_LAST) - MAPPED_FIRST;
    out.push({ family: 4, first, last });
  }
  return out;
}

/** Number of distinct addresses of `family` that the ranges cover together. */
export function unionSize(ranges: readonly AddressRange[], family: Family): bigint {
  const sorted = ranges.filter((r) => r.family === family).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let total = 0n;
  let start = -1n;
  let end = -2n;
  for (const r of sorted) {
    if (r.first > end + 1n) {
      if (end >= start && start >= 0n) total += end - start + 1n;
      start = r.first;
      end = r.last;
    } else if (r.last > end) end = r.last;
  }
  if (start >= 0n && end >= start) total += end - start + 1n;
  return total;
}

export function familySize(family: Family): bigint {
  return 1n << BigInt(BITS[family]);
}

/**
 * How much of an address family SSH admin sources may cover before they
 * count as public: more than a /8 of IPv4 (16.7 million addresses, the
 * size of the largest allocations ever made to one organisation) or more
 * than a /32 of IPv6 (a whole ISP's allocation, the RIRs' standard minimum
 * for a provider). An admin network, even a company's, is far smaller; a
 * list above these is the internet or a large slice of it.
 */
export const ADMIN_SOURCE_LIMIT: Readonly<Record<Family, { readonly prefix: number; readonly addresses: bigint }>> = {
  4: { prefix: 8, addresses: 1n << 24n },
  6: { prefix: 32, addresses: 1n << 96n },
};

export interface SourceProblem {
  /** Index of the entry that alone is too wide; absent when only the list's union is. */
  readonly index?: number;
  readonly message: string;
}

const FAMILY_NAME: Record<Family, string> = { 4: "IPv4", 6: "IPv6" };

function coverage(ranges: readonly AddressRange[], family: Family): "all" | "too-wide" | undefined {
  const size = unionSize(ranges, family);
  if (size === familySize(family)) return "all";
  if (size > ADMIN_SOURCE_LIMIT[family].addresses) return "too-wide";
  return undefined;
}

function describeCoverage(family: Family, kind: "all" | "too-wide"): string {
  const limit = ADMIN_SOURCE_LIMIT[family].prefix;
  const name = FAMILY_NAME[family];
  return kind === "all" ? `every ${name} address` : `more ${name} addresses than a /${limit}`;
}

function verdict(kinds: ReadonlyArray<"all" | "too-wide">): string {
  return kinds.includes("all")
    ? "which opens SSH to the whole internet"
    : `which is public in practice (admin sources are limited to a /${ADMIN_SOURCE_LIMIT[4].prefix} of IPv4 and a /${ADMIN_SOURCE_LIMIT[6].prefix} of IPv6)`;
}

/**
 * Problems with a list of SSH admin sources, by arithmetic: an entry that
 * alone covers all of a family or more than the limit (reported at its
 * index), or a list whose union does (reported for the list). An entry
 * that does not parse is a problem too, never skipped. Pure, so the policy pack can
 * call the same function on a rendered firewall rule.
 */
export function adminSourceProblems(cidrs: readonly string[]): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const all: AddressRange[] = [];
  const flagged = new Map<Family, "all" | "too-wide">();
  cidrs.forEach((text, index) => {
    const c = parseAnyCidr(text);
    if (!c) {
      // Never let an entry this check cannot measure through unchecked.
      problems.push({ index, message: `${text} is not an IPv4 or IPv6 CIDR whose size can be checked (expected like 203.0.113.7/32 or 2001:db8::/48)` });
      return;
    }
    const ranges = effectiveRanges(c);
    all.push(...ranges);
    const found: Array<[Family, "all" | "too-wide"]> = [];
    for (const family of [4, 6] as const) {
      const kind = coverage(ranges, family);
      if (kind) found.push([family, kind]);
    }
    if (found.length === 0) return;
    for (const [family, kind] of found) if (flagged.get(family) !== "all") flagged.set(family, kind);
    const kinds = found.map(([, k]) => k);
    problems.push({ index, message: `${text} covers ${found.map(([f, k]) => describeCoverage(f, k)).join(" and ")}, ${verdict(kinds)}` });
  });
  // The union can be worse than every entry alone (0.0.0.0/1 + 128.0.0.0/1).
  for (const family of [4, 6] as const) {
    const kind = coverage(all, family);
    if (!kind || flagged.get(family) === kind) continue;
    problems.push({ message: `together these sources cover ${describeCoverage(family, kind)}, ${verdict([kind])}` });
  }
  return problems;
}
