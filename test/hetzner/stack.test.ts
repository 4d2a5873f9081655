import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatConfigPath } from "../../core/config/errors";
import type { CapturedResource } from "../../core/render/harness";
import { STACK_REFERENCE_OUTPUTS } from "../../core/render/mocks/pulumi";
import { placeholderSecrets, SECRETS, type SecretName } from "../../core/secrets";
import { render, renderConfigError, renderMissingSecrets, type PlanView, nonEmpty } from "../helpers/plan";

const T = {
  provider: "pulumi:providers:hcloud",
  sshKey: "hcloud:index/sshKey:SshKey",
  primaryIp: "hcloud:index/primaryIp:PrimaryIp",
  firewall: "hcloud:index/firewall:Firewall",
  server: "hcloud:index/server:Server",
  volume: "hcloud:index/volume:Volume",
  command: "command:remote:Command",
  copy: "command:remote:CopyToRemote",
} as const;

type Obj = Record<string, any>;
const values = (r: CapturedResource): Obj => r.values as Obj;
type Rule = { direction: string; protocol: string; port?: string; sourceIps: string[]; description: string };
const rulesOf = (plan: PlanView): Rule[] => values(plan.one("bifrost-firewall", T.firewall))["rules"];
const sshRule = (plan: PlanView) => rulesOf(plan).find((r) => r.protocol === "tcp" && r.port === "22");

/** Every secret of the hetzner stack set to a value that cannot occur by chance. */
function canaryEnv(tag = ""): Record<SecretName, string> {
  const env = placeholderSecrets();
  for (const name of Object.keys(env) as SecretName[]) env[name] = `CANARY${tag}x${name.toLowerCase().replace(/_/g, "")}x9Q`;
  return env;
}

/** Text of every file the plan ships to the VPS or hands to cloud-init. */
function renderedFiles(plan: PlanView): Array<{ name: string; text: string }> {
  return [
    ...plan.ofType(T.copy).map((r) => ({ name: r.name, text: String(values(r)["source"]["text"]) })),
    { name: "userData", text: String(values(plan.one("bifrost-server", T.server))["userData"]) },
  ];
}

describe("hetzner stack (committed example)", () => {
  let plan: PlanView;
  beforeAll(async () => {
    plan = await render("hetzner");
  });

  it("configures the hcloud provider with the token as a secret", () => {
    const provider = plan.one("hcloud", T.provider);
    expect(plan.isSecretInput(provider, "token")).toBe(true);
    expect(values(provider)["token"]).toBe(placeholderSecrets().HCLOUD_TOKEN);
    for (const r of [...plan.ofType(T.server), ...plan.ofType(T.primaryIp), ...plan.ofType(T.firewall), ...plan.ofType(T.sshKey)])
      expect(r.provider, r.name).toBe(provider.urn);
  });

  it("registers the admin public key from config", () => {
    const key = plan.one("bifrost-ssh-key", T.sshKey);
    expect(values(key)["publicKey"]).toMatch(/^ssh-ed25519 /);
    expect(values(plan.one("bifrost-server", T.server))["sshKeys"]).toHaveLength(1);
    expect(plan.invokes("hcloud:index/getSshKey:getSshKey")).toHaveLength(0);
  });

  it("keeps IPv4 and IPv6 as protected primary IPs that are not deleted with the server", () => {
    const ips = plan.ofType(T.primaryIp);
    expect(ips.map((ip) => values(ip)["type"]).sort()).toEqual(["ipv4", "ipv6"]);
    for (const ip of ips) {
      expect(ip.protect, ip.name).toBe(true);
      expect(values(ip)).toMatchObject({ autoDelete: false, assigneeType: "server", deleteProtection: true, location: "fsn1" });
    }
  });

  it("attaches the primary IPs and the firewall to the server", () => {
    const server = plan.one("bifrost-server", T.server);
    const [net] = values(server)["publicNets"];
    expect(net).toMatchObject({ ipv4Enabled: true, ipv6Enabled: true });
    expect(typeof net.ipv4).toBe("number");
    expect(typeof net.ipv6).toBe("number");
    expect(plan.dependsOn(server, plan.one("bifrost-ipv4", T.primaryIp))).toBe(true);
    expect(plan.dependsOn(server, plan.one("bifrost-ipv6", T.primaryIp))).toBe(true);
    expect(plan.dependsOn(server, plan.one("bifrost-firewall", T.firewall))).toBe(true);
    expect(values(server)["firewallIds"]).toHaveLength(1);
  });

  it("protects the server from deletion and rebuild, with type, image, location and labels from config", () => {
    expect(values(plan.one("bifrost-server", T.server))).toMatchObject({
      deleteProtection: true,
      rebuildProtection: true,
      serverType: "cx23",
      image: "ubuntu-24.04",
      location: "fsn1",
      labels: { role: "edge", "managed-by": "pulumi", env: "homelab" },
    });
  });

  it("opens 80 and 443 to the world, each rule described", () => {
    const rules = rulesOf(plan);
    for (const port of ["80", "443"])
      expect(rules.find((r) => r.protocol === "tcp" && r.port === port)?.sourceIps).toEqual(["0.0.0.0/0", "::/0"]);
    for (const r of rules) {
      expect(r.direction).toBe("in");
      expect(r.description.length, JSON.stringify(r)).toBeGreaterThan(10);
    }
  });

  it("opens SSH only to the configured admin CIDRs", () => {
    expect(sshRule(plan)?.sourceIps).toEqual(["198.51.100.23/32", "2001:db8:77::/48"]);
    for (const r of rulesOf(plan).filter((x) => x.port === "22")) expect(r.sourceIps).not.toContain("0.0.0.0/0");
  });

  it("opens NetBird STUN and the routing peer's WireGuard port over UDP", () => {
    const udp = rulesOf(plan).filter((r) => r.protocol === "udp").map((r) => r.port);
    expect(udp).toEqual(["3478", "51820"]);
  });

  it("passes cloud-init user data that creates the admin user with the registered key", () => {
    const server = plan.one("bifrost-server", T.server);
    const userData = String(values(server)["userData"]);
    expect(userData.startsWith("#cloud-config\n")).toBe(true);
    const doc = parse(userData);
    expect(doc.users[0].name).toBe("ops");
    expect(doc.users[0].ssh_authorized_keys).toEqual([values(plan.one("bifrost-ssh-key", T.sshKey))["publicKey"]]);
  });

  it("connects over SSH to the primary IPv4 as the admin user with the private key as a secret", async () => {
    const ipv4 = plan.output("ipv4");
    for (const r of [...plan.ofType(T.command), ...plan.ofType(T.copy)]) {
      expect(values(r)["connection"], r.name).toMatchObject({ host: ipv4, user: "ops", privateKey: placeholderSecrets().BIFROST_SSH_PRIVATE_KEY });
      expect(plan.isSecretInput(r, "connection.privateKey"), r.name).toBe(true);
    }
  });

  it("pins bifrost's generated host key on every SSH connection, and hands the same key to cloud-init", () => {
    const key = plan.one("bifrost-host-key", "tls:index/privateKey:PrivateKey");
    expect(values(key)["algorithm"]).toBe("ED25519");
    const server = plan.one("bifrost-server", T.server);
    const doc = parse(String(values(server)["userData"]));
    const publicKey = String(plan.output("sshHostKey"));
    expect(publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/);
    expect(doc.ssh_keys.ed25519_public).toBe(publicKey);
    expect(doc.ssh_keys.ed25519_private).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    // The private host key makes the whole user data secret.
    expect(plan.isSecretInput(server, "userData")).toBe(true);
    const connections = [...plan.ofType(T.command), ...plan.ofType(T.copy)];
    expect(connections.length).toBeGreaterThan(5);
    for (const r of connections) expect(values(r)["connection"]["hostKey"], r.name).toBe(publicKey);
  });

  it("copies every bundle file from memory into the bundle directory", () => {
    const copies = plan.ofType(T.copy);
    expect(copies.map((c) => values(c)["remotePath"]).sort()).toEqual([
      "/opt/bifrost/bootstrap.env",
      "/opt/bifrost/bootstrap.sh",
      "/opt/bifrost/compose.yaml",
      "/opt/bifrost/gatus/config.yaml",
      "/opt/bifrost/netbird/config.yaml.tmpl",
      "/opt/bifrost/netbird/lan-path.json",
      "/opt/bifrost/netbird/netbird-lan.py",
      "/opt/bifrost/traefik/dynamic/bifrost.yaml",
      "/opt/bifrost/traefik/traefik.yaml",
    ]);
    for (const c of copies) {
      expect(values(c)["source"]["$asset"], c.name).toBe("text");
      expect(plan.dependsOn(c, plan.one("bifrost-bundle-prepare", T.command)), c.name).toBe(true);
    }
  });

  it("writes each secret env file with mode 0600 from stdin that is a Pulumi secret", () => {
    const envs = plan.ofType(T.command).filter((c) => c.name.startsWith("bifrost-bundle-env-"));
    expect(envs.map((e) => e.name).sort()).toEqual([
      "bifrost-bundle-env-authentik-env",
      "bifrost-bundle-env-netbird-api-env",
      "bifrost-bundle-env-netbird-server-env",
      "bifrost-bundle-env-postgres-env",
    ]);
    for (const e of envs) {
      expect(plan.isSecretInput(e, "stdin"), e.name).toBe(true);
      const script = String(values(e)["create"]);
      expect(script).toContain("chmod 0600");
      expect(script).toMatch(/tee "\$tmp"/);
      expect(script).not.toContain("placeholder-");
    }
    expect(values(plan.one("bifrost-bundle-env-postgres-env", T.command))["stdin"]).toBe(
      `POSTGRES_PASSWORD='${placeholderSecrets().AUTHENTIK_POSTGRES_PASSWORD}'\n`,
    );
  });

  it("runs bootstrap.sh after every file and env file is in place, with a secret trigger", () => {
    const bootstrap = plan.one("bifrost-bundle-bootstrap", T.command);
    expect(values(bootstrap)["create"]).toMatch(/BIFROST_STATE_DEVICE=\/dev\/disk\/by-id\/scsi-0HC_Volume_\d+ /);
    expect(plan.dependsOn(bootstrap, plan.one("bifrost-state", T.volume))).toBe(true);
    for (const r of [...plan.ofType(T.copy), ...plan.ofType(T.command).filter((c) => c.name.startsWith("bifrost-bundle-env-"))])
      expect(plan.dependsOn(bootstrap, r), r.name).toBe(true);
    const triggers = values(bootstrap)["triggers"];
    expect(triggers[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(triggers[1]).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.isSecretInput(bootstrap, "triggers[1]")).toBe(true);
    expect(plan.isSecretInput(bootstrap, "triggers[0]")).toBe(false);
  });

  it("exports ipv4, ipv6, server id and the public hostnames, none of them secret", () => {
    expect(plan.output("ipv4")).toMatch(/^203\.0\.113\.\d+$/);
    expect(plan.output("ipv6")).toMatch(/^2001:db8:[0-9a-f]+::1$/);
    expect(plan.output("serverId")).toMatch(/^\d+$/);
    expect(plan.output("hostnames")).toEqual([
      "auth.lab.example.com",
      "netbird.lab.example.com",
      "status.lab.example.com",
      "grafana.lab.example.com",
      "immich.lab.example.com",
      "jellyfin.lab.example.com",
    ]);
    for (const key of ["ipv4", "ipv6", "serverId", "hostnames", "sshHostKey"]) expect(plan.isSecretOutput(key), key).toBe(false);
  });

  it("generates Authentik's bootstrap password and token and hands both to server and worker over stdin", () => {
    const types = plan.ofType("random:index/randomPassword:RandomPassword").map((r) => r.name).sort();
    expect(types).toEqual(["bifrost-credentials-authentik-bootstrap-password", "bifrost-credentials-authentik-bootstrap-token", "bifrost-credentials-netbird-owner-password"]);
    const env = plan.one("bifrost-bundle-env-authentik-env", T.command);
    expect(plan.isSecretInput(env, "stdin")).toBe(true);
    const stdin = String(values(env)["stdin"]);
    const password = String(plan.output("authentikBootstrapPassword"));
    const token = String(plan.output("authentikBootstrapToken"));
    expect(password).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(stdin).toContain(`AUTHENTIK_BOOTSTRAP_PASSWORD='${password}'\n`);
    expect(stdin).toContain(`AUTHENTIK_BOOTSTRAP_TOKEN='${token}'\n`);
    // The blueprint that reads them runs in the worker; both containers load the same file.
    const compose = parse(String(values(plan.one("bifrost-bundle-file-compose-yaml", T.copy))["source"]["text"]));
    for (const svc of ["authentik-server", "authentik-worker"]) expect(compose.services[svc].env_file, svc).toEqual(["./secrets/authentik.env"]);
  });

  it("sends the NetBird owner's generated password only in its own secret env file, for the setup call", () => {
    const template = parse(String(values(plan.one("bifrost-bundle-file-netbird-config-yaml-tmpl", T.copy))["source"]["text"]));
    expect(template.server.auth.owner).toBeUndefined();
    const env = plan.one("bifrost-bundle-env-netbird-api-env", T.command);
    expect(plan.isSecretInput(env, "stdin")).toBe(true);
    const password = String(plan.output("netbirdOwnerPassword"));
    expect(password).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(values(env)["stdin"]).toBe(`NETBIRD_OWNER_PASSWORD='${password}'\n`);
    // Nowhere else: no other input carries it.
    const elsewhere = plan.resources.filter((r) => r !== env).map((r) => JSON.stringify(r.inputs)).join("");
    expect(elsewhere.includes(password)).toBe(false);
    expect(plan.output("netbirdOwnerEmail")).toBe("ops@example.com");
  });

  it("reads the LAN router's setup key back from bifrost as a secret, after the bootstrap made it, and never logs it", () => {
    const read = plan.one("bifrost-bundle-netbird-lan-key", T.command);
    expect(values(read)["create"]).toContain("sudo cat /mnt/bifrost-state/netbird-api/lan-router.setup-key");
    expect(values(read)["logging"]).toBe("stderr");
    expect(read.additionalSecretOutputs).toContain("stdout");
    expect(plan.dependsOn(read, plan.one("bifrost-bundle-bootstrap", T.command))).toBe(true);
    // Re-read whenever the bootstrap runs again.
    expect(values(read)["triggers"]).toEqual(values(plan.one("bifrost-bundle-bootstrap", T.command))["triggers"]);
    expect(plan.isSecretOutput("netbirdLanSetupKey")).toBe(true);
  });

  it("exports the generated credentials only as secret outputs", () => {
    for (const key of ["authentikBootstrapPassword", "authentikBootstrapToken", "netbirdOwnerPassword"]) expect(plan.isSecretOutput(key), key).toBe(true);
    expect(plan.isSecretOutput("netbirdOwnerEmail")).toBe(false);
  });

  it("matches the example outputs other stacks read through their stack reference", () => {
    const mock = STACK_REFERENCE_OUTPUTS["hetzner"]!;
    expect(Object.keys(mock.outputs).sort()).toEqual(Object.keys(plan.plan.outputs).sort());
    expect(mock.outputs["hostnames"]).toEqual(plan.output("hostnames"));
    expect([...mock.secret].sort()).toEqual(Object.keys(plan.plan.outputs).filter((k) => plan.isSecretOutput(k)).sort());
  });
});

describe("hetzner rebuild: state on a volume, replacement in one up", () => {
  let plan: PlanView;
  beforeAll(async () => {
    plan = await render("hetzner");
  });

  it("keeps state on a protected volume attached to the server, formatted once, mounted by bootstrap.sh", () => {
    const volume = plan.one("bifrost-state", T.volume);
    expect(volume.protect).toBe(true);
    expect(values(volume)).toMatchObject({ name: "bifrost-state", size: 10, format: "ext4", automount: false, deleteProtection: true });
    // Attached by the volume's own server_id: the volume takes the server's
    // location and is re-attached in place when the server is replaced.
    expect(values(volume)["location"]).toBeUndefined();
    expect(typeof values(volume)["serverId"]).toBe("number");
    expect(volume.propertyDependencies["serverId"]).toEqual([plan.one("bifrost-server", T.server).urn]);
    expect(plan.ofType("hcloud:index/volumeAttachment:VolumeAttachment")).toHaveLength(0);
  });

  it("replaces server and SSH key delete-first, so names and primary IPs never collide", () => {
    expect(plan.one("bifrost-server", T.server).deleteBeforeReplace).toBe(true);
    expect(plan.one("bifrost-ssh-key", T.sshKey).deleteBeforeReplace).toBe(true);
    expect(values(plan.one("bifrost-server", T.server))["shutdownBeforeDeletion"]).toBe(true);
  });

  it("protects the server by default (Pulumi refuses the replacement at preview, Hetzner refuses deletes)", () => {
    const server = plan.one("bifrost-server", T.server);
    expect(server.protect).toBe(true);
    expect(values(server)).toMatchObject({ deleteProtection: true, rebuildProtection: true, backups: false });
  });

  it("lifts only the server's protection with allowReplace; volume, IPs and firewall stay as they are", async () => {
    const open = await render("hetzner", { config: (c) => void (c.hcloud.allowReplace = true) });
    const server = open.one("bifrost-server", T.server);
    expect(server.protect).toBe(false);
    expect(values(server)).toMatchObject({ deleteProtection: false, rebuildProtection: false });
    expect(open.one("bifrost-state", T.volume).protect).toBe(true);
    expect(values(open.one("bifrost-state", T.volume))["deleteProtection"]).toBe(true);
    for (const ip of nonEmpty(open.ofType(T.primaryIp))) expect(ip.protect, ip.name).toBe(true);
    // Nothing else changes: same resources, same firewall inputs.
    expect(open.resources.map((r) => r.urn)).toEqual(plan.resources.map((r) => r.urn));
    expect(values(open.one("bifrost-firewall", T.firewall))).toEqual(values(plan.one("bifrost-firewall", T.firewall)));
  });

  it("orders the replacement: firewall and IPs before the new server, the volume re-attached after it, bootstrap last", () => {
    const server = plan.one("bifrost-server", T.server);
    const volume = plan.one("bifrost-state", T.volume);
    const bootstrap = plan.one("bifrost-bundle-bootstrap", T.command);
    for (const kept of [plan.one("bifrost-firewall", T.firewall), plan.one("bifrost-ipv4", T.primaryIp), plan.one("bifrost-ipv6", T.primaryIp)]) {
      expect(plan.dependsOn(server, kept), kept.name).toBe(true);
      // Kept resources do not depend on the server, so its replacement leaves them alone.
      expect(plan.dependsOn(kept, server), kept.name).toBe(false);
    }
    expect(plan.dependsOn(volume, server)).toBe(true);
    expect(plan.dependsOn(bootstrap, volume)).toBe(true);
    // Every remote step re-runs on a new server (its id is a trigger).
    for (const c of nonEmpty(plan.ofType(T.command))) expect(JSON.stringify(values(c)["triggers"]), c.name).toContain(plan.output("serverId") as string);
  });

  it("turns on Hetzner's server backups from config", async () => {
    const withBackups = await render("hetzner", { config: (c) => void (c.hcloud.backups = true) });
    expect(values(withBackups.one("bifrost-server", T.server))["backups"]).toBe(true);
  });
});

describe("hetzner secrets", () => {
  let canary: PlanView;
  beforeAll(async () => {
    canary = await render("hetzner", { env: canaryEnv() });
  });

  it("never puts a secret value into a rendered file or cloud-init", () => {
    const canaries = Object.values(canaryEnv());
    const files = renderedFiles(canary);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) for (const c of canaries) expect(f.text.includes(c), `${c} in ${f.name}`).toBe(false);
    // Nor a generated credential.
    const generated = ["authentikBootstrapPassword", "authentikBootstrapToken", "netbirdOwnerPassword"].map((k) => String(canary.output(k)));
    for (const f of files) for (const c of generated) expect(f.text.includes(c), `generated secret in ${f.name}`).toBe(false);
  });

  it("keeps every secret value behind a secret marker in every input", () => {
    const canaries = Object.values(canaryEnv());
    const printed = JSON.stringify(canary.resources.map((r) => r.inputs));
    for (const c of canaries) expect(printed.includes(c), c).toBe(false);
    // …while the secrets do reach the VPS through the env-file commands.
    const stdin = canary.ofType(T.command).map((r) => String(values(r)["stdin"] ?? "")).join("");
    for (const name of ["AUTHENTIK_SECRET_KEY", "AUTHENTIK_POSTGRES_PASSWORD", "NETBIRD_RELAY_SECRET", "NETBIRD_DATASTORE_ENCRYPTION_KEY"] as const)
      expect(stdin, name).toContain(canaryEnv()[name]);
  });

  it("changes the bootstrap trigger when a secret changes, and only its secret part", async () => {
    const changed = await render("hetzner", { env: { ...canaryEnv(), NETBIRD_RELAY_SECRET: "rotated-relay-secret" } });
    const before = values(canary.one("bifrost-bundle-bootstrap", T.command))["triggers"];
    const after = values(changed.one("bifrost-bundle-bootstrap", T.command))["triggers"];
    expect(after[1]).not.toBe(before[1]);
    expect(after[0]).toBe(before[0]);
    expect(JSON.stringify(after)).not.toContain("rotated-relay-secret");
    expect(values(changed.one("bifrost-bundle-env-netbird-server-env", T.command))["stdin"]).toContain("rotated-relay-secret");
  });

  it("sends no Cloudflare token to bifrost and does not even read one", () => {
    const stdin = canary.ofType(T.command).map((r) => String(values(r)["stdin"] ?? "")).join("");
    expect(stdin).not.toContain(canaryEnv().CLOUDFLARE_API_TOKEN);
    expect(stdin).not.toContain(canaryEnv().CLOUDFLARE_DNS01_API_TOKEN);
    expect(SECRETS.CLOUDFLARE_API_TOKEN.stacks).toEqual(["cloudflare"]);
    expect(SECRETS.CLOUDFLARE_DNS01_API_TOKEN.stacks).toEqual(["platform"]);
  });

  it("asks for no NetBird setup key: the bootstrap makes both (bifrost's and the LAN router's)", () => {
    expect(Object.keys(SECRETS).filter((k) => /SETUP_KEY/.test(k))).toEqual([]);
    expect(canary.plan.secretOutputs).toContain("netbirdLanSetupKey");
  });
});

describe("hetzner config variants", () => {
  it("looks up an existing Hetzner key by name instead of registering one", async () => {
    const plan = await render("hetzner", {
      config: (c) => {
        delete c.ssh.publicKey;
        c.ssh.existingKeyName = "laptop";
      },
    });
    expect(plan.ofType(T.sshKey)).toHaveLength(0);
    expect(plan.invokes("hcloud:index/getSshKey:getSshKey").map((i) => (i.args as Obj)["name"])).toEqual(["laptop"]);
    const server = values(plan.one("bifrost-server", T.server));
    expect(server["sshKeys"]).toEqual([expect.stringMatching(/^\d+$/)]);
    expect(parse(String(server["userData"])).users[0].ssh_authorized_keys[0]).toMatch(/^ssh-ed25519 .* laptop$/);
  });

  it("closes SSH when no admin CIDRs are set (delivery off), and opens a configured TURN range without the agent", async () => {
    const plan = await render("hetzner", {
      config: (c) => {
        c.firewall.adminCidrs = [];
        c.bifrost.deliver = false;
        c.netbird.agent = false;
        c.netbird.relayPortRange = { from: 49152, to: 65535 };
      },
    });
    expect(sshRule(plan)).toBeUndefined();
    expect(rulesOf(plan).find((r) => r.port === "49152-65535")).toMatchObject({ protocol: "udp", sourceIps: ["0.0.0.0/0", "::/0"] });
    expect(plan.ofType(T.command)).toHaveLength(0);
    expect(plan.ofType(T.copy)).toHaveLength(0);
    expect(plan.output("ipv4")).toMatch(/^203\.0\.113\./);
  });

  it("refuses to deliver over SSH that the firewall closes", async () => {
    const err = await renderConfigError("hetzner", { config: (c) => void (c.firewall.adminCidrs = []) });
    expect(err.issues.map((i) => formatConfigPath(i.path))).toEqual(["homelab:firewall.adminCidrs"]);
    expect(err.message).toContain("homelab:bifrost.deliver: false");
  });

  it("leaves the agent and its setup key out when the agent is off", async () => {
    const plan = await render("hetzner", { config: (c) => void (c.netbird.agent = false) });
    const lan = JSON.parse(String(values(plan.one("bifrost-bundle-file-netbird-lan-path-json", T.copy))["source"]["text"]));
    expect(lan.agentSetupKey).toBeNull();
    expect(parse(String(values(plan.one("bifrost-bundle-file-compose-yaml", T.copy))["source"]["text"])).services["netbird-agent"]).toBeUndefined();
    expect(plan.find("bifrost-bundle-env-postgres-env")).toBeDefined();
    expect(rulesOf(plan).filter((r) => r.protocol === "udp").map((r) => r.port)).toEqual(["3478"]);
  });

  it("rejects SSH from the whole internet unless the override is set", async () => {
    const err = await renderConfigError("hetzner", { config: (c) => void c.firewall.adminCidrs.push("0.0.0.0/0", "::/0") });
    expect(err.issues.map((i) => formatConfigPath(i.path))).toEqual(["homelab:firewall.adminCidrs[2]", "homelab:firewall.adminCidrs[3]"]);
    expect(err.message).toContain("allowSshFromAnywhere");

    const plan = await render("hetzner", {
      config: (c) => {
        c.firewall.adminCidrs = ["0.0.0.0/0"];
        c.firewall.allowSshFromAnywhere = true;
      },
    });
    expect(sshRule(plan)?.sourceIps).toEqual(["0.0.0.0/0"]);
  });

  it("decides SSH sources by arithmetic: other spellings, mapped forms and unions of the world are refused too", async () => {
    const err = await renderConfigError("hetzner", { config: (c) => void (c.firewall.adminCidrs = ["0.0.0.0/1", "128.0.0.0/1", "0:0:0::0/0", "::ffff:0.0.0.0/96"]) });
    expect(err.issues.map((i) => formatConfigPath(i.path))).toEqual([
      "homelab:firewall.adminCidrs[0]",
      "homelab:firewall.adminCidrs[1]",
      "homelab:firewall.adminCidrs[2]",
      "homelab:firewall.adminCidrs[3]",
    ]);
    const union = await renderConfigError("hetzner", { config: (c) => void (c.firewall.adminCidrs = ["10.0.0.0/8", "11.0.0.0/8"]) });
    expect(union.issues.map((i) => formatConfigPath(i.path))).toEqual(["homelab:firewall.adminCidrs"]);
    expect(union.message).toContain("more IPv4 addresses than a /8");
    expect(union.message).toContain("allowSshFromAnywhere");
  });

  it("lists every hetzner config problem in one error", async () => {
    const err = await renderConfigError("hetzner", {
      config: (c) => {
        c.ssh.existingKeyName = "also-set";
        c.ssh.user = "root";
        c.hcloud.image = "debian-12";
        c.firewall.adminCidrs = ["198.51.100.0/24", "198.51.100.0/24", "not-a-cidr"];
        c.netbird.stunPorts = [3478, 51820];
        c.netbird.relayPortRange = { from: 50000, to: 40000 };
        c.bifrost.images.traefik = "traefik:latest";
        c.bifrost.acmeEmail = "nope";
      },
    });
    const paths = err.issues.map((i) => formatConfigPath(i.path));
    expect(paths).toEqual(
      expect.arrayContaining([
        "homelab:ssh",
        "homelab:ssh.user",
        "homelab:hcloud.image",
        "homelab:firewall.adminCidrs[2]",
        "homelab:netbird.relayPortRange",
        "homelab:bifrost.images.traefik",
        "homelab:bifrost.acmeEmail",
      ]),
    );
  });

  it("catches duplicate admin CIDRs and UDP port clashes in the cross-field rules", async () => {
    const err = await renderConfigError("hetzner", {
      config: (c) => {
        c.firewall.adminCidrs = ["198.51.100.0/24", "198.51.100.0/24"];
        c.netbird.stunPorts = [3478, 51820];
        c.netbird.relayPortRange = { from: 3000, to: 4000 };
      },
    });
    expect(err.issues.map((i) => formatConfigPath(i.path)).sort()).toEqual([
      "homelab:firewall.adminCidrs[1]",
      "homelab:netbird.peerPort",
      "homelab:netbird.relayPortRange",
    ]);
  });
});
