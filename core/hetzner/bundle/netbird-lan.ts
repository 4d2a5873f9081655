/**
 * The path from bifrost to the LAN, as NetBird objects: what
 * netbird-lan.py (run by bootstrap.sh on the VPS) creates through NetBird's
 * management API, rendered here from config as a plain desired-state file.
 *
 *   groups      homelab-edge (bifrost's own agent), homelab-lan-routers (the
 *               routing peer the platform stack runs in the cluster)
 *   setup keys  one per group; the LAN router's key reaches the platform
 *               stack as the hetzner output netbirdLanSetupKey
 *   network     homelab-lan: one resource per LAN address Traefik forwards
 *               to (the Gateway, homelab:network.ingressIp, and any public
 *               service upstream given as an IP), routed by the LAN routers
 *   policies    homelab-edge → each resource, TCP, only the ports Traefik uses
 *
 * Shapes follow NetBird's management API (netbirdio/netbird
 * shared/management/http/api/openapi.yml: CreateSetupKeyRequest,
 * NetworkResourceRequest, NetworkRouterRequest, PolicyCreate).
 */
import { isIP } from "node:net";
import { compareText } from "../../compare";
import { publicRoutes, type BundleConfig } from "./model";
import { ownerEmail } from "./netbird";

/** Where the desired state and its reconciler live in the bundle directory. */
export const LAN_PATH_FILE = "netbird/lan-path.json";
export const LAN_RECONCILER_FILE = "netbird/netbird-lan.py";

export const NETBIRD_GROUPS = { edge: "homelab-edge", lanRouters: "homelab-lan-routers" } as const;

/** Setup keys and the file (under the state volume's netbird-api/) each plain key is kept in. */
export const SETUP_KEYS = {
  bifrost: { name: "homelab-bifrost", file: "bifrost.setup-key" },
  lanRouter: { name: "homelab-lan-router", file: "lan-router.setup-key" },
} as const;

export const LAN_NETWORK = "homelab-lan";
export const GATEWAY_RESOURCE = "homelab-gateway";

export interface LanResource {
  readonly name: string;
  readonly description: string;
  /** A host prefix: `<ipv4>/32` or `<ipv6>/128`. */
  readonly address: string;
}

export interface LanPolicy {
  readonly name: string;
  readonly description: string;
  readonly sources: readonly string[];
  readonly destinationResource: string;
  readonly protocol: "tcp";
  readonly ports: readonly string[];
}

export interface LanPath {
  readonly owner: { readonly email: string; readonly name: string };
  readonly groups: readonly string[];
  readonly setupKeys: ReadonlyArray<{
    readonly name: string;
    readonly file: string;
    readonly type: "reusable";
    readonly autoGroups: readonly string[];
    readonly ephemeral: boolean;
    readonly usageLimit: number;
  }>;
  /** The setup key bifrost's agent enrols with, or null when it does not run. */
  readonly agentSetupKey: string | null;
  readonly network: {
    readonly name: string;
    readonly description: string;
    readonly router: { readonly peerGroups: readonly string[]; readonly masquerade: boolean; readonly metric: number };
    readonly resources: readonly LanResource[];
  };
  readonly policies: readonly LanPolicy[];
}

/** A LAN address Traefik forwards to, with the TCP ports it uses there. */
export interface LanTarget {
  readonly address: string;
  readonly ports: readonly number[];
  readonly services: readonly string[];
}

/**
 * Every address Traefik reaches over NetBird, from the same routes the
 * Traefik config is built from. An upstream given by hostname is left out:
 * NetBird routes addresses, and bifrost resolves that name itself.
 */
export function lanTargets(c: Pick<BundleConfig, "domain" | "publicServices" | "network">): LanTarget[] {
  const byAddress = new Map<string, { ports: Set<number>; services: string[] }>();
  for (const r of publicRoutes(c)) {
    const url = new URL(r.upstream);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const family = isIP(host);
    if (family === 0) continue;
    const address = `${host}/${family === 4 ? 32 : 128}`;
    const port = url.port === "" ? (url.protocol === "http:" ? 80 : 443) : Number(url.port);
    const entry = byAddress.get(address) ?? { ports: new Set<number>(), services: [] };
    entry.ports.add(port);
    entry.services.push(r.name);
    byAddress.set(address, entry);
  }
  // The Gateway's HTTPS port is always there: Gatus checks it, and
  // services added later go to it.
  const gateway = `${c.network.ingressIp}/32`;
  const g = byAddress.get(gateway) ?? { ports: new Set<number>(), services: [] };
  g.ports.add(443);
  byAddress.set(gateway, g);
  return [...byAddress.entries()]
    .map(([address, e]) => ({ address, ports: [...e.ports].sort((a, b) => a - b), services: e.services }))
    .sort((a, b) => compareText(a.address, b.address));
}

function resourceName(c: Pick<BundleConfig, "network">, address: string): string {
  if (address === `${c.network.ingressIp}/32`) return GATEWAY_RESOURCE;
  // 10.10.0.9/32 → homelab-upstream-10-10-0-9; fd00::9/128 → homelab-upstream-fd00-9.
  return `homelab-upstream-${address.split("/")[0]!.replace(/[^0-9a-fA-F]+/g, "-")}`;
}

export function buildLanPath(c: Pick<BundleConfig, "domain" | "edge" | "publicServices" | "network" | "netbird" | "bifrost">): LanPath {
  const targets = lanTargets(c);
  const resources = targets.map((t) => ({
    name: resourceName(c, t.address),
    description: t.services.length > 0 ? `bifrost's upstream for ${t.services.join(", ")}` : "the LAN Gateway (homelab:network.ingressIp)",
    address: t.address,
  }));
  return {
    owner: { email: ownerEmail(c), name: "homelab owner" },
    groups: [NETBIRD_GROUPS.edge, NETBIRD_GROUPS.lanRouters],
    setupKeys: [
      // bifrost's agent keeps its identity on the state volume, so it enrols
      // once; the key stays usable for a rebuilt volume.
      { name: SETUP_KEYS.bifrost.name, file: SETUP_KEYS.bifrost.file, type: "reusable", autoGroups: [NETBIRD_GROUPS.edge], ephemeral: false, usageLimit: 0 },
      // The routing peer keeps its state in an emptyDir, so every new pod
      // enrols again: ephemeral peers are removed by NetBird once offline.
      { name: SETUP_KEYS.lanRouter.name, file: SETUP_KEYS.lanRouter.file, type: "reusable", autoGroups: [NETBIRD_GROUPS.lanRouters], ephemeral: true, usageLimit: 0 },
    ],
    agentSetupKey: c.netbird.agent ? SETUP_KEYS.bifrost.name : null,
    network: {
      name: LAN_NETWORK,
      description: `The home LAN addresses bifrost forwards ${c.domain} to`,
      router: { peerGroups: [NETBIRD_GROUPS.lanRouters], masquerade: true, metric: 9999 },
      resources,
    },
    policies: targets.map((t, i) => ({
      name: `homelab-edge-to-${resources[i]!.name.replace(/^homelab-/, "")}`,
      description: `bifrost → ${t.address}, TCP ${t.ports.join(", ")}`,
      sources: [NETBIRD_GROUPS.edge],
      destinationResource: resources[i]!.name,
      protocol: "tcp",
      ports: t.ports.map(String),
    })),
  };
}
