/**
 * Config of the combined NetBird server (management + signal + relay +
 * STUN, embedded IdP). The server reads secrets only from this file, so the
 * rendered file is a template: the secret fields hold `${VAR}`
 * placeholders that bootstrap.sh fills from secrets/netbird-server.env on
 * the VPS, writing the result under secrets/ with mode 0600.
 */
import { edgeHosts, edgeNetwork, type BundleConfig } from "./model";

/** Placeholder variables bootstrap.sh substitutes (and nothing else). */
export const NETBIRD_TEMPLATE_VARS = ["NETBIRD_RELAY_SECRET", "NETBIRD_DATASTORE_ENCRYPTION_KEY"] as const;

export const NETBIRD_TEMPLATE_PATH = "netbird/config.yaml.tmpl";

const placeholder = (name: (typeof NETBIRD_TEMPLATE_VARS)[number]) => `\${${name}}`;

/** The NetBird owner's e-mail: homelab:netbird.ownerEmail, else the ACME contact. */
export function ownerEmail(c: Pick<BundleConfig, "netbird" | "bifrost">): string {
  return c.netbird.ownerEmail ?? c.bifrost.acmeEmail;
}

export function buildNetbirdConfig(c: Pick<BundleConfig, "domain" | "edge" | "netbird" | "bifrost">) {
  const hosts = edgeHosts(c);
  return {
    server: {
      // Plain HTTP inside the Docker network; Traefik terminates TLS.
      listenAddress: ":80",
      exposedAddress: `https://${hosts.netbird}:443`,
      stunPorts: [...c.netbird.stunPorts],
      metricsPort: 9090,
      healthcheckAddress: ":9000",
      logLevel: "info",
      logFile: "console",
      authSecret: placeholder("NETBIRD_RELAY_SECRET"),
      dataDir: "/var/lib/netbird",
      disableAnonymousMetrics: c.netbird.disableAnonymousMetrics,
      auth: {
        issuer: `https://${hosts.netbird}/oauth2`,
        signKeyRefreshEnabled: true,
        dashboardRedirectURIs: [`https://${hosts.netbird}/nb-auth`, `https://${hosts.netbird}/nb-silent-auth`],
        cliRedirectURIs: ["http://localhost:53000/"],
      },
      store: { engine: "sqlite", encryptionKey: placeholder("NETBIRD_DATASTORE_ENCRYPTION_KEY") },
      // Real client addresses arrive in X-Forwarded-For from Traefik only:
      // its fixed address, not the whole Docker network. (NetBird parses
      // each entry with netip.ParsePrefix and silently drops one that does
      // not parse: combined/cmd/config.go.)
      reverseProxy: { trustedHTTPProxies: [`${edgeNetwork(c).traefik}/32`] },
    },
  };
}
