/**
 * Config of the `hetzner` stack: the keys of Pulumi.hetzner.yaml (on top of
 * the project-level ones) and the cross-field rules that run before any
 * resource exists. Everything below core/hetzner receives these typed values.
 */
import { z } from "zod";
import type { ConfigIssue, ConfigPath } from "../config/errors";
import { adminSourceProblems, cidrAddress, formatNetwork, parseAnyCidr } from "../net/cidr";
import { anyCidr, dnsLabel, ipv4Network, isEmailLike, pinnedImage, port } from "../config/primitives";
import type { StackConfig } from "../stack";
import { cidrRange, parseCidr, rangesOverlap } from "../net/ipv4";

/** A Linux user name that is not root: the admin account Pulumi logs in as. */
const linuxUser = z
  .string()
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, {
    error: (issue) => `expected a Linux user name like ops (lower-case, up to 32 characters), got ${JSON.stringify(issue.input)}`,
  })
  .refine((v) => v !== "root", { error: "the admin user must not be root: root login over SSH is disabled on bifrost" });

/** An OpenSSH public key line: `<type> <base64> [comment]`. */
const sshPublicKey = z
  .string()
  .regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/, {
    error: "expected an OpenSSH public key line like `ssh-ed25519 AAAAC3Nza… me@laptop` (the .pub file's content)",
  });

/** Hetzner label values: ≤ 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric (or empty). */
const hcloudLabels = z.record(
  z.string().regex(/^([a-z0-9A-Z][a-z0-9A-Z._/-]{0,61})?[a-z0-9A-Z]$/, { error: "expected a Hetzner label key like role or example.com/team" }),
  z.string().regex(/^(([a-z0-9A-Z][a-z0-9A-Z._-]{0,61})?[a-z0-9A-Z])?$/, {
    error: "expected a Hetzner label value: up to 63 letters, digits, '.', '_' or '-', starting and ending alphanumeric",
  }),
);

export const hcloudSchema = z
  .object({
    name: dnsLabel.default("bifrost").describe("Server name in the Hetzner console and the VPS hostname. Changing it replaces the server (its IPs stay)."),
    location: z.string().regex(/^[a-z]+[0-9]*$/, { error: (i) => `expected a Hetzner location like fsn1, got ${JSON.stringify(i.input)}` }).describe("Hetzner location, like fsn1, nbg1, hel1, ash. The primary IPs are bound to it: changing it replaces them too."),
    serverType: z.string().regex(/^[a-z]+[0-9]+[a-z]*$/, { error: (i) => `expected a Hetzner server type like cx23, got ${JSON.stringify(i.input)}` }).describe("Server type, like cx23, cpx22 or cax11; checked against Hetzner's catalogue at preview (deprecated or not offered in the location is an error). Resizing happens in place (with a reboot)."),
    image: z.string().regex(/^ubuntu-\d{2}\.04$/, {
      error: (i) => `expected an Ubuntu LTS image like ubuntu-24.04 (cloud-init here uses Ubuntu package names), got ${JSON.stringify(i.input)}`,
    }).describe("OS image. Ubuntu LTS only: cloud-init installs Docker and unattended upgrades with Ubuntu's package names. Changing it replaces the server."),
    labels: hcloudLabels.default({}).describe("Extra Hetzner labels on the server, firewall, key and IPs (role=edge and managed-by=pulumi are always set)."),
    volumeSize: z.number().int().min(10).max(10240).default(10).describe("Size in GB of the Hetzner volume that holds all of bifrost's state (Authentik's database and media, NetBird's store, certificates, Gatus, backups). Hetzner volumes grow in place and never shrink."),
    backups: z.boolean().default(false).describe("Hetzner's daily server backups (7 kept, +20% of the server price). The state volume has its own nightly database dump either way."),
    allowReplace: z.boolean().default(false).describe("Lift the server's protection (Pulumi's and Hetzner's delete/rebuild protection) so a change that replaces it (image, location, name of the SSH key, cloud-init) can run. See \"Rebuilding bifrost\" in the README: turn it on, `up`, make the change, `up`, turn it off again. The state volume and the IPs stay protected regardless."),
  })
  .strict();

export const sshSchema = z
  .object({
    user: linuxUser.default("ops").describe("Non-root admin user created by cloud-init, with passwordless sudo; Pulumi connects as this user."),
    publicKey: sshPublicKey.optional().describe("Public half of BIFROST_SSH_PRIVATE_KEY: Pulumi registers it in Hetzner."),
    existingKeyName: z.string().min(1).max(128).optional().describe("Or the name of a key already uploaded to the Hetzner project (looked up, not managed)."),
  })
  .strict()
  .refine((s) => (s.publicKey === undefined) !== (s.existingKeyName === undefined), {
    error: "set exactly one of `publicKey` (an OpenSSH public key line) or `existingKeyName` (a key already in the Hetzner project)",
  });

export const firewallSchema = z
  .object({
    adminCidrs: z.array(anyCidr).default([]).describe("Sources allowed to reach SSH (22/tcp). Empty closes SSH entirely (Pulumi delivery then needs a temporary entry)."),
    allowSshFromAnywhere: z.boolean().default(false).describe("Allow adminCidrs that cover the whole internet or more than a /8 of IPv4 or a /32 of IPv6 (alone or together). Off: SSH open to the world is almost always a mistake."),
    allowIcmp: z.boolean().default(true).describe("ICMP from anywhere: ping and, more importantly, path-MTU discovery (IPv6 breaks without it)."),
  })
  .strict();

// No quotes or $: the address is written into shell-sourced env files. Checked without a backtracking regex.
const email = z.string().refine((v) => isEmailLike(v, /[@\s'"$]/), { error: (i) => `expected an e-mail address, got ${JSON.stringify(i.input)}` });

const portRange = z
  .object({ from: port.describe("First UDP port of the range."), to: port.describe("Last UDP port of the range, inclusive.") })
  .strict()
  .refine((r) => r.from <= r.to, { error: "expected `from` ≤ `to`" });

export const netbirdSchema = z
  .object({
    stunPorts: z.array(port).min(1).default([3478]).describe("UDP ports of NetBird's embedded STUN server (the combined server's default is 3478)."),
    relayPortRange: portRange.optional().describe("UDP range for a separately run TURN relay (coturn). The current combined NetBird server relays over WebSocket on 443/tcp, so leave this unset unless you run TURN yourself."),
    peerPort: port.default(51820).describe("WireGuard port of the bifrost routing peer; opened so peers can connect directly instead of via relay."),
    agent: z.boolean().default(true).describe("Run bifrost's own NetBird peer, through which Traefik reaches the LAN. It enrols with a setup key bifrost's bootstrap creates (group homelab-edge); nothing to do by hand."),
    disableAnonymousMetrics: z.boolean().default(true).describe("Turn off NetBird's anonymous usage metrics."),
    ownerEmail: email.optional().describe("E-mail of the NetBird owner account. bifrost's bootstrap claims NetBird with it and a password Pulumi generates (stack output netbirdOwnerPassword) before NetBird is reachable from outside, and Traefik never forwards NetBird's setup call. Defaults to homelab:bifrost.acmeEmail; changing it later does not rename the owner."),
  })
  .strict();

export const imagesSchema = z
  .object({
    traefik: pinnedImage.describe("Traefik, the reverse proxy on 80/443 that terminates TLS for every public hostname."),
    netbirdServer: pinnedImage.describe("The combined NetBird server (management, signal, relay and STUN)."),
    netbirdDashboard: pinnedImage.describe("The NetBird web dashboard."),
    netbirdAgent: pinnedImage.describe("The NetBird client that runs bifrost's routing peer (homelab:netbird.agent)."),
    authentik: pinnedImage.describe("Authentik, for both its server and its worker container."),
    postgres: pinnedImage.describe("PostgreSQL, Authentik's database. A new major version cannot read the old data directory: upgrade through a dump and restore."),
    gatus: pinnedImage.describe("Gatus, the status page."),
  })
  .strict();

/**
 * The bundle directory: a directory of its own under /opt or /srv. The
 * delivery runs `install -d -o <admin>` on it, which would hand a system
 * directory (/etc, /usr, /home) to the admin user. A segment cannot start
 * with a dot, so `..` is out; the state volume (under /mnt) is out too.
 */
const bundleDir = z
  .string()
  .regex(/^\/(opt|srv)(\/[a-z0-9_][a-z0-9_.-]*)+$/, {
    error: (i) => `expected a directory of its own under /opt or /srv, like /opt/bifrost (no .., no trailing /), got ${JSON.stringify(i.input)}`,
  });

export const bifrostSchema = z
  .object({
    dir: bundleDir.default("/opt/bifrost").describe("Where the bundle lives on the VPS."),
    docker: z.enum(["distro", "upstream"]).default("distro").describe("Docker from Ubuntu's archive (docker.io + compose v2) or Docker's own apt repository (docker-ce)."),
    packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, { error: "expected a Debian package name" })).default([]).describe("Extra apt packages for the VPS."),
    acmeEmail: email.describe("Contact address for Let's Encrypt expiry notices."),
    acmeStaging: z.boolean().default(false).describe("Use Let's Encrypt staging (untrusted certificates, generous rate limits) while testing."),
    dockerSubnet: ipv4Network
      .refine((v) => Number(v.split("/")[1]) <= 27, {
        error: "expected a /27 or larger subnet: the lower half holds the containers, Traefik's fixed address sits in the upper half",
      })
      .default("172.30.0.0/24").describe("Private subnet of the bundle's Docker network, /27 or larger. Traefik gets its last usable address, the only source NetBird and Authentik trust forwarded headers from; other containers get the lower half."),
    deliver: z.boolean().default(true).describe("Deliver and start the bundle over SSH on every `up`. Turn off to run with SSH closed (empty adminCidrs): the VPS keeps what it last received."),
    healthTimeoutSeconds: z.number().int().min(30).max(3600).default(300).describe("Seconds bootstrap.sh waits for each stage to become healthy before it fails with the service's logs."),
    databaseDumps: z
      .object({
        onCalendar: z.string().regex(/^[A-Za-z0-9*:,./~ -]{1,64}$/, {
          error: (i) => `expected a systemd OnCalendar expression like daily or *-*-* 03:15:00, got ${JSON.stringify(i.input)}`,
        }).describe("When the dump runs, in systemd OnCalendar syntax (like daily or `*-*-* 03:15:00`)."),
        keep: z.number().int().min(1).max(365).describe("How many dumps to keep; older ones are deleted after each dump."),
      })
      .strict()
      .default({ onCalendar: "*-*-* 03:15:00", keep: 14 }).describe("Logical dumps of Authentik's database onto the state volume, by a systemd timer on bifrost: when (systemd OnCalendar syntax, e.g. daily or `*-*-* 03:15:00`) and how many to keep."),
    images: imagesSchema.describe("Pinned container images (tag or digest, never latest)."),
  })
  .strict();

export const hetznerShape = {
  hcloud: hcloudSchema.describe("The Hetzner Cloud server bifrost: location, type, image, state volume and protection."),
  ssh: sshSchema.describe("The admin user and SSH key Pulumi delivers the bundle with."),
  firewall: firewallSchema.default({ adminCidrs: [], allowSshFromAnywhere: false, allowIcmp: true }).describe("The Hetzner firewall in front of bifrost: 80/443 and NetBird's ports are open to all; SSH only from adminCidrs."),
  netbird: netbirdSchema.default({ stunPorts: [3478], peerPort: 51820, agent: true, disableAnonymousMetrics: true }).describe("NetBird on bifrost: the self-hosted server, its ports, and the routing peer that reaches the LAN."),
  bifrost: bifrostSchema.describe("The bundle of services on bifrost (Traefik, NetBird, Authentik, PostgreSQL, Gatus): where it lives, its images, certificates and database dumps."),
};

export type HetznerConfig = StackConfig<typeof hetznerShape>;

/** Address ranges the bundle's Docker network must stay clear of, besides the LAN and the nodes' routes. */
export const RESERVED_RANGES: ReadonlyArray<{ cidr: string; what: string }> = [
  // NetBird gives each account a /16 out of 100.64.0.0/10 for its peers
  // (netbirdio/netbird shared/management/types/network.go NewNetwork).
  { cidr: "100.64.0.0/10", what: "NetBird's peer range" },
  // Hetzner's metadata service (169.254.169.254) and every link-local address.
  { cidr: "169.254.0.0/16", what: "the link-local range (Hetzner's metadata service)" },
  // docker0, the default bridge every Docker host has.
  { cidr: "172.17.0.0/16", what: "Docker's default bridge" },
];

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);

/**
 * Pure rule: problems with the bundle's Docker subnet, by address
 * arithmetic. It must be private (NetBird trusts forwarded headers from it)
 * and overlap nothing bifrost routes to or through: the LAN, the nodes'
 * routes (both reached over NetBird from bifrost), NetBird's peer range,
 * link-local, Docker's default bridge.
 */
export function dockerSubnetProblems(subnet: string, routed: ReadonlyArray<{ cidr: string; what: string }>): string[] {
  const own = parseCidr(subnet);
  if (!own) return [];
  const range = cidrRange(own);
  const problems: string[] = [];
  if (!PRIVATE.some((p) => range.first >= cidrRange(p).first && range.last <= cidrRange(p).last))
    problems.push(`${subnet} is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16); NetBird trusts forwarded headers from it`);
  for (const other of [...routed, ...RESERVED_RANGES]) {
    const o = parseCidr(other.cidr);
    if (o && rangesOverlap(range, cidrRange(o))) problems.push(`${subnet} overlaps ${other.what} ${other.cidr}`);
  }
  return problems;
}

/** Cross-field rules of the hetzner stack. */
export function validateHetzner(c: HetznerConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // By address arithmetic (core/net/cidr.ts): every spelling of 0.0.0.0/0
  // or ::/0, IPv4-mapped IPv6 forms and unions that add up to the world or
  // to more than the documented limit are caught alike.
  if (!c.firewall.allowSshFromAnywhere)
    for (const p of adminSourceProblems(c.firewall.adminCidrs))
      issues.push({
        path: p.index === undefined ? ["firewall", "adminCidrs"] : ["firewall", "adminCidrs", p.index],
        message: `${p.message}; list your admin addresses instead, or set homelab:firewall.allowSshFromAnywhere: true if you really mean it`,
      });
  if (c.bifrost.deliver && c.firewall.adminCidrs.length === 0)
    issues.push({
      path: ["firewall", "adminCidrs"],
      message: "bundle delivery connects over SSH, which an empty list closes; add the address you run Pulumi from, or set homelab:bifrost.deliver: false",
    });
  issues.push(...adminCidrForms(c.firewall.adminCidrs));
  const routed = [
    { cidr: c.network.subnet, what: "the LAN homelab:network.subnet" },
    ...c.nodes.flatMap((n, i) => n.routes.map((r, j) => ({ cidr: r.network, what: `homelab:nodes[${i}].routes[${j}]` }))),
  ];
  for (const message of dockerSubnetProblems(c.bifrost.dockerSubnet, routed))
    issues.push({ path: ["bifrost", "dockerSubnet"], message: `${message}; pick another private /24 such as 172.30.0.0/24` });
  issues.push(...repeated(c.netbird.stunPorts, ["netbird", "stunPorts"], "STUN port"));

  // UDP ports something on bifrost listens on; they must not collide.
  const udp = new Map<number, string>();
  c.netbird.stunPorts.forEach((p) => udp.set(p, "a STUN port"));
  if (c.netbird.agent) {
    if (udp.has(c.netbird.peerPort))
      issues.push({ path: ["netbird", "peerPort"], message: `UDP ${c.netbird.peerPort} is already ${udp.get(c.netbird.peerPort)}` });
    else udp.set(c.netbird.peerPort, "the routing peer's WireGuard port");
  }
  const range = c.netbird.relayPortRange;
  if (range) {
    for (const [p, what] of udp.entries())
      if (p >= range.from && p <= range.to)
        issues.push({ path: ["netbird", "relayPortRange"], message: `range ${range.from}-${range.to} overlaps UDP ${p}, ${what}` });
  }
  return issues;
}

/**
 * Admin sources as Hetzner's firewall takes them. The provider refuses an
 * entry with host bits set ("198.51.100.23/24 is not the start of the cidr
 * block 198.51.100.0/24") when the preview runs, and normalises each entry,
 * so two spellings of one network are one entry to it
 * (hetznercloud/terraform-provider-hcloud, internal/firewall/validation.go,
 * validateIPDiag and normalizeIP, since v1.27). Both are decided by address
 * arithmetic here, before anything runs.
 */
function adminCidrForms(cidrs: readonly string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const first = new Map<string, number>();
  cidrs.forEach((text, i) => {
    const c = parseAnyCidr(text);
    if (!c) return; // reported by the schema
    const path = ["firewall", "adminCidrs", i];
    const network = formatNetwork(c);
    if (cidrAddress(text) !== c.first) {
      const single = c.family === 4 ? "/32" : "/128";
      issues.push({
        path,
        message: `${text} has host bits set, which Hetzner's firewall refuses; write the network ${network}, or the one address with ${single}`,
      });
      return;
    }
    const key = `${c.family} ${c.first} ${c.prefix}`;
    const at = first.get(key);
    if (at === undefined) first.set(key, i);
    else issues.push({ path, message: `duplicate admin CIDR ${JSON.stringify(text)}: the same network (${network}) as index ${at}` });
  });
  return issues;
}

/** Repeats in a list of plain values: one issue per repeat, at its index. */
function repeated<T extends string | number>(items: readonly T[], path: ConfigPath, what: string): ConfigIssue[] {
  const first = new Map<T, number>();
  const issues: ConfigIssue[] = [];
  items.forEach((item, i) => {
    const at = first.get(item);
    if (at === undefined) first.set(item, i);
    else issues.push({ path: [...path, i], message: `duplicate ${what} ${JSON.stringify(item)}, already listed at index ${at}` });
  });
  return issues;
}
