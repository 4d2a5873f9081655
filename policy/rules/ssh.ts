/**
 * SSH guards: who may reach port 22, and whom our own SSH connections trust.
 */
import { isIP } from "node:net";
import type { Json } from "../../core/render/wire";
import { clean, get, isObject, UNKNOWN_VALUE, type Outcome, type ResourceGuard, type Violation } from "../guard";
import { walk } from "../walk";

// ---------------------------------------------------------------------------
// Address arithmetic: does a set of sources, taken together, cover every
// address of IPv4 or of IPv6? Decided on numbers, so no spelling (0.0.0.0/0,
// 0::/0, ::0/0) and no union (0.0.0.0/1 + 128.0.0.0/1) slips through.

interface Range {
  readonly first: bigint;
  readonly last: bigint;
}

const V4_BITS = 32;
const V6_BITS = 128;

function v4ToBig(text: string): bigint | undefined {
  if (isIP(text) !== 4) return undefined;
  return text.split(".").reduce((acc, part) => acc * 256n + BigInt(Number(part)), 0n);
}

function v6ToBig(text: string): bigint | undefined {
  if (isIP(text) !== 6) return undefined;
  let address = text;
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hextets.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (tail) {
    const v4 = v4ToBig(tail[1]!)!;
    address = `${address.slice(0, tail.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = address.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = rest === undefined ? [] : rest ? rest.split(":") : [];
  const zeros = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].reduce((acc, hextet) => acc * 65536n + BigInt(parseInt(hextet, 16)), 0n);
}

/** A source (`a.b.c.d`, `a.b.c.d/n`, `x::y/n`) as a range of one family; undefined when it is not an address. */
export function sourceRange(source: string): { family: 4 | 6; range: Range } | undefined {
  const [address = "", prefixText, ...extra] = source.trim().split("/");
  if (extra.length > 0) return undefined;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return undefined;
  const bits = family === 4 ? V4_BITS : V6_BITS;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  const value = (family === 4 ? v4ToBig(address) : v6ToBig(address))!;
  const size = 1n << BigInt(bits - prefix);
  const first = (value / size) * size;
  return { family, range: { first, last: first + size - 1n } };
}

/** True when the union of the ranges covers every address from 0 to 2^bits - 1. */
function coversAll(ranges: readonly Range[], bits: number): boolean {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let next = 0n; // first address not yet covered
  for (const r of sorted) {
    if (r.first > next) return false;
    if (r.last + 1n > next) next = r.last + 1n;
  }
  return next >= 1n << BigInt(bits);
}

const ANY_WORDS = new Set(["any", "all", "*", "world", "internet"]);

/**
 * Why a list of sources opens a port to the world, or undefined when it does
 * not: a word meaning "any", a source that is not an address (so nothing can
 * be decided about it), or a union covering all of IPv4 or all of IPv6.
 */
export function worldReason(sources: readonly string[]): string | undefined {
  const ranges: Record<4 | 6, Range[]> = { 4: [], 6: [] };
  for (const source of sources) {
    if (ANY_WORDS.has(source.trim().toLowerCase())) return `source ${JSON.stringify(source)} means any address`;
    if (source === UNKNOWN_VALUE) continue; // decided when the value is known (at up)
    const parsed = sourceRange(source);
    if (!parsed) return `source ${JSON.stringify(source)} is not an address or CIDR, so what it admits cannot be decided`;
    ranges[parsed.family].push(parsed.range);
  }
  if (coversAll(ranges[4], V4_BITS)) return `sources ${JSON.stringify(sources)} together cover every IPv4 address`;
  if (coversAll(ranges[6], V6_BITS)) return `sources ${JSON.stringify(sources)} together cover every IPv6 address`;
  return undefined;
}

// ---------------------------------------------------------------------------

const SOURCE_KEYS = ["sourceIps", "sourceRanges", "sourceCidrs", "sources", "source", "fromCIDR", "cidrs", "cidr"];
const PORT_KEYS = ["port", "ports", "destinationPort", "dport", "portRange"];

function coversSsh(port: Json | undefined, protocol: Json | undefined): boolean {
  if (protocol !== undefined && protocol !== null && !/^(tcp|any|all|\*)$/i.test(String(protocol))) return false;
  if (port === undefined || port === null || port === "") return true; // no port on a TCP rule: every port
  const ports = Array.isArray(port) ? port : [port];
  return ports.some((p) => {
    const text = String(p).trim().toLowerCase();
    if (text === "any" || text === "*" || text === "all") return true;
    const range = /^(\d{1,5})\s*[-:]\s*(\d{1,5})$/.exec(text);
    if (range) return Number(range[1]) <= 22 && 22 <= Number(range[2]);
    return Number(text) === 22;
  });
}

/**
 * Firewall-rule-shaped objects anywhere in a resource's inputs (a source list
 * plus a port or protocol, inbound), over resource types and property names,
 * so a new firewall of any provider is checked too.
 */
export const sshAdminSourcesOnly: ResourceGuard = {
  kind: "resource",
  name: "ssh-admin-sources-only",
  description: "No inbound firewall rule lets the whole Internet reach SSH (port 22), by address arithmetic.",
  why: "SSH on the edge server is the way in as root; it must be reachable from the admin networks only, and no spelling or union of CIDRs may widen that to everyone.",
  fix: "list only your admin networks in homelab:firewall.adminCidrs (like 198.51.100.23/32); never 0.0.0.0/0, ::/0 or ranges that together cover the whole address space.",
  status: "enforced",
  level: "mandatory",
  check(r) {
    const violations: Violation[] = [];
    let examined = 0;
    for (const { path, value } of walk(r.props as Json)) {
      if (!isObject(value)) continue;
      const sourceKey = SOURCE_KEYS.find((k) => k in value);
      const hasPortOrProtocol = PORT_KEYS.some((k) => k in value) || "protocol" in value;
      if (!sourceKey || !hasPortOrProtocol) continue;
      const direction = value["direction"];
      if (direction !== undefined && !/^(in|ingress|inbound)$/i.test(String(direction))) continue;
      examined++;
      const port = PORT_KEYS.map((k) => value[k]).find((v) => v !== undefined);
      if (!coversSsh(port, value["protocol"])) continue;
      const sources = ([] as Json[]).concat(value[sourceKey] ?? []).map((x) => String(x));
      const reason = worldReason(sources);
      if (reason) violations.push({ where: `${r.name} ${path}`, problem: `opens SSH (port 22) to the world: ${reason}` });
    }
    return { violations, examined };
  },
};

// ---------------------------------------------------------------------------

const SSH_TYPES = new Set(["command:remote:Command", "command:remote:CopyToRemote"]);

/**
 * pulumi-command 1.2.1 (sdk/nodejs/types/input.ts, remote.ConnectionArgs):
 * "hostKey: The expected host key to verify the server's identity. If not
 * provided, the host key will be ignored." The same holds for the bastion in
 * `proxy`.
 */
export const sshHostKeyPinned: ResourceGuard = {
  kind: "resource",
  name: "ssh-host-key-pinned",
  description: "Every SSH connection the program opens (command remote.Command and remote.CopyToRemote) pins the server's host key.",
  why: "without connection.hostKey pulumi-command accepts any host key, so whoever answers on that address (a spoofed DNS name, a reused IP) receives the secrets sent over stdin.",
  fix: "set connection.hostKey (and proxy.hostKey for a bastion) to the server's public host key, e.g. the key the stack generates and installs through cloud-init.",
  status: "pending",
  level: "mandatory",
  check(r) {
    if (!SSH_TYPES.has(r.type)) return clean(0);
    const violations: Violation[] = [];
    const connection = r.props["connection"];
    const hostKey = get(connection, "hostKey");
    if (typeof hostKey !== "string" || hostKey.trim() === "")
      violations.push({ where: `${r.name} connection.hostKey`, problem: "the SSH connection does not pin the server's host key" });
    const proxy = get(connection, "proxy");
    if (isObject(proxy)) {
      const proxyKey = proxy["hostKey"];
      if (typeof proxyKey !== "string" || proxyKey.trim() === "")
        violations.push({ where: `${r.name} connection.proxy.hostKey`, problem: "the bastion connection does not pin its host key" });
    }
    return { violations, examined: 1 };
  },
};
