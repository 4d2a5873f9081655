/**
 * What the bundle renderers share: the hostnames bifrost serves, derived once
 * from project config, and the names of the compose services, so the compose
 * file, Traefik, Gatus and bootstrap order cannot drift apart.
 */
import type { PublicService } from "../../config/project";
import { formatIPv4, parseCidr } from "../../net/ipv4";
import type { HetznerConfig } from "../config";

export type BundleConfig = Pick<
  HetznerConfig,
  "domain" | "edge" | "publicServices" | "network" | "netbird" | "bifrost" | "hcloud"
>;

/** Compose service names (also their DNS names on the bundle network). */
export const SERVICE = {
  traefik: "traefik",
  postgres: "postgres",
  authentikServer: "authentik-server",
  authentikWorker: "authentik-worker",
  netbirdServer: "netbird-server",
  netbirdDashboard: "netbird-dashboard",
  netbirdAgent: "netbird-agent",
  gatus: "gatus",
} as const;

/** Mount point of the Hetzner state volume on bifrost. */
export const STATE_MOUNT = "/mnt/bifrost-state";

/**
 * Every stateful directory of the bundle, on the state volume, with the
 * owner the container writes as. Postgres' entrypoint chowns its data
 * directory itself when started as root (docker-library/postgres
 * docker-entrypoint.sh); Authentik runs as 1000:1000 and does not
 * (goauthentik/authentik docker-compose.yml: "make sure the folders have
 * the correct UID/GID (1000:1000 by default)"); the others run as root.
 */
export const STATE_DIRS = {
  postgres: { path: "postgres", owner: "0:0", mode: "0700" },
  authentik: { path: "authentik", owner: "1000:1000", mode: "0750" },
  netbird: { path: "netbird", owner: "0:0", mode: "0700" },
  // NetBird's API token and setup keys (netbird-lan.py); root only.
  netbirdApi: { path: "netbird-api", owner: "0:0", mode: "0700" },
  netbirdAgentConfig: { path: "netbird-agent/config", owner: "0:0", mode: "0700" },
  netbirdAgentState: { path: "netbird-agent/state", owner: "0:0", mode: "0700" },
  traefik: { path: "traefik", owner: "0:0", mode: "0700" },
  gatus: { path: "gatus", owner: "0:0", mode: "0750" },
  backups: { path: "backups", owner: "0:0", mode: "0700" },
} as const;

export type StateDir = keyof typeof STATE_DIRS;

/** Absolute path of a state directory on bifrost. */
export function statePath(dir: StateDir): string {
  return `${STATE_MOUNT}/${STATE_DIRS[dir].path}`;
}

export interface EdgeHosts {
  readonly auth: string;
  readonly netbird: string;
  readonly uptime: string;
}

export interface PublicRoute {
  readonly name: string;
  readonly description: string;
  readonly host: string;
  /** Where Traefik forwards: the LAN Gateway over NetBird unless the service names its own upstream. */
  readonly upstream: string;
  /** TLS server name Traefik presents upstream (and verifies), so the Gateway picks the right listener. */
  readonly serverName: string;
  readonly forwardAuth: boolean;
}

export function edgeHosts(c: Pick<BundleConfig, "domain" | "edge">): EdgeHosts {
  return { auth: `${c.edge.auth}.${c.domain}`, netbird: `${c.edge.netbird}.${c.domain}`, uptime: `${c.edge.uptime}.${c.domain}` };
}

export function publicRoutes(c: Pick<BundleConfig, "domain" | "publicServices" | "network">): PublicRoute[] {
  return c.publicServices.map((s: PublicService) => {
    const host = `${s.name}.${c.domain}`;
    const upstream = s.upstream ?? `https://${c.network.ingressIp}`;
    const upstreamHost = new URL(upstream).hostname;
    // An IP literal cannot be verified against the Gateway's wildcard
    // certificate, so the public hostname is the name Traefik asks for.
    const serverName = /^[\d.]+$|^\[/.test(upstreamHost) ? host : upstreamHost;
    return { name: s.name, description: s.description, host, upstream, serverName, forwardAuth: s.forwardAuth };
  });
}

/** Every hostname bifrost answers for, edge first, then public services in config order. */
export function servedHostnames(c: Pick<BundleConfig, "domain" | "edge" | "publicServices" | "network">): string[] {
  const e = edgeHosts(c);
  return [e.auth, e.netbird, e.uptime, ...publicRoutes(c).map((r) => r.host)];
}

/**
 * Addresses on the bundle's Docker network. Traefik gets a fixed address
 * (the last usable one of homelab:bifrost.dockerSubnet) so NetBird and
 * Authentik can trust forwarded headers from Traefik alone; Docker hands
 * every other container an address from the lower half of the subnet
 * (`ip_range`), which never includes Traefik's.
 */
export function edgeNetwork(c: Pick<BundleConfig, "bifrost">): { subnet: string; dynamicRange: string; traefik: string } {
  const cidr = parseCidr(c.bifrost.dockerSubnet);
  if (!cidr) throw new Error(`bug: homelab:bifrost.dockerSubnet ${c.bifrost.dockerSubnet} passed validation but does not parse`);
  return {
    subnet: c.bifrost.dockerSubnet,
    dynamicRange: `${formatIPv4(cidr.network)}/${cidr.prefix + 1}`,
    traefik: formatIPv4(cidr.last - 1),
  };
}
