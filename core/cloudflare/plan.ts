/**
 * Which DNS records the zone should hold, as plain data (docs/development.md, rule 4): the
 * config rules check this plan before anything is registered, and the stack
 * builds exactly this plan. Sorted by hostname, so reordering the config
 * lists changes nothing, not even the registration order.
 */
import type { ConfigPath } from "../config/errors";
import type { ProjectConfig, PublicService } from "../config/project";

/** RFC 1035 limit on a presentation-format name without the trailing dot. */
export const MAX_HOSTNAME_LENGTH = 253;

/** The only CA allowed to issue: cert-manager (platform) and Traefik (bifrost) both use Let's Encrypt. */
export const CAA_ISSUER = "letsencrypt.org";

/** Where a hostname's addresses come from. */
export type HostTarget =
  /** The cluster's shared Gateway on the LAN (homelab:network.ingressIp), IPv4 only. */
  | "lan-gateway"
  /** The public edge VPS, addresses from the hetzner stack. */
  | "bifrost";

export interface HostPlan {
  /** Fully qualified record name, like grafana.lab.example.com or *.lab.example.com. */
  readonly hostname: string;
  readonly target: HostTarget;
  /** Orange cloud. Only a public service may ask for it; the edge services need direct connections. */
  readonly proxied: boolean;
  /** Which service the record serves and why it exists; shown in the Cloudflare dashboard. */
  readonly comment: string;
  /** Config path that names this hostname, for errors. */
  readonly source: ConfigPath;
  /** Config path the comment text comes from, for errors about it. */
  readonly commentSource: ConfigPath;
}

export interface CaaPlan {
  /** The record owner: the domain; CAs climb from any name below it up to here (RFC 8659 §3). */
  readonly hostname: string;
  readonly tag: "issue" | "issuewild" | "iodef";
  readonly value: string;
  readonly comment: string;
  readonly source: ConfigPath;
  readonly commentSource: ConfigPath;
}

type HostInputs = Pick<ProjectConfig, "domain" | "edge" | "publicServices">;

/** Why each always-public name exists (fixed text, so it always fits the comment limit). */
const EDGE_PURPOSE: Record<keyof ProjectConfig["edge"], string> = {
  auth: "Authentik SSO on bifrost; public so logins and ForwardAuth work from anywhere",
  netbird: "NetBird management, signal and relay on bifrost; public so peers connect from anywhere",
  uptime: "Gatus status page on bifrost; public so outages are visible from outside the LAN",
};

/** Every A/AAAA owner in the zone that this stack manages. */
export function planHosts(c: HostInputs): HostPlan[] {
  const hosts: HostPlan[] = [
    {
      hostname: `*.${c.domain}`,
      target: "lan-gateway",
      // A private address in public DNS on purpose: the name works from the
      // LAN and over NetBird, and is unreachable from anywhere else.
      proxied: false,
      comment: "catch-all to the cluster Gateway: in-cluster apps need no DNS change; LAN and VPN only",
      source: ["domain"],
      commentSource: ["network", "ingressIp"],
    },
    ...edgeHosts(c),
    ...c.publicServices.map((s, i) => serviceHost(c.domain, s, i)),
  ];
  return hosts.sort((a, b) => compare(a.hostname, b.hostname));
}

function edgeHosts(c: HostInputs): HostPlan[] {
  return (Object.keys(EDGE_PURPOSE) as (keyof typeof EDGE_PURPOSE)[]).map((key) => ({
    // Only names bifrost serves: each has a Traefik router there (a test
    // keeps this list and core/hetzner/bundle/traefik.ts equal).
    hostname: `${c.edge[key]}.${c.domain}`,
    target: "bifrost",
    // Never proxied: NetBird needs gRPC and relay connections Cloudflare's proxy
    // does not carry, and Authentik and Gatus must keep working when
    // Cloudflare's proxy has a bad day; bifrost terminates TLS for all of them.
    proxied: false,
    comment: EDGE_PURPOSE[key],
    source: ["edge", key],
    commentSource: ["edge", key],
  }));
}

/** The record comment of a public service: its name, how it is reached, and the reason from config. */
export function serviceComment(s: PublicService): string {
  const via = s.proxied ? "Cloudflare proxy and bifrost" : "bifrost";
  return `public service ${s.name} via ${via}: ${s.description}`;
}

function serviceHost(domain: string, s: PublicService, index: number): HostPlan {
  return {
    hostname: `${s.name}.${domain}`,
    target: "bifrost",
    proxied: s.proxied,
    comment: serviceComment(s),
    source: ["publicServices", index, "name"],
    commentSource: ["publicServices", index, "description"],
  };
}

export interface CaaSettings {
  readonly enabled: boolean;
  readonly iodef?: string | undefined;
}

/** CAA records at the domain, or none when turned off. */
export function planCaa(domain: string, caa: CaaSettings): CaaPlan[] {
  if (!caa.enabled) return [];
  const at = { hostname: domain, source: ["dns", "caa"] as ConfigPath, commentSource: ["dns", "caa"] as ConfigPath };
  const records: CaaPlan[] = [
    {
      ...at,
      tag: "issue",
      value: CAA_ISSUER,
      comment: "CAA: only Let's Encrypt may issue certificates for this domain and every name below it",
    },
    {
      // Explicit although `issue` would cover wildcards too: the cluster's
      // `*.<domain>` certificate is the reason wildcards must stay allowed,
      // and this says so where people look.
      ...at,
      tag: "issuewild",
      value: CAA_ISSUER,
      comment: "CAA: only Let's Encrypt may issue wildcard certificates (the cluster Gateway's *.<domain>)",
    },
  ];
  if (caa.iodef !== undefined)
    records.push({
      ...at,
      tag: "iodef",
      value: caa.iodef,
      comment: "CAA: where CAs report certificate requests that break this policy",
      source: ["dns", "caa", "iodef"],
      commentSource: ["dns", "caa", "iodef"],
    });
  return records;
}

/** Code-point order, independent of the locale the program runs under. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
