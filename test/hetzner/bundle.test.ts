import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildCloudConfig, renderCloudInit } from "../../core/hetzner/cloud-init";
import type { HetznerConfig } from "../../core/hetzner/config";
import { LOCAL_SECRET_FILES, renderBundle, secretEnvFiles, type Bundle } from "../../core/hetzner/bundle";
import { NETBIRD_CONFIG_PATH } from "../../core/hetzner/bundle/compose";
import { formatEnvFile } from "../../core/hetzner/bundle/secret-env";
import hetzner from "../../core/hetzner";
import { validateConfig } from "../../core/main";
import { toRawConfig } from "../../core/render/project-files";
import { exampleConfig, type ConfigValues } from "../helpers/plan";
import { cidrContains, parseCidr, parseIPv4 } from "../../core/net/ipv4";

/** The committed example, validated into the typed config the renderers take. */
function config(mutate?: (c: ConfigValues) => void): HetznerConfig {
  const values = exampleConfig("hetzner");
  mutate?.(values);
  return validateConfig(hetzner, toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v]))));
}

const file = (bundle: Bundle, path: string): string => {
  const f = bundle.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in bundle: ${bundle.files.map((x) => x.path).join(", ")}`);
  return f.content;
};

type Obj = Record<string, any>;

/** bootstrap.env as bash reads it: `KEY='value'` lines. */
const envOf = (bundle: Bundle): Record<string, string> =>
  Object.fromEntries([...file(bundle, "bootstrap.env").matchAll(/^([A-Z_]+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));

describe("bifrost bundle (committed example)", () => {
  let c: HetznerConfig;
  let bundle: Bundle;
  let compose: Obj;
  let dynamic: Obj;
  beforeAll(() => {
    c = config();
    bundle = renderBundle(c);
    compose = parse(file(bundle, "compose.yaml"));
    dynamic = parse(file(bundle, "traefik/dynamic/bifrost.yaml"));
  });

  it("renders byte-identical output for the same config", () => {
    expect(renderBundle(config())).toEqual(bundle);
  });

  it("runs every compose service from an image pinned to a tag, with a restart policy", () => {
    const services = Object.entries(compose["services"] as Record<string, Obj>);
    expect(services.map(([n]) => n).sort()).toEqual([
      "authentik-server",
      "authentik-worker",
      "gatus",
      "netbird-agent",
      "netbird-dashboard",
      "netbird-server",
      "postgres",
      "traefik",
    ]);
    for (const [name, s] of services) {
      expect(s["image"], name).toMatch(/^[\w./-]+:[\w][\w.-]*$/);
      expect(s["image"], name).not.toMatch(/:latest$/);
      expect(["always", "unless-stopped"], name).toContain(s["restart"]);
    }
  });

  it("health-checks every service whose image can run a probe (Gatus is FROM scratch)", () => {
    for (const [name, s] of Object.entries(compose["services"] as Record<string, Obj>)) {
      if (name === "gatus") continue;
      expect(s["healthcheck"]?.["test"]?.[0], name).toMatch(/^CMD(-SHELL)?$/);
    }
  });

  it("keeps data only on the state volume: no named volume, every writable mount under the mount point", () => {
    expect(compose["volumes"]).toBeUndefined();
    const writable: Record<string, string> = {};
    for (const [name, s] of Object.entries(compose["services"] as Record<string, Obj>))
      for (const v of (s["volumes"] ?? []) as string[]) {
        const [source, target, mode] = v.split(":");
        if (source!.startsWith("./")) expect(mode, `${name}: ${v} is a bundle file and must be read-only`).toBe("ro");
        else {
          expect(source!.startsWith("/mnt/bifrost-state/"), `${name}: ${v}`).toBe(true);
          writable[`${name} ${target}`] = source!;
        }
      }
    // The directories that hold what a rebuild must not lose.
    expect(writable).toMatchObject({
      "postgres /var/lib/postgresql/data": "/mnt/bifrost-state/postgres",
      "authentik-server /data": "/mnt/bifrost-state/authentik",
      "authentik-worker /data": "/mnt/bifrost-state/authentik",
      "netbird-server /var/lib/netbird": "/mnt/bifrost-state/netbird",
      "traefik /letsencrypt": "/mnt/bifrost-state/traefik",
      "gatus /data": "/mnt/bifrost-state/gatus",
      "netbird-agent /var/lib/netbird": "/mnt/bifrost-state/netbird-agent/state",
    });
  });

  it("gives Authentik the 512 MB /dev/shm upstream's compose sets", () => {
    expect(compose["services"]["authentik-server"]["shm_size"]).toBe("512mb");
    expect(compose["services"]["authentik-worker"]["shm_size"]).toBe("512mb");
  });

  it("gives containers their secrets only through env files Pulumi or the bootstrap writes", () => {
    const written = [...secretEnvFiles(), ...Object.values(LOCAL_SECRET_FILES).map((file) => ({ file }))].map((f) => `./secrets/${f.file}`);
    for (const [name, s] of Object.entries(compose["services"] as Record<string, Obj>))
      for (const ref of (s["env_file"] ?? []) as string[]) expect(written, `${name} → ${ref}`).toContain(ref);
    // Traefik holds no secret at all: no Cloudflare token on the public VPS.
    expect(compose["services"]["traefik"]["env_file"]).toBeUndefined();
    expect(compose["services"]["authentik-server"]["env_file"]).toEqual(["./secrets/authentik.env"]);
  });

  it("runs Authentik server and worker on Postgres, without Redis for the pinned 2026.x release", () => {
    const s = compose["services"] as Record<string, Obj>;
    expect(c.bifrost.images.authentik).toMatch(/:2026\./);
    expect(Object.keys(s).some((n) => /redis/.test(n))).toBe(false);
    for (const n of ["authentik-server", "authentik-worker"]) {
      expect(s[n]!["depends_on"]).toEqual({ postgres: { condition: "service_healthy" } });
      expect(s[n]!["environment"]["AUTHENTIK_POSTGRESQL__HOST"]).toBe("postgres");
    }
  });

  it("runs the combined NetBird server with STUN published and the agent on the host network", () => {
    const s = compose["services"] as Record<string, Obj>;
    expect(s["netbird-server"]!["ports"]).toEqual(["3478:3478/udp"]);
    expect(s["netbird-server"]!["volumes"]).toContain(`./${NETBIRD_CONFIG_PATH}:/etc/netbird/config.yaml:ro`);
    expect(s["netbird-agent"]).toMatchObject({ network_mode: "host", environment: { NB_MANAGEMENT_URL: "https://netbird.lab.example.com", NB_WIREGUARD_PORT: "51820" } });
  });

  it("leaves the agent out until it is turned on", () => {
    const off = renderBundle(config((v) => void (v.netbird.agent = false)));
    expect(parse(file(off, "compose.yaml"))["services"]["netbird-agent"]).toBeUndefined();
    expect(envOf(off)["BIFROST_NETBIRD_AGENT_ENV"]).toBe("");
    expect(envOf(bundle)["BIFROST_NETBIRD_AGENT_ENV"]).toBe("netbird-agent.env");
  });

  it("redirects HTTP to HTTPS and gets a certificate per served name by TLS-ALPN-01, with no DNS credential", () => {
    const s = parse(file(bundle, "traefik/traefik.yaml"));
    expect(s.entryPoints.web).toMatchObject({ address: ":80", http: { redirections: { entryPoint: { to: "websecure", scheme: "https" } } } });
    expect(s.entryPoints.websecure.address).toBe(":443");
    expect(s.entryPoints.websecure.http.tls).toEqual({ certResolver: "letsencrypt" });
    expect(s.certificatesResolvers.letsencrypt.acme).toEqual({ email: "admin@example.com", storage: "/letsencrypt/acme.json", tlsChallenge: {} });
    expect(JSON.stringify(s)).not.toMatch(/dnsChallenge|cloudflare/i);
    expect(s.ping).toEqual({});
  });

  it("routes the auth, NetBird and status hostnames from project edge config", () => {
    const r = dynamic["http"]["routers"];
    expect(r["auth"]).toMatchObject({ rule: "Host(`auth.lab.example.com`)", service: "authentik" });
    expect(r["uptime"]).toMatchObject({ rule: "Host(`status.lab.example.com`)", service: "gatus" });
    expect(r["netbird-dashboard"].rule).toBe("Host(`netbird.lab.example.com`)");
    expect(r["netbird-grpc"].rule).toContain("/management.ManagementService/");
    expect(r["netbird-grpc"].priority).toBeGreaterThan(r["netbird-dashboard"].priority);
    expect(dynamic["http"]["services"]["netbird-server-h2c"]["loadBalancer"]["servers"]).toEqual([{ url: "h2c://netbird-server:80" }]);
  });

  it("has exactly one router per public service, with ForwardAuth unless the service opts out", () => {
    const routers = dynamic["http"]["routers"] as Record<string, Obj>;
    const perService = Object.entries(routers).filter(([, r]) => /^Host\(`[^`]+`\)$/.test(r["rule"]) && r["service"].startsWith("svc-"));
    expect(perService.map(([n]) => n)).toEqual(c.publicServices.map((s) => `svc-${s.name}`));
    for (const s of c.publicServices) {
      const router = routers[`svc-${s.name}`]!;
      expect(router["rule"]).toBe(`Host(\`${s.name}.lab.example.com\`)`);
      expect(router["middlewares"].includes("authentik"), s.name).toBe(s.forwardAuth);
    }
    expect(routers["svc-grafana"]!["middlewares"]).toContain("authentik");
    expect(routers["svc-jellyfin"]!["middlewares"]).not.toContain("authentik");
  });

  it("forwards public services to the LAN Gateway over NetBird, keeping Host and verifying the public name", () => {
    const svc = dynamic["http"]["services"]["svc-grafana"]["loadBalancer"];
    expect(svc).toEqual({ servers: [{ url: "https://10.10.0.200" }], passHostHeader: true, serversTransport: "svc-grafana" });
    expect(dynamic["http"]["serversTransports"]["svc-grafana"]).toEqual({ serverName: "grafana.lab.example.com" });
  });

  it("uses a service's own upstream when it names one", () => {
    const b = renderBundle(config((v) => void (v.publicServices[1].upstream = "https://photos.internal.example.net:2283")));
    const d = parse(file(b, "traefik/dynamic/bifrost.yaml"));
    expect(d.http.services["svc-immich"].loadBalancer.servers).toEqual([{ url: "https://photos.internal.example.net:2283" }]);
    expect(d.http.serversTransports["svc-immich"]).toEqual({ serverName: "photos.internal.example.net" });
  });

  it("points the ForwardAuth middleware at Authentik's embedded outpost", () => {
    expect(dynamic["http"]["middlewares"]["authentik"]["forwardAuth"]["address"]).toBe(
      "http://authentik-server:9000/outpost.goauthentik.io/auth/traefik",
    );
  });

  it("configures NetBird for its public hostname, with only placeholders where secrets go", () => {
    const nb = parse(file(bundle, "netbird/config.yaml.tmpl")).server;
    expect(nb.exposedAddress).toBe("https://netbird.lab.example.com:443");
    expect(nb.auth.issuer).toBe("https://netbird.lab.example.com/oauth2");
    expect(nb.stunPorts).toEqual([3478]);
    expect(nb.authSecret).toBe("${NETBIRD_RELAY_SECRET}");
    expect(nb.store.encryptionKey).toBe("${NETBIRD_DATASTORE_ENCRYPTION_KEY}");
    expect(nb.reverseProxy.trustedHTTPProxies).toEqual(["172.30.0.254/32"]);
  });

  it("claims NetBird through its setup call as homelab:netbird.ownerEmail (else the ACME contact), with an API token back", () => {
    // No owner in the server config: seeded that way, setup reports done and
    // no API token can ever be made without a browser log-in.
    expect(parse(file(bundle, "netbird/config.yaml.tmpl")).server.auth.owner).toBeUndefined();
    expect(compose["services"]["netbird-server"]["environment"]).toEqual({ NB_SETUP_PAT_ENABLED: "true" });
    expect(JSON.parse(file(bundle, "netbird/lan-path.json")).owner.email).toBe("ops@example.com");
    const fallback = renderBundle(config((v) => void delete v.netbird.ownerEmail));
    expect(JSON.parse(file(fallback, "netbird/lan-path.json")).owner.email).toBe("admin@example.com");
    expect(envOf(bundle)["BIFROST_NETBIRD_VARS"]).toBe("NETBIRD_RELAY_SECRET NETBIRD_DATASTORE_ENCRYPTION_KEY");
    // The password reaches the VPS in its own env file, for the setup call only.
    expect(secretEnvFiles().find((f) => f.file === "netbird-api.env")!.vars).toEqual({ NETBIRD_OWNER_PASSWORD: "netbirdOwnerPassword" });
  });

  it("never forwards NetBird's setup call from outside", () => {
    const routers = dynamic["http"]["routers"] as Record<string, Obj>;
    const closed = routers["netbird-setup-closed"]!;
    expect(closed["rule"]).toBe("Host(`netbird.lab.example.com`) && (Path(`/api/setup`) || PathPrefix(`/api/setup/`))");
    expect(closed["middlewares"]).toEqual(["deny-all"]);
    expect(dynamic["http"]["middlewares"]["deny-all"]).toEqual({ ipAllowList: { sourceRange: ["127.0.0.1/32"] } });
    // It wins over every other router for that host (Traefik picks the highest priority).
    const netbirdRouters = Object.entries(routers).filter(([name, r]) => name !== "netbird-setup-closed" && String(r["rule"]).includes("netbird.lab.example.com"));
    expect(netbirdRouters.length).toBeGreaterThan(0);
    for (const [name, r] of netbirdRouters) expect(r["priority"] ?? 0, name).toBeLessThan(closed["priority"]);
  });

  it("makes NetBird route exactly the LAN addresses Traefik forwards to, for bifrost's group only", () => {
    const lan = JSON.parse(file(bundle, "netbird/lan-path.json"));
    const upstreams = Object.entries(dynamic["http"]["services"] as Record<string, Obj>)
      .filter(([name]) => name.startsWith("svc-"))
      .map(([, svc]) => new URL(svc["loadBalancer"]["servers"][0]["url"]));
    const ipUpstreams = upstreams.filter((u) => /^\d+\.\d+\.\d+\.\d+$/.test(u.hostname));
    expect(ipUpstreams.length).toBeGreaterThan(0);
    const byAddress = new Map((lan.network.resources as Obj[]).map((r) => [r["address"], r["name"]]));
    for (const u of ipUpstreams) {
      const resource = byAddress.get(`${u.hostname}/32`);
      expect(resource, u.href).toBeDefined();
      const policy = (lan.policies as Obj[]).find((p) => p["destinationResource"] === resource)!;
      expect(policy["ports"], u.href).toContain(u.port === "" ? "443" : u.port);
      expect(policy["sources"]).toEqual(["homelab-edge"]);
      expect(policy["protocol"]).toBe("tcp");
    }
    // The Gateway itself, which Gatus checks on 443, is always routed.
    expect(byAddress.get(`${c.network.ingressIp}/32`)).toBe("homelab-gateway");
    // Routed by the group the LAN router's setup key puts its peer in.
    const lanKey = (lan.setupKeys as Obj[]).find((k) => k["name"] === "homelab-lan-router")!;
    expect(lan.network.router.peerGroups).toEqual(lanKey["autoGroups"]);
    expect(lanKey["ephemeral"]).toBe(true);
    const bifrostKey = (lan.setupKeys as Obj[]).find((k) => k["name"] === lan.agentSetupKey)!;
    expect(bifrostKey["autoGroups"]).toEqual(["homelab-edge"]);
  });

  it("adds a public service's own upstream address with its port, and leaves hostnames to DNS", () => {
    const other = renderBundle(
      config((v) => {
        v.publicServices.push({ name: "nas", description: "NAS", upstream: "https://10.10.0.9:5001" });
        v.publicServices.push({ name: "wiki", description: "Wiki", upstream: "http://10.10.0.9" });
        v.publicServices.push({ name: "v6", description: "IPv6 service", upstream: "https://[fd00::9]:8443" });
      }),
    );
    const lan = JSON.parse(file(other, "netbird/lan-path.json"));
    const nas = (lan.network.resources as Obj[]).find((r) => r["address"] === "10.10.0.9/32")!;
    expect(nas["description"]).toContain("nas, wiki");
    expect(nas["name"]).toBe("homelab-upstream-10-10-0-9");
    const v6 = (lan.network.resources as Obj[]).find((r) => r["address"] === "fd00::9/128")!;
    expect(v6["name"]).toBe("homelab-upstream-fd00-9");
    expect((lan.policies as Obj[]).find((p) => p["destinationResource"] === v6["name"])!["ports"]).toEqual(["8443"]);
    expect((lan.policies as Obj[]).find((p) => p["destinationResource"] === nas["name"])!["ports"]).toEqual(["80", "5001"]);
    // photos.internal.example.net (immich's upstream in the example) is no resource.
    expect(JSON.stringify(lan)).not.toContain("photos.internal");
  });

  it("checks every public hostname in Gatus, and the LAN Gateway over NetBird", () => {
    const g = parse(file(bundle, "gatus/config.yaml"));
    const hosts = g.endpoints.map((e: Obj) => e.url).filter((u: string) => u.startsWith("https://")).map((u: string) => new URL(u).hostname);
    expect([...new Set(hosts)]).toEqual(["auth.lab.example.com", "netbird.lab.example.com", "status.lab.example.com", "grafana.lab.example.com", "immich.lab.example.com", "jellyfin.lab.example.com"]);
    expect(g.endpoints.find((e: Obj) => e.name === "grafana").conditions).toContain("[STATUS] == any(302, 401)");
    expect(g.endpoints.find((e: Obj) => e.url === "tcp://10.10.0.200:443")).toBeDefined();
  });

  it("tells bootstrap.sh the start order, secret files and which config changes need a restart", () => {
    const env = file(bundle, "bootstrap.env");
    expect(env).toContain("BIFROST_STAGES='postgres;authentik-server authentik-worker;netbird-server netbird-dashboard;traefik;gatus;netbird-agent'\n");
    expect(env).toContain("BIFROST_SECRET_FILES='postgres.env authentik.env netbird-server.env netbird-api.env'\n");
    expect(env).toContain("BIFROST_LOCAL_SECRET_FILES='netbird-agent.env'\n");
    expect(env).toContain("BIFROST_RESTART_ON='traefik=traefik/traefik.yaml;netbird-server=secrets/netbird-config.yaml;gatus=gatus/config.yaml'\n");
    expect(env).toContain("BIFROST_HEALTH_TIMEOUT='300'\n");
  });

  it("changes the bundle hash when a rendered file changes", () => {
    const other = renderBundle(config((v) => void v.publicServices.push({ name: "wiki", description: "Family wiki" })));
    expect(other.hash).not.toBe(bundle.hash);
    expect(bundle.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("edge hardening", () => {
  let c: HetznerConfig;
  let bundle: Bundle;
  let compose: Obj;
  let dynamic: Obj;
  beforeAll(() => {
    c = config();
    bundle = renderBundle(c);
    compose = parse(file(bundle, "compose.yaml"));
    dynamic = parse(file(bundle, "traefik/dynamic/bifrost.yaml"));
  });

  it("runs every container with no-new-privileges", () => {
    for (const [name, s] of Object.entries(compose["services"] as Record<string, Obj>)) expect(s["security_opt"], name).toContain("no-new-privileges:true");
  });

  it("gives Traefik a fixed address that Docker never hands to another container", () => {
    const ipam = compose["networks"]["edge"]["ipam"]["config"][0];
    const subnet = parseCidr(ipam.subnet)!;
    const dynamicRange = parseCidr(ipam.ip_range)!;
    const traefik = parseIPv4(compose["services"]["traefik"]["networks"]["edge"]["ipv4_address"])!;
    expect(cidrContains(subnet, traefik)).toBe(true);
    expect(cidrContains(dynamicRange, traefik)).toBe(false);
    expect(traefik).not.toBe(subnet.last); // not the broadcast address
    // Every other container joins the network without a fixed address, so from the dynamic range.
    for (const [name, s] of Object.entries(compose["services"] as Record<string, Obj>))
      if (name !== "traefik" && s["networks"]) expect(s["networks"], name).toEqual(["edge"]);
  });

  it("makes Traefik's address the only one NetBird and Authentik take forwarded client addresses from", () => {
    const traefik = compose["services"]["traefik"]["networks"]["edge"]["ipv4_address"];
    expect(parse(file(bundle, "netbird/config.yaml.tmpl")).server.reverseProxy.trustedHTTPProxies).toEqual([`${traefik}/32`]);
    for (const svc of ["authentik-server", "authentik-worker"])
      expect(compose["services"][svc]["environment"]["AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS"].split(","), svc).toEqual(["127.0.0.0/8", "::1/128", `${traefik}/32`]);
    const other = renderBundle(config((v) => void (v.bifrost.dockerSubnet = "192.168.77.0/26")));
    expect(parse(file(other, "netbird/config.yaml.tmpl")).server.reverseProxy.trustedHTTPProxies).toEqual(["192.168.77.62/32"]);
  });

  it("drops forwarding timeouts only on NetBird's streaming routes (gRPC, relay), not on the API or public services", () => {
    const routers = dynamic["http"]["routers"] as Record<string, Obj>;
    const services = dynamic["http"]["services"] as Record<string, Obj>;
    const transports = dynamic["http"]["serversTransports"] as Record<string, Obj>;
    const unbounded = (name: string) => {
      // Traefik's own services (noop@internal) forward nowhere.
      if (name.endsWith("@internal")) return false;
      const t = transports[services[name]!["loadBalancer"]["serversTransport"]] ?? {};
      return Object.values(t["forwardingTimeouts"] ?? {}).some((v) => v === "0s" || v === 0);
    };
    const streaming = Object.entries(routers).filter(([, r]) => unbounded(r["service"])).map(([n]) => n).sort();
    expect(streaming).toEqual(["netbird-grpc", "netbird-relay"]);
    expect(routers["netbird-relay"]!["rule"]).toContain("PathPrefix(`/relay`)");
    expect(routers["netbird-api"]!["rule"]).toContain("PathPrefix(`/api`)");
  });

  it("sends HSTS for a year on every browser-facing router", () => {
    const routers = dynamic["http"]["routers"] as Record<string, Obj>;
    const hsts = dynamic["http"]["middlewares"]["security-headers"]["headers"];
    expect(hsts.stsSeconds).toBeGreaterThanOrEqual(31536000);
    for (const name of ["auth", "netbird-dashboard", "netbird-api", "uptime", ...c.publicServices.map((p) => `svc-${p.name}`)])
      expect(routers[name]!["middlewares"], name).toContain("security-headers");
  });

  it("keeps LAN addresses off the public status page", () => {
    const g = parse(file(bundle, "gatus/config.yaml"));
    const lan = parseCidr(c.network.subnet)!;
    const isLan = (host: string) => {
      const ip = parseIPv4(host.replace(/^\[|\]$/g, ""));
      return ip !== undefined && (cidrContains(lan, ip) || ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].some((r) => cidrContains(parseCidr(r)!, ip)));
    };
    const lanEndpoints = g.endpoints.filter((e: Obj) => isLan(new URL(e.url.replace(/^tcp:/, "http:")).hostname));
    expect(lanEndpoints.length).toBeGreaterThan(0);
    for (const e of lanEndpoints) expect(e.ui, e.name).toEqual({ "hide-hostname": true, "hide-url": true, "hide-port": true, "hide-errors": true });
    // Names, groups and the page title are shown as they are.
    const shown = JSON.stringify([g.ui, g.endpoints.map((e: Obj) => [e.name, e.group])]);
    expect(shown).not.toContain(c.network.ingressIp);
    expect(shown).not.toMatch(/\b10\.\d+\.\d+\.\d+\b/);
  });

  it("refuses a Docker subnet too small to keep Traefik's address apart", () => {
    expect(() => config((v) => void (v.bifrost.dockerSubnet = "172.30.0.0/28"))).toThrow(/bifrost\.dockerSubnet[\s\S]*\/27 or larger/);
  });
});

describe("secret env files", () => {
  it("single-quotes values so compose does not interpolate them", () => {
    expect(formatEnvFile({ A: "x$y", B: "p+q/=" })).toBe("A='x$y'\nB='p+q/='\n");
  });

  it("refuses a value that would break out of its quotes, without printing it", () => {
    expect(() => formatEnvFile({ TOKEN: "it's-secret" })).toThrow(/TOKEN/);
    expect(() => formatEnvFile({ TOKEN: "it's-secret" })).not.toThrow(/it's-secret/);
  });
});

describe("cloud-init", () => {
  const hostKey = {
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAExampleHostKey\n-----END OPENSSH PRIVATE KEY-----\n",
    publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleHostKey\n",
  };
  const args = { hostname: "bifrost", user: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ops@laptop", extraPackages: ["htop"], hostKey };

  it("is a #cloud-config document that parses as YAML with the expected modules", () => {
    const text = renderCloudInit({ ...args, docker: "distro" });
    expect(text.split("\n")[0]).toBe("#cloud-config");
    const doc = parse(text);
    expect(Object.keys(doc).sort()).toEqual(
      ["disable_root", "hostname", "package_update", "package_upgrade", "packages", "preserve_hostname", "runcmd", "ssh_deletekeys", "ssh_keys", "ssh_pwauth", "users", "write_files"].sort(),
    );
    // What the server is given, read back from the text (not compared with the builder that wrote it).
    expect(doc.hostname).toBe("bifrost");
    expect(doc.preserve_hostname).toBe(false);
    expect(doc.disable_root).toBe(true);
    expect(doc.ssh_pwauth).toBe(false);
    expect(doc.users).toEqual([expect.objectContaining({ name: "ops", lock_passwd: true, ssh_authorized_keys: [args.publicKey] })]);
    expect(doc.packages).toEqual(expect.arrayContaining(["htop"]));
    expect(doc.ssh_keys).toEqual({ ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey.trim() });
    expect((doc.write_files as Array<{ path: string }>).map((f) => f.path)).toEqual(expect.arrayContaining(["/etc/ssh/sshd_config.d/10-bifrost-hardening.conf"]));
  });

  it("installs Docker from Ubuntu's archive or from Docker's repository", () => {
    const distro = buildCloudConfig({ ...args, docker: "distro" });
    expect(distro.packages).toEqual(expect.arrayContaining(["docker.io", "docker-compose-v2", "unattended-upgrades", "gettext-base", "htop"]));
    expect(distro.apt).toBeUndefined();
    const upstream = buildCloudConfig({ ...args, docker: "upstream" });
    expect(upstream.packages).toEqual(expect.arrayContaining(["docker-ce", "docker-compose-plugin"]));
    expect(upstream.packages).not.toContain("docker.io");
    expect(upstream.apt?.sources["docker"]?.source).toContain("https://download.docker.com/linux/ubuntu");
  });

  it("creates a non-root sudo user that logs in by key only", () => {
    const [user] = buildCloudConfig({ ...args, docker: "distro" }).users;
    expect(user).toMatchObject({ name: "ops", lock_passwd: true, groups: ["sudo"], ssh_authorized_keys: [args.publicKey] });
  });

  it("hardens SSH: no passwords, no root, through an sshd_config.d drop-in", () => {
    const doc = buildCloudConfig({ ...args, docker: "distro" });
    expect(doc.ssh_pwauth).toBe(false);
    expect(doc.disable_root).toBe(true);
    const dropIn = doc.write_files.find((f) => f.path.startsWith("/etc/ssh/sshd_config.d/"));
    expect(dropIn?.content).toMatch(/^PasswordAuthentication no$/m);
    expect(dropIn?.content).toMatch(/^PermitRootLogin no$/m);
    expect(dropIn?.content).toMatch(/^KbdInteractiveAuthentication no$/m);
    expect(doc.runcmd).toContainEqual(["systemctl", "try-reload-or-restart", "ssh"]);
  });

  it("installs the stack's host key in place of the image's keys, so the key Pulumi pins is the only one", () => {
    const doc = buildCloudConfig({ ...args, docker: "distro" });
    expect(doc.ssh_deletekeys).toBe(true);
    expect(doc.ssh_keys).toEqual({ ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey.trim() });
    // A multi-line private key survives the YAML round trip byte for byte.
    expect(parse(renderCloudInit({ ...args, docker: "distro" })).ssh_keys.ed25519_private).toBe(hostKey.privateKey);
  });

  it("lets only the admin user log in over SSH (sshd AllowUsers)", () => {
    const dropIn = buildCloudConfig({ ...args, user: "alice", docker: "distro" }).write_files.find((f) => f.path.startsWith("/etc/ssh/sshd_config.d/"));
    expect(dropIn?.content.match(/^AllowUsers .*$/gm)).toEqual(["AllowUsers alice"]);
  });

  it("turns on unattended security upgrades", () => {
    const doc = buildCloudConfig({ ...args, docker: "distro" });
    const auto = doc.write_files.find((f) => f.path === "/etc/apt/apt.conf.d/20auto-upgrades");
    expect(auto?.content).toContain('APT::Periodic::Unattended-Upgrade "1";');
    expect(doc.write_files.map((f) => f.content).join("")).toContain("-security");
    expect(doc.runcmd).toContainEqual(["systemctl", "enable", "--now", "unattended-upgrades"]);
  });
});
