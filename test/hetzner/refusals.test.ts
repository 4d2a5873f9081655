/**
 * Inputs the hetzner stack refuses before anything is registered, each with
 * the config path or secret name and never a secret's value.
 */
import { describe, expect, it } from "vitest";
import { formatConfigPath, isUserError } from "../../core/config/errors";
import { isPinnedImage } from "../../core/config/primitives";
import { CatalogueError } from "../../core/hetzner/catalogue";
import { dockerSubnetProblems } from "../../core/hetzner/config";
import { captureStack, placeholderEnv } from "../../core/render/harness";
import { toRawConfig } from "../../core/render/project-files";
import { InvalidSecretsError } from "../../core/secrets";
import { exampleConfig, render, renderConfigError } from "../helpers/plan";

const paths = (err: { issues: ReadonlyArray<{ path: ReadonlyArray<string | number> }> }) => err.issues.map((i) => formatConfigPath(i.path));

describe("bundle directory", () => {
  it.each(["/etc", "/home/ops/bifrost", "/opt", "/opt/../etc/x", "/usr/local/bifrost", "/opt/bifrost/", "/mnt/bifrost-state/bundle"])("refuses %s", async (dir) => {
    const err = await renderConfigError("hetzner", { config: (c) => void (c.bifrost.dir = dir) });
    expect(paths(err)).toEqual(["homelab:bifrost.dir"]);
  });

  it("accepts a directory of its own under /srv", async () => {
    const plan = await render("hetzner", { config: (c) => void (c.bifrost.dir = "/srv/edge") });
    expect(plan.ofType("command:remote:CopyToRemote").every((r) => String((r.values as Record<string, unknown>)["remotePath"]).startsWith("/srv/edge/"))).toBe(true);
  });
});

describe("Docker subnet, by address arithmetic", () => {
  it.each([
    ["10.10.0.128/25", "the LAN"],
    ["10.0.0.0/8", "the LAN"],
    ["10.20.4.0/24", "homelab:nodes[5].routes[0]"],
    ["100.64.10.0/24", "NetBird's peer range"],
    ["169.254.10.0/24", "link-local"],
    ["172.17.3.0/24", "Docker's default bridge"],
    ["203.0.113.0/24", "not inside a private range"],
  ])("refuses %s (%s)", async (subnet, why) => {
    const err = await renderConfigError("hetzner", { config: (c) => void (c.bifrost.dockerSubnet = subnet) });
    expect(paths(err)).toContain("homelab:bifrost.dockerSubnet");
    expect(err.message).toContain(why);
  });

  it("accepts a private subnet clear of everything routed", () => {
    expect(dockerSubnetProblems("172.30.0.0/24", [{ cidr: "10.10.0.0/24", what: "LAN" }])).toEqual([]);
    expect(dockerSubnetProblems("192.168.77.0/24", [{ cidr: "192.168.76.0/24", what: "LAN" }])).toEqual([]);
  });
});

describe("image references: strictly name[:tag][@digest]", () => {
  it.each(["traefik:${TAG}", "traefik:v3;reboot", "Traefik:v3.6.9", "traefik:v3.6.9 ", "traefik:latest", "traefik", "a//b:1", "$(id):1"])("refuses %j", (ref) => {
    expect(isPinnedImage(ref)).toBe(false);
  });

  it.each(["traefik:v3.6.9", "docker.io/library/postgres:17.6-alpine", "registry.local:5000/team/app:1.2", `ghcr.io/x/y:1@sha256:${"a".repeat(64)}`])("accepts %s", (ref) => {
    expect(isPinnedImage(ref)).toBe(true);
  });

  it("names the config path of a substituted image", async () => {
    const err = await renderConfigError("hetzner", { config: (c) => void (c.bifrost.images.gatus = "twinproduction/gatus:${GATUS_TAG}") });
    expect(paths(err)).toEqual(["homelab:bifrost.images.gatus"]);
  });
});

describe("secret values a target format cannot carry", () => {
  async function secretError(env: Record<string, string>): Promise<InvalidSecretsError> {
    const values = exampleConfig("hetzner");
    const config = toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v])));
    const capture = await captureStack("hetzner", { config, env: { ...placeholderEnv(), ...env } });
    expect(capture.error).toBeInstanceOf(InvalidSecretsError);
    expect(capture.registered).toBe(0);
    return capture.error as InvalidSecretsError;
  }

  it("refuses a quote or a line break in a value bound for an env file, naming the secret, not the value", async () => {
    const err = await secretError({ AUTHENTIK_POSTGRES_PASSWORD: "it's-secret", AUTHENTIK_SECRET_KEY: "line1\nline2" });
    expect(err.problems.map((p) => p.name).sort()).toEqual(["AUTHENTIK_POSTGRES_PASSWORD", "AUTHENTIK_SECRET_KEY"]);
    expect(err.message).not.toContain("it's-secret");
    expect(err.message).not.toContain("line1");
    expect(isUserError(err)).toBe(true);
  });

  it("refuses shell characters in NetBird's secrets at read time instead of on the new server", async () => {
    const err = await secretError({ NETBIRD_RELAY_SECRET: "$(reboot)" });
    expect(err.message).toContain("NETBIRD_RELAY_SECRET");
    expect(err.message).not.toContain("reboot");
  });

  it("carries a dollar sign or backslash in an env-file secret (single quotes keep them literal)", async () => {
    const plan = await render("hetzner", { env: { ...placeholderEnv(), AUTHENTIK_POSTGRES_PASSWORD: "pa$$w\\rd" } });
    expect((plan.one("bifrost-bundle-env-postgres-env").values as Record<string, unknown>)["stdin"]).toBe("POSTGRES_PASSWORD='pa$$w\\rd'\n");
  });

  it("prints a catalogue refusal as a user error too (no stack trace)", () => {
    expect(isUserError(new CatalogueError("x"))).toBe(true);
  });
});
