/**
 * Traefik's static config (entrypoints, ACME via TLS-ALPN-01) and its
 * dynamic config (routers for the edge services and one router per public
 * service). Nothing here is secret, and Traefik needs no credential.
 */
import { edgeHosts, publicRoutes, SERVICE, type BundleConfig } from "./model";

const LETSENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

export const RESOLVER = "letsencrypt";
export const AUTH_MIDDLEWARE = "authentik";
export const HEADERS_MIDDLEWARE = "security-headers";
export const DENY_ALL_MIDDLEWARE = "deny-all";
/** NetBird's unauthenticated setup endpoint (openapi.yml `/api/setup`). */
export const NETBIRD_SETUP_PATH = "/api/setup";

export function buildTraefikStatic(c: Pick<BundleConfig, "domain" | "bifrost">) {
  return {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    log: { level: "INFO" },
    accessLog: {},
    // For the container healthcheck (`traefik healthcheck --ping`).
    ping: {},
    api: { dashboard: false },
    entryPoints: {
      web: {
        address: ":80",
        http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } },
      },
      websecure: {
        address: ":443",
        // One certificate per hostname bifrost serves, named by each
        // router's Host rule. No wildcard: a wildcard needs DNS-01, and with
        // it a DNS-editing Cloudflare token on this public VPS (Cloudflare
        // tokens cannot be scoped below a whole zone). Serving a wildcard
        // here (NetBird expose) would need a DNS-01 resolver with a token
        // of its own.
        http: { tls: { certResolver: RESOLVER } },
        // NetBird's signal gRPC stream (bidirectional) and the relay
        // WebSocket stay open for hours; Traefik's default 60 s read timeout
        // (the whole request body, per HTTP/2 stream) would cut every peer
        // off. Responding timeouts exist only per entry point (Traefik v3
        // static config: transport.respondingTimeouts has readTimeout,
        // writeTimeout, idleTimeout and nothing per router), and every
        // hostname shares 443, so this entry point carries them for all;
        // the per-route part is on the forwarding side (serversTransports),
        // where only the NetBird streaming routes drop their timeouts.
        transport: { respondingTimeouts: { readTimeout: "0s", writeTimeout: "0s", idleTimeout: "300s" } },
      },
    },
    providers: { file: { directory: "/etc/traefik/dynamic", watch: true } },
    certificatesResolvers: {
      [RESOLVER]: {
        acme: {
          email: c.bifrost.acmeEmail,
          storage: "/letsencrypt/acme.json",
          ...(c.bifrost.acmeStaging ? { caServer: LETSENCRYPT_STAGING } : {}),
          // TLS-ALPN-01 (RFC 8737) on 443, which the firewall opens to the
          // world anyway: Let's Encrypt connects to the name's A/AAAA record
          // (bifrost's primary IPs) and Traefik answers the challenge
          // itself, needing no credential. The CAA records allow every
          // validation method (no validationmethods parameter). The names
          // must point at bifrost first: run the cloudflare stack before
          // expecting certificates.
          tlsChallenge: {},
        },
      },
    },
  };
}

interface Router {
  rule: string;
  entryPoints: string[];
  service: string;
  middlewares: string[];
  priority?: number;
}

interface LoadBalancer {
  servers: Array<{ url: string }>;
  passHostHeader?: boolean;
  serversTransport?: string;
}

const host = (h: string) => `Host(\`${h}\`)`;
const prefixes = (paths: readonly string[]) => `(${paths.map((p) => `PathPrefix(\`${p}\`)`).join(" || ")})`;

/** Router name of a public service. */
export function serviceRouterName(name: string): string {
  return `svc-${name}`;
}

export function buildTraefikDynamic(c: BundleConfig) {
  const hosts = edgeHosts(c);
  const routes = publicRoutes(c);
  const routers: Record<string, Router> = {};
  const services: Record<string, { loadBalancer: LoadBalancer }> = {};
  const serversTransports: Record<string, Record<string, unknown>> = {
    // gRPC streams and the relay WebSocket must not hit forwarding timeouts.
    "netbird-streams": { forwardingTimeouts: { responseHeaderTimeout: "0s", idleConnTimeout: "0s" } },
  };
  const web = ["websecure"];
  const lb = (url: string, extra: Partial<LoadBalancer> = {}) => ({ loadBalancer: { servers: [{ url }], ...extra } });

  routers["auth"] = { rule: host(hosts.auth), entryPoints: web, service: "authentik", middlewares: [HEADERS_MIDDLEWARE] };
  routers["netbird-grpc"] = {
    rule: `${host(hosts.netbird)} && ${prefixes(["/signalexchange.SignalExchange/", "/management.ManagementService/"])}`,
    entryPoints: web,
    service: "netbird-server-h2c",
    middlewares: [],
    priority: 300,
  };
  // The relay and the WebSocket proxy stream for as long as a peer is
  // connected; the REST API and the IdP answer like any web app and keep
  // Traefik's default forwarding timeouts.
  routers["netbird-relay"] = {
    rule: `${host(hosts.netbird)} && ${prefixes(["/relay", "/ws-proxy/"])}`,
    entryPoints: web,
    service: "netbird-server",
    middlewares: [],
    priority: 200,
  };
  routers["netbird-api"] = {
    rule: `${host(hosts.netbird)} && ${prefixes(["/api", "/oauth2"])}`,
    entryPoints: web,
    service: "netbird-server-api",
    middlewares: [HEADERS_MIDDLEWARE],
    priority: 200,
  };
  // NetBird's setup call claims an unclaimed instance without credentials.
  // bootstrap.sh makes it on the Docker network before Traefik first
  // starts; from outside it is refused always (403), so even a NetBird
  // whose store was lost can never be claimed by a stranger. Traefik v3
  // sanitizes the path before matching (entry point option sanitizePath,
  // on by default), and NetBird's router matches paths case-sensitively.
  routers["netbird-setup-closed"] = {
    rule: `${host(hosts.netbird)} && (Path(\`${NETBIRD_SETUP_PATH}\`) || PathPrefix(\`${NETBIRD_SETUP_PATH}/\`))`,
    entryPoints: web,
    service: "noop@internal",
    middlewares: [DENY_ALL_MIDDLEWARE],
    priority: 400,
  };
  routers["netbird-dashboard"] = { rule: host(hosts.netbird), entryPoints: web, service: "netbird-dashboard", middlewares: [HEADERS_MIDDLEWARE], priority: 100 };
  routers["uptime"] = { rule: host(hosts.uptime), entryPoints: web, service: "gatus", middlewares: [HEADERS_MIDDLEWARE] };

  services["authentik"] = lb(`http://${SERVICE.authentikServer}:9000`);
  services["netbird-server"] = lb(`http://${SERVICE.netbirdServer}:80`, { serversTransport: "netbird-streams" });
  services["netbird-server-api"] = lb(`http://${SERVICE.netbirdServer}:80`);
  services["netbird-server-h2c"] = lb(`h2c://${SERVICE.netbirdServer}:80`, { serversTransport: "netbird-streams" });
  services["netbird-dashboard"] = lb(`http://${SERVICE.netbirdDashboard}:80`);
  services["gatus"] = lb(`http://${SERVICE.gatus}:8080`);

  for (const r of routes) {
    const name = serviceRouterName(r.name);
    routers[name] = {
      rule: host(r.host),
      entryPoints: web,
      service: name,
      middlewares: r.forwardAuth ? [AUTH_MIDDLEWARE, HEADERS_MIDDLEWARE] : [HEADERS_MIDDLEWARE],
    };
    // Host is passed through unchanged: the LAN Gateway routes by it.
    services[name] = lb(r.upstream, { passHostHeader: true, serversTransport: name });
    serversTransports[name] = { serverName: r.serverName };
  }
  const protectedHosts = routes.filter((r) => r.forwardAuth).map((r) => host(r.host));
  if (protectedHosts.length > 0)
    // The outpost's own endpoints (sign-in callback, sign-out) live under
    // each protected host and must reach Authentik without ForwardAuth.
    routers["authentik-outpost"] = {
      rule: `(${protectedHosts.join(" || ")}) && PathPrefix(\`/outpost.goauthentik.io/\`)`,
      entryPoints: web,
      service: "authentik",
      middlewares: [],
      priority: 1000,
    };

  return {
    http: {
      middlewares: {
        [AUTH_MIDDLEWARE]: {
          forwardAuth: {
            // The embedded outpost of authentik-server answers ForwardAuth.
            address: `http://${SERVICE.authentikServer}:9000/outpost.goauthentik.io/auth/traefik`,
            trustForwardHeader: true,
            authResponseHeaders: [
              "X-authentik-username",
              "X-authentik-groups",
              "X-authentik-entitlements",
              "X-authentik-email",
              "X-authentik-name",
              "X-authentik-uid",
              "X-authentik-jwt",
              "X-authentik-meta-jwks",
              "X-authentik-meta-outpost",
              "X-authentik-meta-provider",
              "X-authentik-meta-app",
              "X-authentik-meta-version",
            ],
          },
        },
        // Only loopback, which never reaches Traefik's entry point from
        // outside: every request is refused with 403.
        [DENY_ALL_MIDDLEWARE]: { ipAllowList: { sourceRange: ["127.0.0.1/32"] } },
        [HEADERS_MIDDLEWARE]: {
          headers: { stsSeconds: 31536000, contentTypeNosniff: true, referrerPolicy: "strict-origin-when-cross-origin" },
        },
      },
      routers,
      services,
      serversTransports,
    },
  };
}
