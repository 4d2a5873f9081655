import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundle, STATE_MOUNT } from "../../core/hetzner/bundle";
import hetzner from "../../core/hetzner";
import { formatEnvFile } from "../../core/hetzner/bundle/secret-env";
import { validateConfig } from "../../core/main";
import { toRawConfig } from "../../core/render/project-files";
import { exampleConfig } from "../helpers/plan";

const SCRIPT = path.resolve(__dirname, "../../core/hetzner/bundle/bootstrap.sh");
const FAKE_DOCKER = path.resolve(__dirname, "fixtures/docker");
const FAKE_SYS = path.resolve(__dirname, "fixtures/fake-sys");
const FAKE_PYTHON = path.resolve(__dirname, "fixtures/python3-netbird");
/** The state volume's by-id path (as the hcloud mock reports linux_device). */
const DEVICE = "/dev/disk/by-id/scsi-0HC_Volume_4711";
const hasShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;

const SECRETS = {
  "postgres.env": { POSTGRES_PASSWORD: "canaryPgPass2" },
  "authentik.env": {
    AUTHENTIK_SECRET_KEY: "canaryAkKey3",
    AUTHENTIK_POSTGRESQL__PASSWORD: "canaryPgPass2",
    AUTHENTIK_BOOTSTRAP_PASSWORD: "canaryAkBootPass7",
    AUTHENTIK_BOOTSTRAP_TOKEN: "canaryAkBootToken8",
  },
  "netbird-server.env": {
    NETBIRD_RELAY_SECRET: "canaryRelay4+/=",
    NETBIRD_DATASTORE_ENCRYPTION_KEY: "canaryStoreKey5==",
  },
  "netbird-api.env": { NETBIRD_OWNER_PASSWORD: "canaryOwnerPassword9" },
} as const;
/** What the stand-in reconciler writes (fixtures/python3-netbird). */
const MADE_ON_VPS = ["canaryBifrostKey10", "canaryLanRouterKey11"];

const workRoot = mkdtempSync(path.join(tmpdir(), "bifrost-bootstrap-"));
afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

/**
 * A bundle directory as Pulumi leaves it on the VPS: rendered files plus
 * secret env files, next to a stand-in for / (`<dir>.root`: fstab, unit
 * files, the attached volume's device, its mount point). `volumeFrom` puts
 * the state volume of an earlier server there: a rebuilt server.
 */
function stageBundle(name: string, volumeFrom?: string): string {
  const dir = path.join(workRoot, name);
  const root = `${dir}.root`;
  mkdirSync(path.join(root, path.dirname(DEVICE)), { recursive: true });
  writeFileSync(path.join(root, DEVICE), "");
  mkdirSync(path.join(root, "etc"), { recursive: true });
  if (volumeFrom) cpSync(path.join(`${volumeFrom}.root`, STATE_MOUNT), path.join(root, STATE_MOUNT), { recursive: true });
  const values = exampleConfig("hetzner");
  const config = validateConfig(hetzner, toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v]))));
  for (const f of renderBundle(config).files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }
  mkdirSync(path.join(dir, "secrets"), { mode: 0o700 });
  for (const [file, vars] of Object.entries(SECRETS)) writeFileSync(path.join(dir, "secrets", file), formatEnvFile(vars), { mode: 0o600 });
  const bin = path.join(dir, ".bin");
  mkdirSync(bin);
  cpSync(FAKE_DOCKER, path.join(bin, "docker"));
  chmodSync(path.join(bin, "docker"), 0o755);
  cpSync(FAKE_PYTHON, path.join(bin, "python3"));
  chmodSync(path.join(bin, "python3"), 0o755);
  for (const tool of ["blkid", "mountpoint", "findmnt", "mount", "systemctl"]) {
    cpSync(FAKE_SYS, path.join(bin, tool));
    chmodSync(path.join(bin, tool), 0o755);
  }
  return dir;
}

function run(dir: string, env: Record<string, string> = {}, args: string[] = []) {
  const state = path.join(dir, ".fake-docker");
  const before = safeRead(path.join(state, "calls.log"));
  const r = spawnSync("bash", [path.join(dir, "bootstrap.sh"), ...args], {
    env: {
      PATH: `${path.join(dir, ".bin")}:${process.env["PATH"]}`,
      FAKE_DOCKER_STATE: state,
      FAKE_DEVICE: path.join(`${dir}.root`, DEVICE),
      BIFROST_POLL_SECONDS: "0.1",
      BIFROST_SYSROOT: `${dir}.root`,
      BIFROST_STATE_DEVICE: DEVICE,
      ...env,
    },
    encoding: "utf8",
  });
  const calls = safeRead(path.join(state, "calls.log")).slice(before.length).split("\n").filter(Boolean);
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stderr: r.stderr, calls };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

describe("bootstrap.sh", () => {
  if (!hasShellcheck)
    console.warn("bootstrap.sh: shellcheck is not installed, so the lint test is skipped (apt-get install shellcheck; .ci/run does)");
  it.skipIf(!hasShellcheck)("passes shellcheck (skipped only where shellcheck is not installed)", () => {
    const r = spawnSync("shellcheck", ["--severity=style", SCRIPT], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("stops on the first error, unset variable or failed pipe stage", () => {
    expect(readFileSync(SCRIPT, "utf8")).toMatch(/^set -euo pipefail$/m);
  });

  describe("run twice against a stub docker", () => {
    let dir: string;
    let first: ReturnType<typeof run>;
    let second: ReturnType<typeof run>;
    let configAfterFirst: { ino: number; mtimeMs: number };
    beforeAll(() => {
      dir = stageBundle("twice");
      first = run(dir);
      const s = statSync(path.join(dir, "secrets/netbird-config.yaml"));
      configAfterFirst = { ino: s.ino, mtimeMs: s.mtimeMs };
      second = run(dir);
    });

    it("succeeds both times", () => {
      expect(first.status, first.out).toBe(0);
      expect(second.status, second.out).toBe(0);
      expect(second.out).toContain("bifrost is up");
    });

    it("starts services in dependency order, one stage at a time, claiming NetBird before Traefik first starts", () => {
      expect(first.calls.filter((c) => c.startsWith("up ") || c.startsWith("netbird-lan "))).toEqual([
        "up postgres",
        "up authentik-server authentik-worker",
        "up netbird-server netbird-dashboard",
        `netbird-lan netbird/netbird-lan.py --api http://172.30.0.5:80 --desired netbird/lan-path.json --state-dir /mnt/bifrost-state/netbird-api --owner-env secrets/netbird-api.env --agent-env secrets/netbird-agent.env`,
        "up traefik",
        "up gatus",
        "up netbird-agent",
      ]);
    });

    it("keeps what the NetBird step made on the VPS: the router's key on the volume, the agent's env file (0600)", () => {
      const key = path.join(`${dir}.root`, STATE_MOUNT, "netbird-api", "lan-router.setup-key");
      expect(readFileSync(key, "utf8")).toBe("canaryLanRouterKey11");
      expect(statSync(path.dirname(key)).mode & 0o777).toBe(0o700);
      const agentEnv = path.join(dir, "secrets/netbird-agent.env");
      expect(readFileSync(agentEnv, "utf8")).toBe("NB_SETUP_KEY='canaryBifrostKey10'\n");
      expect(statSync(agentEnv).mode & 0o777).toBe(0o600);
    });

    it("fills the NetBird secrets into a 0600 config on the VPS", () => {
      const file = path.join(dir, "secrets/netbird-config.yaml");
      const text = readFileSync(file, "utf8");
      expect(text).toContain('authSecret: "canaryRelay4+/="');
      expect(text).toContain('encryptionKey: "canaryStoreKey5=="');
      expect(parse(text).server.auth.owner).toBeUndefined();
      expect(text).not.toContain("${");
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });

    it("changes nothing on the second run: no new containers, no restarts, config untouched", () => {
      // The NetBird step runs again (it converges by itself: netbird-lan.test.ts).
      expect(second.calls.filter((c) => !c.startsWith("up ") && !c.startsWith("netbird-lan "))).toEqual([]);
      const s = statSync(path.join(dir, "secrets/netbird-config.yaml"));
      expect({ ino: s.ino, mtimeMs: s.mtimeMs }).toEqual(configAfterFirst);
      expect(second.out).toContain("NetBird config: unchanged");
    });

    it("never prints a secret value", () => {
      for (const vars of Object.values(SECRETS))
        for (const v of Object.values(vars)) expect(first.out + second.out).not.toContain(v);
      for (const v of MADE_ON_VPS) expect(first.out + second.out).not.toContain(v);
    });

    it("restarts only the service whose mounted config changed", () => {
      writeFileSync(path.join(dir, "traefik/traefik.yaml"), `${readFileSync(path.join(dir, "traefik/traefik.yaml"), "utf8")}# changed\n`);
      const third = run(dir);
      expect(third.status, third.out).toBe(0);
      expect(third.calls.filter((c) => c.startsWith("restart"))).toEqual(["restart traefik"]);
    });
  });

  describe("the state volume", () => {
    let dir: string;
    let first: ReturnType<typeof run>;
    const mount = () => path.join(`${dir}.root`, STATE_MOUNT);
    beforeAll(() => {
      dir = stageBundle("volume");
      first = run(dir);
    });

    it("mounts the volume by id and records it in fstab before the first container starts", () => {
      expect(first.status, first.out).toBe(0);
      const calls = first.calls;
      expect(calls.indexOf(`mount ${mount()}`)).toBeGreaterThanOrEqual(0);
      expect(calls.indexOf(`mount ${mount()}`)).toBeLessThan(calls.findIndex((c) => c.startsWith("up ")));
      expect(readFileSync(path.join(`${dir}.root`, "etc/fstab"), "utf8")).toBe(`${DEVICE} ${STATE_MOUNT} ext4 defaults,nofail,x-systemd.device-timeout=60s 0 2\n`);
      expect(readFileSync(path.join(`${dir}.root`, "etc/systemd/system/docker.service.d/10-bifrost-state.conf"), "utf8")).toContain(`RequiresMountsFor=${STATE_MOUNT}`);
    });

    it("creates every state directory the compose file mounts, with its mode", () => {
      const compose = parse(readFileSync(path.join(dir, "compose.yaml"), "utf8"));
      const sources = Object.values(compose.services as Record<string, { volumes?: string[] }>)
        .flatMap((svc) => svc.volumes ?? [])
        .map((v) => v.split(":")[0]!)
        .filter((src) => src.startsWith("/"));
      expect(sources.length).toBeGreaterThanOrEqual(6);
      for (const src of sources) expect(statSync(path.join(`${dir}.root`, src)).isDirectory(), src).toBe(true);
      expect(statSync(path.join(mount(), "postgres")).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(mount(), "authentik")).uid).toBe(process.getuid?.() === 0 ? 1000 : process.getuid?.());
    });

    it("sets the Postgres role's password once, after Postgres is healthy and before Authentik starts", () => {
      const calls = first.calls;
      const exec = calls.indexOf("exec postgres psql");
      expect(exec).toBeGreaterThan(calls.indexOf("up postgres"));
      expect(exec).toBeLessThan(calls.indexOf("up authentik-server authentik-worker"));
      expect(readFileSync(path.join(dir, ".fake-docker/exec-stdin"), "utf8")).toBe("ALTER ROLE authentik WITH PASSWORD 'canaryPgPass2';\n");
      expect(first.out).not.toContain("canaryPgPass2");
    });

    it("installs and enables the database dump timer", () => {
      const timer = readFileSync(path.join(`${dir}.root`, "etc/systemd/system/bifrost-db-dump.timer"), "utf8");
      expect(timer).toContain("OnCalendar=*-*-* 03:15:00");
      const service = readFileSync(path.join(`${dir}.root`, "etc/systemd/system/bifrost-db-dump.service"), "utf8");
      expect(service).toContain(`ExecStart=/bin/bash ${dir}/bootstrap.sh dump\n`);
      // …and keeps NetBird's API token fresh, without failing the dump when NetBird does.
      expect(service).toContain(`ExecStart=-/bin/bash ${dir}/bootstrap.sh netbird\n`);
      expect(first.calls).toContain("systemctl enable --now bifrost-db-dump.timer");
    });

    it("applies a rotated Postgres password with ALTER ROLE (the image ignores it on existing data)", () => {
      writeFileSync(path.join(dir, "secrets/postgres.env"), formatEnvFile({ POSTGRES_PASSWORD: "rotated$Pg9" }));
      const r = run(dir);
      expect(r.status, r.out).toBe(0);
      expect(r.calls).toContain("exec postgres psql");
      expect(readFileSync(path.join(dir, ".fake-docker/exec-stdin"), "utf8")).toContain("ALTER ROLE authentik WITH PASSWORD 'rotated$Pg9';\n");
      expect(r.out).not.toContain("rotated");
      const again = run(dir);
      expect(again.calls.filter((c) => !c.startsWith("up ") && !c.startsWith("netbird-lan "))).toEqual([]);
    });

    it("writes a 0600 dump onto the volume and keeps only the configured number", () => {
      const backups = path.join(mount(), "backups");
      for (let i = 0; i < 15; i++) writeFileSync(path.join(backups, `authentik-2020010${Math.floor(i / 10)}T00000${i % 10}Z.pgdump`), "old");
      const r = run(dir, { BIFROST_STATE_DEVICE: "" }, ["dump"]);
      expect(r.status, r.out).toBe(0);
      expect(r.calls).toContain("exec postgres pg_dump");
      const dumps = readdirSync(backups).filter((f) => f.endsWith(".pgdump")).sort();
      expect(dumps).toHaveLength(14);
      const newest = dumps[dumps.length - 1]!;
      expect(newest).toMatch(/^authentik-\d{8}T\d{6}Z\.pgdump$/);
      expect(readFileSync(path.join(backups, newest), "utf8")).toContain("fake dump");
      expect(statSync(path.join(backups, newest)).mode & 0o777).toBe(0o600);
    });

    it("on a rebuilt server, mounts the re-attached volume and keeps its data: nothing created, no password reset", () => {
      writeFileSync(path.join(mount(), "postgres", "PG_VERSION"), "17\n");
      const rebuilt = stageBundle("rebuilt", dir);
      // The same secrets as the old server had last.
      writeFileSync(path.join(rebuilt, "secrets/postgres.env"), formatEnvFile({ POSTGRES_PASSWORD: "rotated$Pg9" }));
      const r = run(rebuilt);
      expect(r.status, r.out).toBe(0);
      expect(r.calls).toContain(`mount ${path.join(`${rebuilt}.root`, STATE_MOUNT)}`);
      expect(r.out).not.toContain("state: created");
      expect(r.calls).not.toContain("exec postgres psql");
      expect(readFileSync(path.join(`${rebuilt}.root`, STATE_MOUNT, "postgres", "PG_VERSION"), "utf8")).toBe("17\n");
      const again = run(rebuilt);
      expect(again.calls.filter((c) => !c.startsWith("up ") && !c.startsWith("netbird-lan "))).toEqual([]);
    });

    it("refuses a volume without a file system instead of formatting it, and starts nothing", () => {
      const blank = stageBundle("blank-volume");
      const r = run(blank, { FAKE_BLKID_TYPE: "" });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("refusing to format");
      expect(r.calls.filter((c) => c.startsWith("up ") || c.startsWith("mount"))).toEqual([]);
    });

    it("refuses a device that is not a Hetzner volume by id", () => {
      const other = stageBundle("other-device");
      const r = run(other, { BIFROST_STATE_DEVICE: "/dev/sda1" });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("/dev/disk/by-id/scsi-0HC_Volume_<id>");
      expect(r.calls).toEqual([]);
    });
  });

  it("fails after the timeout with the unhealthy service's last log lines, and starts nothing after it", () => {
    const dir = stageBundle("unhealthy");
    const env = readFileSync(path.join(dir, "bootstrap.env"), "utf8").replace(/BIFROST_HEALTH_TIMEOUT='\d+'/, "BIFROST_HEALTH_TIMEOUT='1'");
    writeFileSync(path.join(dir, "bootstrap.env"), env);
    const r = run(dir, { FAKE_UNHEALTHY: "authentik-worker" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("not healthy after 1s: authentik-worker:starting");
    expect(r.stderr).toContain("fake log line for authentik-worker");
    expect(r.calls).not.toContain("up traefik");
  });

  it("removes a secret env file the bundle no longer uses, such as the Cloudflare token Traefik once had", () => {
    const dir = stageBundle("stale-secret");
    writeFileSync(path.join(dir, "secrets/traefik.env"), formatEnvFile({ CF_DNS_API_TOKEN: "canaryOldCfToken" }), { mode: 0o600 });
    const r = run(dir);
    expect(r.status, r.out).toBe(0);
    expect(() => statSync(path.join(dir, "secrets/traefik.env"))).toThrow();
    expect(r.out).toContain("removed secrets/traefik.env");
    expect(r.out).not.toContain("canaryOldCfToken");
    for (const kept of ["postgres.env", "authentik.env", "netbird-server.env", "netbird-api.env", "netbird-agent.env"]) expect(statSync(path.join(dir, "secrets", kept)).isFile(), kept).toBe(true);
  });

  it("when the NetBird step fails, starts everything else, leaves the keyless agent stopped, and then fails naming it", () => {
    const dir = stageBundle("netbird-fails");
    const r = run(dir, { FAKE_NETBIRD_EXIT: "3" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("NetBird was set up without an API token this bundle can use");
    expect(r.stderr).toContain("every other service is up");
    expect(r.calls.filter((c) => c.startsWith("up "))).toEqual(["up postgres", "up authentik-server authentik-worker", "up netbird-server netbird-dashboard", "up traefik", "up gatus"]);
    expect(r.out).toContain("not starting netbird-agent: it has no setup key yet");
    // compose found the (empty, 0600) env file it names.
    expect(statSync(path.join(dir, "secrets/netbird-agent.env")).mode & 0o777).toBe(0o600);
    const other = run(dir, { FAKE_NETBIRD_EXIT: "1" });
    expect(other.stderr).toContain("the NetBird step failed (exit 1)");
  });

  it.skipIf(spawnSync("python3", ["--version"]).status !== 0)("passes netbird-lan.py only flags it takes, and every flag it requires", () => {
    const help = spawnSync("python3", [path.resolve(__dirname, "../../core/hetzner/bundle/netbird-lan.py"), "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    const usage = help.stdout.slice(0, help.stdout.indexOf("\n\n"));
    const required = [...usage.matchAll(/(?<!\[)(--[a-z-]+) [A-Z_]+/g)].map((m) => m[1]!);
    const known = [...usage.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]!);
    const dir = stageBundle("netbird-flags");
    const call = run(dir).calls.find((c) => c.startsWith("netbird-lan "))!;
    const passed = [...call.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(0);
    for (const flag of required) expect(passed, flag).toContain(flag);
    for (const flag of passed) expect(known, flag).toContain(flag);
  });

  it("runs the NetBird step alone for the daily timer", () => {
    const dir = stageBundle("netbird-only");
    run(dir);
    const r = run(dir, { BIFROST_STATE_DEVICE: "" }, ["netbird"]);
    expect(r.status, r.out).toBe(0);
    expect(r.calls.filter((c) => !c.startsWith("mount "))).toEqual([
      "netbird-lan netbird/netbird-lan.py --api http://172.30.0.5:80 --desired netbird/lan-path.json --state-dir /mnt/bifrost-state/netbird-api --owner-env secrets/netbird-api.env --agent-env secrets/netbird-agent.env",
    ]);
    expect(run(dir, { BIFROST_STATE_DEVICE: "", FAKE_NETBIRD_EXIT: "1" }, ["netbird"]).status).toBe(1);
  });

  it("refuses to start without the secret env files Pulumi writes", () => {
    const dir = stageBundle("no-secrets");
    rmSync(path.join(dir, "secrets/authentik.env"));
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("secrets/authentik.env is missing");
    expect(r.calls).toEqual([]);
  });

  it("refuses a NetBird secret that cannot sit in YAML unescaped, naming it but not its value", () => {
    const dir = stageBundle("bad-secret");
    writeFileSync(path.join(dir, "secrets/netbird-server.env"), formatEnvFile({ ...SECRETS["netbird-server.env"], NETBIRD_RELAY_SECRET: 'bad"value' }));
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("NETBIRD_RELAY_SECRET contains characters");
    expect(r.out).not.toContain('bad"value');
    expect(r.calls).toEqual([]);
  });
});
