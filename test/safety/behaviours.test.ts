/**
 * Behaviours that a reviewer broke on purpose without any test noticing
 * (mutation testing): each test states the property a user relies on and
 * checks it on rendered plans, so it fails when the code that provides it is
 * removed, however the code is written.
 *
 *  - upgrading or rolling back Talos in config leaves the cluster PKI alone;
 *  - reordering the control planes does not touch the bootstrap;
 *  - SSH on bifrost admits only the configured admin user;
 *  - every browser-facing hostname on bifrost sends HSTS.
 */
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { CapturedResource } from "../../core/render/harness";
import type { Json } from "../../core/render/wire";
import { render, type ConfigValues, type PlanView } from "../helpers/plan";

/** Top-level inputs whose values differ between two renders of the same resource. */
function changedInputs(before: CapturedResource, after: CapturedResource): string[] {
  const keys = new Set([...Object.keys(before.values), ...Object.keys(after.values)]);
  return [...keys].filter((k) => JSON.stringify(before.values[k] ?? null) !== JSON.stringify(after.values[k] ?? null)).sort();
}

describe("Talos cluster identity survives config changes", () => {
  let example: Promise<PlanView> | undefined;
  /** The example render, shared by the tests below (a talos render costs about a second). */
  const base = () => (example ??= render("talos"));
  const SECRETS = "talos:machine/secrets:Secrets";
  const BOOTSTRAP = "talos:machine/bootstrap:Bootstrap";

  /**
   * siderolabs/terraform-provider-talos pkg/talos/talos_machine_secrets_resource.go
   * (talosMachineFeaturesVersionPlanModifier): an unset talos_version is
   * filled with the provider's own Talos minor, and a talos_version lower than
   * the state's requires replacement, i.e. a new cluster PKI that no node
   * trusts. So the secrets must take no version from config (a rollback of
   * homelab:talos.version would replace them) and must ignore the one the
   * provider fills in (an older provider would).
   */
  it("a Talos version change in config, or an older provider default, never reaches the machine secrets", async () => {
    const rolledBack = await render("talos", {
      config: (c: ConfigValues) => {
        c["talos"] = { ...c["talos"], version: "v1.13.0" };
      },
    });
    const [before] = (await base()).ofType(SECRETS);
    const [after] = rolledBack.ofType(SECRETS);
    expect(before && after, "one machine secrets resource in each render").toBeTruthy();
    // The rollback does reach the rest of the cluster (else this proves nothing) …
    const values = (p: PlanView) => JSON.stringify(p.resources.map((r) => r.values));
    expect(values(rolledBack)).not.toBe(values(await base()));
    // … but no input of the secrets changes, and the provider-filled version is ignored.
    expect(changedInputs(before!, after!), "inputs that would update or replace the cluster PKI").toEqual([]);
    expect(after!.ignoreChanges, "the version the provider fills in must not count as a change").toContain("talosVersion");
    expect(after!.protect).toBe(true);
  });

  /** Bootstrapping runs etcd's first member once per cluster life; a new node/endpoint must not start it again. */
  it("reordering the control planes changes no input of the bootstrap that Pulumi would diff", async () => {
    const reordered = await render("talos", {
      config: (c: ConfigValues) => {
        const nodes = c["nodes"] as Array<{ role: string }>;
        const planes = nodes.filter((n) => n.role === "controlplane");
        expect(planes.length, "the example has several control planes to reorder").toBeGreaterThan(1);
        c["nodes"] = [...planes.slice(1), planes[0]!, ...nodes.filter((n) => n.role !== "controlplane")];
      },
    });
    const [before] = (await base()).ofType(BOOTSTRAP);
    const [after] = reordered.ofType(BOOTSTRAP);
    expect(before && after, "one bootstrap in each render").toBeTruthy();
    const changed = changedInputs(before!, after!);
    expect(changed, "the first control plane's address reaches the bootstrap").toEqual(expect.arrayContaining(["node"]));
    expect(changed.filter((k) => !after!.ignoreChanges.includes(k)), "inputs that would redo or update the bootstrap").toEqual([]);
  });
});

// ---------------------------------------------------------------------------

interface CloudConfig {
  readonly users?: Array<{ name: string }>;
  readonly write_files?: Array<{ path: string; content: string }>;
}

function cloudConfig(plan: PlanView): CloudConfig {
  const servers = plan.ofType("hcloud:index/server:Server");
  expect(servers.length).toBe(1);
  const userData = servers[0]!.values["userData"];
  expect(typeof userData).toBe("string");
  expect(String(userData).startsWith("#cloud-config\n")).toBe(true);
  return parse(String(userData)) as CloudConfig;
}

/**
 * sshd's effective settings from the drop-ins cloud-init writes: sshd_config(5)
 * "for each keyword, the first obtained value will be used", and Ubuntu's
 * sshd_config includes /etc/ssh/sshd_config.d/*.conf (in name order) before
 * its own settings, so the first drop-in to set a keyword decides it.
 */
function sshdSettings(config: CloudConfig): Map<string, string> {
  const dropIns = (config.write_files ?? []).filter((f) => /^\/etc\/ssh\/sshd_config\.d\/[^/]+\.conf$/.test(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  expect(dropIns.length, "cloud-init writes an sshd drop-in").toBeGreaterThan(0);
  // Ubuntu cloud images' own drop-in (PasswordAuthentication from cloud-init) must come after ours.
  for (const f of dropIns) expect(f.path.split("/").pop()! < "50-cloud-init.conf", `${f.path} sorts before 50-cloud-init.conf`).toBe(true);
  const settings = new Map<string, string>();
  for (const f of dropIns)
    for (const line of f.content.split("\n")) {
      const m = /^\s*([A-Za-z]+)\s+(.+?)\s*$/.exec(line);
      if (!m || line.trim().startsWith("#")) continue;
      const key = m[1]!.toLowerCase();
      if (!settings.has(key)) settings.set(key, m[2]!);
    }
  return settings;
}

let hetznerExample: Promise<PlanView> | undefined;
/** The example hetzner render (admin user ops), shared by the tests below. */
const hetzner = () => (hetznerExample ??= render("hetzner"));

describe("SSH on bifrost", () => {
  it.each([["ops"], ["deploy"]])("admits only the configured admin user (%s), by key, never root", async (user) => {
    const example = await hetzner();
    expect(cloudConfig(example).users?.map((u) => u.name), "the example's admin user").toContain("ops");
    const plan =
      user === "ops"
        ? example
        : await render("hetzner", {
            config: (c: ConfigValues) => {
              c["ssh"] = { ...c["ssh"], user };
            },
          });
    const config = cloudConfig(plan);
    expect(config.users?.map((u) => u.name)).toContain(user);
    const sshd = sshdSettings(config);
    expect(sshd.get("allowusers")?.split(/\s+/), "AllowUsers limits logins to the admin user").toEqual([user]);
    expect(sshd.get("permitrootlogin")).toBe("no");
    expect(sshd.get("passwordauthentication")).toBe("no");
    expect(sshd.get("kbdinteractiveauthentication")).toBe("no");
  });
});

// ---------------------------------------------------------------------------

/** A file bifrost receives, parsed: the CopyToRemote whose remotePath ends with `suffix`. */
function deliveredYaml(plan: PlanView, suffix: string): Record<string, Json> {
  const copies = plan.ofType("command:remote:CopyToRemote").filter((r) => String(r.values["remotePath"]).endsWith(suffix));
  expect(copies.length, `one file ${suffix} delivered to bifrost`).toBe(1);
  const source = copies[0]!.values["source"] as { text?: string };
  expect(typeof source?.text).toBe("string");
  return parse(source.text!) as Record<string, Json>;
}

type Router = { rule: string; entryPoints?: string[]; middlewares?: string[] };

/** One year: the minimum max-age browsers' HSTS preload lists accept (hstspreload.org submission requirements). */
const HSTS_MIN_SECONDS = 31_536_000;

describe("HTTPS on bifrost (Traefik)", () => {
  it("every hostname served on websecure sends HSTS for at least a year on its catch-all route", async () => {
    const plan = await hetzner();
    const staticConfig = deliveredYaml(plan, "/traefik/traefik.yaml") as { entryPoints?: Record<string, { http?: { middlewares?: string[] } }> };
    const dynamic = deliveredYaml(plan, "/traefik/dynamic/bifrost.yaml") as {
      http?: { routers?: Record<string, Router>; middlewares?: Record<string, { headers?: { stsSeconds?: number } }> };
    };
    const routers = Object.entries(dynamic.http?.routers ?? {}).filter(([, r]) => (r.entryPoints ?? []).includes("websecure"));
    expect(routers.length, "routers on websecure").toBeGreaterThan(0);
    const middlewares = dynamic.http?.middlewares ?? {};
    const entryPointMiddlewares = staticConfig.entryPoints?.["websecure"]?.http?.middlewares ?? [];
    const sendsHsts = (r: Router) =>
      [...entryPointMiddlewares, ...(r.middlewares ?? [])].some((m) => (middlewares[m.replace(/@file$/, "")]?.headers?.stsSeconds ?? 0) >= HSTS_MIN_SECONDS);

    // Per hostname, the routes that serve "/" (no path restriction): a browser's first visit lands there.
    const hosts = new Map<string, Array<[string, Router]>>();
    for (const [name, r] of routers)
      for (const m of r.rule.matchAll(/Host\(`([^`]+)`\)/g)) hosts.set(m[1]!, [...(hosts.get(m[1]!) ?? []), [name, r]]);
    expect(hosts.size, "hostnames on websecure").toBeGreaterThan(0);
    const missing: string[] = [];
    for (const [host, rs] of hosts) {
      const catchAll = rs.filter(([, r]) => !/PathPrefix|Path\(/.test(r.rule));
      if (catchAll.length === 0) missing.push(`${host}: no route serves /`);
      for (const [name, r] of catchAll) if (!sendsHsts(r)) missing.push(`${host}: router ${name} sends no Strict-Transport-Security of ≥ 1 year`);
    }
    expect(missing).toEqual([]);
  });
});
