/**
 * Example values stop a real run, not the render: the program refuses them
 * with the list of what to replace and where; `npm run check` lists them and
 * fails only on stacks that do not validate or render.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLE_AGE_RECIPIENT, PlaceholderError, findPlaceholders, sopsPlaceholders } from "../../core/config/placeholders";
import { runProgram } from "../../core/main";
import { captureStack, placeholderEnv } from "../../core/render/harness";
import { loadRawConfig } from "../../core/render/project-files";
import { FIXTURE_CONFIG_DIR } from "../helpers/fixtures";
import { exampleConfig } from "../helpers/plan";

const root = path.resolve(__dirname, "..", "..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("a real run with the example's values", () => {
  it("is refused before any resource, naming each value, where it is and what to put there", async () => {
    const config = loadRawConfig("cloudflare", FIXTURE_CONFIG_DIR);
    // The program as Pulumi runs it (no allowPlaceholders), under the harness's mocks.
    const capture = await captureStack("cloudflare", { program: () => runProgram("cloudflare", { config, env: placeholderEnv() }) });
    expect(capture.error).toBeInstanceOf(PlaceholderError);
    expect(capture.registered).toBe(0);
    const message = (capture.error as Error).message;
    expect(message).toMatch(/^Stack "cloudflare" still has \d+ example values; replace them before a real run/);
    expect(message).toContain('homelab:stackRefs.hetzner: "example-org/homelab/hetzner" → your own');
    expect(message).toContain('homelab:domain: "lab.example.com" → a domain or address you own');
    expect(message).not.toMatch(/\n\s+at /);
  });

  it("the render of the same config still works", async () => {
    const capture = await captureStack("cloudflare", { configDir: FIXTURE_CONFIG_DIR });
    expect(capture.error).toBeUndefined();
  });

  it("finds the example Authentik ids, the SSH sources in documentation ranges and the example GitHub org", () => {
    const where = (stack: string) => findPlaceholders(exampleConfig(stack)).map((p) => p.where);
    expect(where("authentik")).toEqual(
      expect.arrayContaining(["homelab:authentik.identificationStage.id", "homelab:authentik.embeddedOutpost.id", "homelab:githubSource.allowedOrganizations[0]"]),
    );
    expect(where("hetzner")).toEqual(expect.arrayContaining(["homelab:firewall.adminCidrs[0]", "homelab:firewall.adminCidrs[1]"]));
  });

  it("accepts a user's own values: addresses outside documentation ranges, their own domain and organisation", () => {
    expect(
      findPlaceholders({
        domain: "home.arpa.jo-smith.dev",
        stackRefs: { talos: "jo/homelab/talos", hetzner: "jo/homelab/hetzner" },
        firewall: { adminCidrs: ["198.51.101.7/32", "2001:db9::/48", "203.0.112.0/24"] },
        authentik: { embeddedOutpost: { id: "5f0e2a44-1c9b-4d1e-8a55-0b8f6f2c9e11" } },
        certManager: { email: "me@notexample.com" },
      }),
    ).toEqual([]);
  });

  it("the example age recipient in .sops.yaml is one", () => {
    expect(sopsPlaceholders(`creation_rules:\n  - age: ${EXAMPLE_AGE_RECIPIENT}\n`)).toHaveLength(1);
    expect(sopsPlaceholders("creation_rules:\n  - age: age1yourownkey\n")).toEqual([]);
  });
});

describe("npm run check", () => {
  it("renders each stack of the given config, reports the broken one with its file and line, lists placeholders, exits 1", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-check-"));
    dirs.push(dir);
    for (const f of fs.readdirSync(FIXTURE_CONFIG_DIR)) fs.copyFileSync(path.join(FIXTURE_CONFIG_DIR, f), path.join(dir, f));
    const platform = path.join(dir, "Pulumi.platform.yaml");
    fs.writeFileSync(platform, fs.readFileSync(platform, "utf8").replace("blocks: [10.10.0.200/29]", "blocks: [10.10.0.200/29"));
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/check.ts", "platform", "cloudflare"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, HOMELAB_CONFIG_DIR: dir },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^platform: FAILED\n {2}Invalid config file \(1 problem\):\n {4}- Pulumi\.platform\.yaml:\d+:\d+: YAML syntax/m);
    expect(r.stdout).toMatch(/^cloudflare: ok \(\d+ resources\)$/m);
    expect(r.stdout).toContain('homelab:domain: "lab.example.com"');
    expect(r.stdout).toContain("1 of 2 stacks failed.");
  });
});
