/**
 * SSH guards: who may reach port 22, and whom our own SSH connections trust.
 */
import { adminSourceProblems } from "../../core/net/cidr";
import type { Json } from "../../core/render/wire";
import { clean, get, isObject, UNKNOWN_VALUE, type Outcome, type ResourceGuard, type Violation } from "../guard";
import { walk } from "../walk";

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
 * so a new firewall of any provider is checked too. The sources are judged by
 * the hetzner stack's own address arithmetic (core/net/cidr.ts
 * adminSourceProblems): any spelling or union covering a whole family, more
 * than a /8 of IPv4 or a /32 of IPv6, or an entry that is not a CIDR.
 */
export const sshAdminSourcesOnly: ResourceGuard = {
  kind: "resource",
  name: "ssh-admin-sources-only",
  description: "Inbound SSH (port 22) is open to admin networks only, decided by address arithmetic.",
  why: "SSH on the edge server is the way in as an admin with sudo; it must be reachable from the admin networks only, and no spelling or union of CIDRs may widen that to the Internet or a large slice of it.",
  fix: "list only your admin networks in homelab:firewall.adminCidrs (like 198.51.100.23/32, at most a /8 of IPv4 or a /32 of IPv6 in total); if you opened SSH on purpose (homelab:firewall.allowSshFromAnywhere), run that preview with HOMELAB_SKIP_POLICY=1.",
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
      // A source not known until up (another resource's address) is judged then.
      const sources = ([] as Json[]).concat(value[sourceKey] ?? []).map((x) => String(x)).filter((x) => x !== UNKNOWN_VALUE);
      for (const problem of adminSourceProblems(sources))
        violations.push({ where: `${r.name} ${path}${problem.index === undefined ? "" : `[${problem.index}]`}`, problem: `SSH (port 22) source ${problem.message}` });
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
  status: "enforced",
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
