/**
 * Gatus checks every public hostname the way a visitor reaches it (DNS,
 * bifrost, Traefik, certificate), plus the LAN Gateway over NetBird, which is
 * the path every public service depends on.
 */
import { edgeHosts, publicRoutes, type BundleConfig } from "./model";

interface Endpoint {
  name: string;
  group: string;
  url: string;
  interval: string;
  conditions: string[];
  client?: { "ignore-redirect": boolean };
  ui?: { "hide-hostname": boolean; "hide-url": boolean; "hide-port": boolean; "hide-errors": boolean };
}

const CERT_OK = "[CERTIFICATE_EXPIRATION] > 240h";

export function buildGatusConfig(c: BundleConfig) {
  const hosts = edgeHosts(c);
  const endpoints: Endpoint[] = [
    { name: "Authentik", group: "edge", url: `https://${hosts.auth}/-/health/live/`, interval: "1m", conditions: ["[STATUS] == 200", CERT_OK] },
    {
      name: "NetBird",
      group: "edge",
      url: `https://${hosts.netbird}/oauth2/.well-known/openid-configuration`,
      interval: "1m",
      conditions: ["[STATUS] == 200", CERT_OK],
    },
    { name: "Status page", group: "edge", url: `https://${hosts.uptime}/health`, interval: "5m", conditions: ["[STATUS] == 200", CERT_OK] },
  ];
  for (const r of publicRoutes(c))
    endpoints.push(
      r.forwardAuth
        ? {
            // Unauthenticated requests must bounce to Authentik: a 200 here
            // would mean the service is public by accident.
            name: r.name,
            group: "public services",
            url: `https://${r.host}/`,
            interval: "2m",
            conditions: ["[STATUS] == any(302, 401)", CERT_OK],
            client: { "ignore-redirect": true },
          }
        : { name: r.name, group: "public services", url: `https://${r.host}/`, interval: "2m", conditions: ["[STATUS] < 500", CERT_OK] },
    );
  if (c.netbird.agent)
    endpoints.push({
      name: "LAN gateway via NetBird",
      group: "netbird",
      url: `tcp://${c.network.ingressIp}:443`,
      interval: "1m",
      conditions: ["[CONNECTED] == true"],
      // The status page is public: keep the LAN address out of what Gatus
      // publishes. Gatus v5.36.0 (config/endpoint/endpoint.go) drops the
      // result's hostname and port and redacts them and the URL from error
      // texts with these; hide-errors drops the errors themselves (a dial
      // error names the address).
      ui: { "hide-hostname": true, "hide-url": true, "hide-port": true, "hide-errors": true },
    });
  return {
    storage: { type: "sqlite", path: "/data/data.db" },
    ui: { title: `Status · ${c.domain}`, header: c.domain },
    endpoints,
  };
}
