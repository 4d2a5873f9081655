/**
 * The secrets contract (docs/config.md): one table, missing keys named in one
 * message, values secret from the moment they are read, and nothing under
 * secrets/ committed in plaintext.
 */
import * as pulumi from "@pulumi/pulumi";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MissingSecretsError } from "../../core/config/errors";
import { SECRETS, placeholderSecrets, readSecrets, secretsFor, type SecretName } from "../../core/secrets";
import { STACK_NAMES } from "../../core/stacks";
import { secretsExample } from "../../scripts/secrets-example";
import { renderMissingSecrets } from "../helpers/plan";
import { sopsProblems } from "../helpers/sops";

const root = path.resolve(__dirname, "..", "..");

beforeAll(async () => {
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: () => ({}) });
});

describe("secrets table", () => {
  it("gives every stack that needs secrets at least one entry, and every entry a how-to", () => {
    for (const [name, spec] of Object.entries(SECRETS)) {
      expect(spec.stacks.length, name).toBeGreaterThan(0);
      expect(spec.obtain.length, name).toBeGreaterThan(20);
    }
  });

  it("fails with one message naming every missing required secret and the sops file", async () => {
    for (const stack of STACK_NAMES) {
      const { required } = secretsFor(stack);
      if (required.length === 0) continue;
      const err = await renderMissingSecrets(stack, {});
      expect(err).toBeInstanceOf(MissingSecretsError);
      expect(err.missing).toEqual(expect.arrayContaining(required));
      for (const name of required) expect(err.message).toContain(name);
      expect(err.message).toContain("secrets/bootstrap.sops.yaml");
    }
  });

  it("treats an empty value as missing", () => {
    const env = { ...placeholderSecrets(), HCLOUD_TOKEN: "" };
    expect(() => readSecrets("hetzner", env)).toThrow(/HCLOUD_TOKEN/);
  });

  it("wraps every value as a Pulumi secret at the point it is read", async () => {
    const secrets = readSecrets("hetzner", placeholderSecrets());
    const names = secrets.names();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(await pulumi.isSecret(secrets.require(name as SecretName))).toBe(true);
  });

  it("makes a secret required when config asks for it", () => {
    expect(() => readSecrets("talos", {}, ["PROXMOX_API_TOKEN"])).toThrow(/PROXMOX_API_TOKEN/);
  });
});

describe("secrets/ directory", () => {
  it("lists every secret of the table in bootstrap.sops.yaml.example (regenerate with npm run secrets:example)", () => {
    const committed = readFileSync(path.join(root, "secrets", "bootstrap.sops.yaml.example"), "utf8");
    expect(committed).toBe(secretsExample());
  });

  it("holds no file other than the example that is not sops-encrypted", () => {
    const files = readdirSync(path.join(root, "secrets")).filter((f) => f !== "bootstrap.sops.yaml.example");
    for (const file of files) {
      expect(sopsProblems(readFileSync(path.join(root, "secrets", file), "utf8")), file).toEqual([]);
    }
  });

  it("the encryption check accepts a sops file and rejects plaintext values", () => {
    const fixture = (f: string) => readFileSync(path.join(root, "test", "fixtures", "sops", f), "utf8");
    expect(sopsProblems(fixture("encrypted.yaml"))).toEqual([]);
    expect(sopsProblems(fixture("half-encrypted.yaml"))).toEqual(["CLOUDFLARE_API_TOKEN is not encrypted (plaintext value)"]);
    expect(sopsProblems("HCLOUD_TOKEN: abc\n")).toEqual(expect.arrayContaining(["no sops: metadata block"]));
  });
});
