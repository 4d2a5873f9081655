/**
 * IPv4 address maths for validation: parsing, CIDR membership and range
 * overlap. Addresses are handled as unsigned 32-bit integers so comparisons
 * are plain number comparisons.
 */

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad IPv4 (no leading zeros); undefined when malformed. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== undefined;
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export interface Cidr {
  /** First address of the network (host bits zero). */
  readonly network: number;
  readonly prefix: number;
  /** Last address of the network (broadcast). */
  readonly last: number;
  /** The address as written, which may have host bits set (10.0.0.5/24). */
  readonly address: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed. Host bits may be set. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const address = parseIPv4(match[1]!);
  const prefix = Number(match[2]);
  if (address === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const network = Math.floor(address / size) * size;
  return { network, prefix, last: network + size - 1, address };
}

/** True for `a.b.c.d/n` whose host bits are all zero (a network, not an address). */
export function isNetworkCidr(text: string): boolean {
  const cidr = parseCidr(text);
  return cidr !== undefined && cidr.address === cidr.network;
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.network && ip <= cidr.last;
}

/** An inclusive range of addresses. */
export interface IPv4Range {
  readonly first: number;
  readonly last: number;
}

export function rangesOverlap(a: IPv4Range, b: IPv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function cidrRange(cidr: Cidr): IPv4Range {
  return { first: cidr.network, last: cidr.last };
}

/** Usable host addresses of a network: excludes network and broadcast for prefixes < 31. */
export function hostRange(cidr: Cidr): IPv4Range {
  if (cidr.prefix >= 31) return cidrRange(cidr);
  return { first: cidr.network + 1, last: cidr.last - 1 };
}

export function rangeContains(range: IPv4Range, ip: number): boolean {
  return ip >= range.first && ip <= range.last;
}

/** Very small IPv6 check (enough for config validation): delegates to the URL parser. */
export function isIPv6(text: string): boolean {
  if (!text.includes(":")) return false;
  try {
    return new URL(`http://[${text}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** IPv6 CIDR like `2001:db8::/32`. */
export function isIPv6Cidr(text: string): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  return match !== null && Number(match[2]) <= 128 && isIPv6(match[1]!);
}
