/**
 * The bifrost docker compose file as a typed document. Secrets reach the
 * containers only through `env_file` references to files Pulumi writes on
 * the VPS; the document itself holds none.
 */
import { edgeHosts, edgeNetwork, SERVICE, STATE_MOUNT, statePath, type BundleConfig } from "./model";
import { LOCAL_SECRET_FILES } from "./secret-env";

export interface Healthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period: string;
}

export interface ComposeService {
  image: string;
  container_name: string;
  restart: "unless-stopped" | "always";
  command?: string[];
  depends_on?: Record<string, { condition: "service_healthy" | "service_started" }>;
  environment?: Record<string, string>;
  env_file?: string[];
  ports?: string[];
  volumes?: string[];
  networks?: string[] | Record<string, { ipv4_address: string }>;
  network_mode?: string;
  cap_add?: string[];
  security_opt: string[];
  healthcheck?: Healthcheck;
  shm_size?: string;
  logging: { driver: "json-file"; options: { "max-size": string; "max-file": string } };
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  networks: Record<string, { driver: "bridge"; ipam: { config: Array<{ subnet: string; ip_range: string }> } }>;
}

/** The one bridge network every service except the host-networked agent joins. */
export const NETWORK = "edge";

/** Path of the NetBird server config bootstrap.sh renders from the template (holds secrets, so under secrets/). */
export const NETBIRD_CONFIG_PATH = "secrets/netbird-config.yaml";

const logging: ComposeService["logging"] = { driver: "json-file", options: { "max-size": "20m", "max-file": "5" } };

function health(test: string[], startPeriod = "30s"): Healthcheck {
  return { test, interval: "15s", timeout: "5s", retries: 5, start_period: startPeriod };
}

function base(name: string, image: string): Pick<ComposeService, "image" | "container_name" | "restart" | "logging" | "security_opt"> {
  // no-new-privileges: no process in the container can gain privileges
  // through setuid/setgid binaries or file capabilities (Docker's
  // --security-opt no-new-privileges, the kernel's PR_SET_NO_NEW_PRIVS).
  // Capabilities granted at start (the agent's NET_ADMIN) stay.
  return { image, container_name: `bifrost-${name}`, restart: "unless-stopped", logging, security_opt: ["no-new-privileges:true"] };
}

export function buildCompose(c: BundleConfig): ComposeFile {
  const img = c.bifrost.images;
  const hosts = edgeHosts(c);
  const net = edgeNetwork(c);
  // Server and worker run the same image and settings; only the command differs.
  const authentik = (name: string, command: "server" | "worker"): ComposeService => ({
    ...base(name, img.authentik),
    command: [command],
    depends_on: { [SERVICE.postgres]: { condition: "service_healthy" } },
    environment: {
      AUTHENTIK_POSTGRESQL__HOST: SERVICE.postgres,
      AUTHENTIK_POSTGRESQL__NAME: "authentik",
      AUTHENTIK_POSTGRESQL__USER: "authentik",
      AUTHENTIK_ERROR_REPORTING__ENABLED: "false",
      // Only Traefik (and loopback, the embedded outpost) may set the client
      // address through X-Forwarded-For; Authentik's default trusts every
      // private range, so any container on the network could spoof it.
      AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS: `127.0.0.0/8,::1/128,${net.traefik}/32`,
    },
    env_file: ["./secrets/authentik.env"],
    volumes: [`${statePath("authentik")}:/data`],
    networks: [NETWORK],
    healthcheck: health(["CMD", "ak", "healthcheck"], "90s"),
    // The image uses /dev/shm as scratch space; Docker's default is 64 MB.
    // goauthentik/authentik lifecycle/container/compose.yml (2026.2) sets
    // 512mb on both server and worker.
    shm_size: "512mb",
  });
  const services: Record<string, ComposeService> = {
    [SERVICE.traefik]: {
      ...base(SERVICE.traefik, img.traefik),
      ports: ["80:80/tcp", "443:443/tcp"],
      volumes: ["./traefik/traefik.yaml:/etc/traefik/traefik.yaml:ro", "./traefik/dynamic:/etc/traefik/dynamic:ro", `${statePath("traefik")}:/letsencrypt`],
      // The fixed address NetBird and Authentik trust forwarded headers from.
      networks: { [NETWORK]: { ipv4_address: net.traefik } },
      // `ping` is enabled in the static config for exactly this probe.
      healthcheck: health(["CMD", "traefik", "healthcheck", "--ping"]),
    },
    [SERVICE.postgres]: {
      ...base(SERVICE.postgres, img.postgres),
      environment: { POSTGRES_DB: "authentik", POSTGRES_USER: "authentik" },
      env_file: ["./secrets/postgres.env"],
      volumes: [`${statePath("postgres")}:/var/lib/postgresql/data`],
      networks: [NETWORK],
      healthcheck: health(["CMD", "pg_isready", "-d", "authentik", "-U", "authentik"], "20s"),
    },
    // Authentik since 2025.10 keeps cache, sessions and tasks in Postgres:
    // the pinned release needs no Redis.
    [SERVICE.authentikServer]: authentik(SERVICE.authentikServer, "server"),
    [SERVICE.authentikWorker]: authentik(SERVICE.authentikWorker, "worker"),
    // The combined NetBird server: management, signal, relay (WebSocket on
    // 443 behind Traefik) and embedded STUN, with its own embedded IdP.
    [SERVICE.netbirdServer]: {
      ...base(SERVICE.netbirdServer, img.netbirdServer),
      command: ["--config", "/etc/netbird/config.yaml"],
      // Lets the setup call return an API token for the owner it creates
      // (management/server/instance/setup_service.go, NetBird >= 0.70.5).
      // bootstrap.sh makes that call on the Docker network before Traefik
      // first starts, and Traefik never forwards /api/setup (traefik.ts), so
      // nobody else can claim the instance.
      environment: { NB_SETUP_PAT_ENABLED: "true" },
      ports: c.netbird.stunPorts.map((p) => `${p}:${p}/udp`),
      volumes: [`./${NETBIRD_CONFIG_PATH}:/etc/netbird/config.yaml:ro`, `${statePath("netbird")}:/var/lib/netbird`],
      networks: [NETWORK],
      // The image is plain Ubuntu without curl; bash can still open a socket
      // to the health endpoint the server listens on.
      healthcheck: health(["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9000"]),
    },
    [SERVICE.netbirdDashboard]: {
      ...base(SERVICE.netbirdDashboard, img.netbirdDashboard),
      environment: {
        NETBIRD_MGMT_API_ENDPOINT: `https://${hosts.netbird}`,
        NETBIRD_MGMT_GRPC_API_ENDPOINT: `https://${hosts.netbird}`,
        AUTH_AUDIENCE: "netbird-dashboard",
        AUTH_CLIENT_ID: "netbird-dashboard",
        AUTH_CLIENT_SECRET: "",
        AUTH_AUTHORITY: `https://${hosts.netbird}/oauth2`,
        USE_AUTH0: "false",
        AUTH_SUPPORTED_SCOPES: "openid profile email groups",
        AUTH_REDIRECT_URI: "/nb-auth",
        AUTH_SILENT_REDIRECT_URI: "/nb-silent-auth",
        // Traefik terminates TLS; the dashboard must not request certificates itself.
        LETSENCRYPT_DOMAIN: "none",
        NGINX_SSL_PORT: "443",
      },
      networks: [NETWORK],
      healthcheck: health(["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1/"]),
    },
    // Gatus ships FROM scratch (no shell, no curl), so Docker cannot probe
    // it; bootstrap.sh treats "running" as ready and Gatus checks itself via
    // the public uptime hostname.
    [SERVICE.gatus]: {
      ...base(SERVICE.gatus, img.gatus),
      volumes: ["./gatus/config.yaml:/config/config.yaml:ro", `${statePath("gatus")}:/data`],
      networks: [NETWORK],
    },
  };
  if (c.netbird.agent)
    // The bifrost peer runs in the host's network namespace so the routes
    // NetBird distributes (the LAN subnet) land in the host routing table,
    // where Traefik's upstream connections to the LAN Gateway find them.
    services[SERVICE.netbirdAgent] = {
      ...base(SERVICE.netbirdAgent, img.netbirdAgent),
      depends_on: { [SERVICE.netbirdServer]: { condition: "service_healthy" }, [SERVICE.traefik]: { condition: "service_healthy" } },
      network_mode: "host",
      cap_add: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"],
      environment: {
        NB_MANAGEMENT_URL: `https://${hosts.netbird}`,
        NB_HOSTNAME: c.hcloud.name,
        NB_WIREGUARD_PORT: String(c.netbird.peerPort),
        NB_LOG_LEVEL: "info",
      },
      // Written on the VPS by netbird-lan.py from the setup key it creates.
      env_file: [`./secrets/${LOCAL_SECRET_FILES.netbirdAgent}`],
      // The peer's identity (WireGuard key, peer id) survives a rebuild, so
      // the routes and policies that name this peer keep working.
      volumes: [`${statePath("netbirdAgentConfig")}:/etc/netbird`, `${statePath("netbirdAgentState")}:/var/lib/netbird`],
      healthcheck: health(["CMD", "netbird", "status"]),
    };

  // Data lives only on the state volume: no Docker named volume (those sit
  // on the server's disk and die with it), only read-only bundle files.
  for (const [name, s] of Object.entries(services))
    for (const v of s.volumes ?? []) {
      const source = v.split(":")[0]!;
      const bundleFile = source.startsWith("./") && v.endsWith(":ro");
      if (!bundleFile && !source.startsWith(`${STATE_MOUNT}/`)) throw new Error(`bug: ${name} mounts ${source}, which is neither a bundle file nor on the state volume`);
    }
  return {
    name: "bifrost",
    services,
    networks: { [NETWORK]: { driver: "bridge", ipam: { config: [{ subnet: net.subnet, ip_range: net.dynamicRange }] } } },
  };
}

/**
 * Start order for bootstrap.sh: each stage waits until the previous one is
 * healthy. Traefik comes after its backends so the first ACME order does not
 * race half-started routes; the agent last, because it enrols through
 * Traefik at the public NetBird hostname.
 */
export function startStages(c: Pick<BundleConfig, "netbird">): string[][] {
  const stages = [
    [SERVICE.postgres],
    [SERVICE.authentikServer, SERVICE.authentikWorker],
    [SERVICE.netbirdServer, SERVICE.netbirdDashboard],
    [SERVICE.traefik],
    [SERVICE.gatus],
  ] as string[][];
  if (c.netbird.agent) stages.push([SERVICE.netbirdAgent]);
  return stages;
}

/**
 * Config files bind-mounted into each service. A running container keeps
 * the old content until restarted, so bootstrap.sh restarts a service when
 * one of these changes. (Traefik's dynamic directory is watched: not listed.)
 */
export function mountedConfigFiles(compose: ComposeFile): Array<{ service: string; file: string }> {
  const out: Array<{ service: string; file: string }> = [];
  for (const [service, s] of Object.entries(compose.services))
    for (const v of s.volumes ?? []) {
      const source = v.split(":")[0]!;
      if (source.startsWith("./") && /\.[a-z]+$/.test(source)) out.push({ service, file: source.slice(2) });
    }
  return out;
}
