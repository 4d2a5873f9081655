import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderBundle } from "../../core/hetzner/bundle";
import hetzner from "../../core/hetzner";
import { formatEnvFile } from "../../core/hetzner/bundle/secret-env";
import { validateConfig } from "../../core/main";
import { toRawConfig } from "../../core/render/project-files";
import { exampleConfig } from "../helpers/plan";

const SCRIPT = path.resolve(__dirname, "../../core/hetzner/bundle/bootstrap.sh");
const FAKE_DOCKER = path.resolve(__dirname, "fixtures/docker");
const hasShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;

const SECRETS = {
  "traefik.env": { CF_DNS_API_TOKEN: "canaryCfToken1" },
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
    // The shape of a bcrypt hash as @pulumi/random's bcryptHash gives it ($2a$10$ + 53 characters of bcrypt's base64).
    NETBIRD_OWNER_PASSWORD_HASH: "$2a$10$canaryOwnerHash9./abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0",
  },
  "netbird-agent.env": { NB_SETUP_KEY: "canarySetupKey6" },
} as const;

const workRoot = mkdtempSync(path.join(tmpdir(), "bifrost-bootstrap-"));
afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

/** A bundle directory as Pulumi leaves it on the VPS: rendered files plus secret env files. */
function stageBundle(name: string): string {
  const dir = path.join(workRoot, name);
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
  return dir;
}

function run(dir: string, env: Record<string, string> = {}) {
  const state = path.join(dir, ".fake-docker");
  const before = safeRead(path.join(state, "calls.log"));
  const r = spawnSync("bash", [path.join(dir, "bootstrap.sh")], {
    env: { PATH: `${path.join(dir, ".bin")}:${process.env["PATH"]}`, FAKE_DOCKER_STATE: state, BIFROST_POLL_SECONDS: "0.1", ...env },
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

    it("starts services in dependency order, one stage at a time", () => {
      expect(first.calls.filter((c) => c.startsWith("up "))).toEqual([
        "up postgres",
        "up authentik-server authentik-worker",
        "up netbird-server netbird-dashboard",
        "up traefik",
        "up gatus",
        "up netbird-agent",
      ]);
    });

    it("fills the NetBird secrets into a 0600 config on the VPS", () => {
      const file = path.join(dir, "secrets/netbird-config.yaml");
      const text = readFileSync(file, "utf8");
      expect(text).toContain('authSecret: "canaryRelay4+/="');
      expect(text).toContain('encryptionKey: "canaryStoreKey5=="');
      // The owner's bcrypt hash, `$` signs and all, lands verbatim under auth.owner.
      expect(parse(text).server.auth.owner).toEqual({ email: "ops@example.com", password: SECRETS["netbird-server.env"].NETBIRD_OWNER_PASSWORD_HASH });
      expect(text).not.toContain("${");
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });

    it("changes nothing on the second run: no new containers, no restarts, config untouched", () => {
      expect(second.calls.filter((c) => !c.startsWith("up "))).toEqual([]);
      const s = statSync(path.join(dir, "secrets/netbird-config.yaml"));
      expect({ ino: s.ino, mtimeMs: s.mtimeMs }).toEqual(configAfterFirst);
      expect(second.out).toContain("NetBird config: unchanged");
    });

    it("never prints a secret value", () => {
      for (const vars of Object.values(SECRETS))
        for (const v of Object.values(vars)) expect(first.out + second.out).not.toContain(v);
    });

    it("restarts only the service whose mounted config changed", () => {
      writeFileSync(path.join(dir, "traefik/traefik.yaml"), `${readFileSync(path.join(dir, "traefik/traefik.yaml"), "utf8")}# changed\n`);
      const third = run(dir);
      expect(third.status, third.out).toBe(0);
      expect(third.calls.filter((c) => c.startsWith("restart"))).toEqual(["restart traefik"]);
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
