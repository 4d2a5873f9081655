/**
 * Pulumi.yaml `packages:` is what `pulumi install` regenerates the SDKs from;
 * it must name exactly the plugins and versions the hand-written bindings
 * declare, or a regenerated SDK would silently differ from the tested one.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = path.resolve(__dirname, "..", "..");
const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
  packages: Record<string, { source: string; version: string; parameters?: string[]; pluginDownloadURL?: string }>;
};
const pkg = (name: string) =>
  JSON.parse(readFileSync(path.join(root, "sdks", name, "package.json"), "utf8")) as {
    name: string;
    version: string;
    pulumi: { name: string; version: string; server?: string; parameterization?: { name: string; version: string; value: string } };
  };

describe("Pulumi.yaml packages", () => {
  it("lists talos as the plugin, version and server the binding declares", () => {
    const talos = pkg("talos");
    expect(project.packages["talos"]).toEqual({
      source: talos.pulumi.name,
      version: talos.pulumi.version,
      pluginDownloadURL: talos.pulumi.server,
    });
    expect(talos.version).toBe(talos.pulumi.version);
  });

  it("lists authentik as terraform-provider parameterized with the registry address and version the binding encodes", () => {
    const authentik = pkg("authentik");
    const entry = project.packages["authentik"]!;
    const param = authentik.pulumi.parameterization!;
    expect(entry.source).toBe(authentik.pulumi.name);
    expect(entry.version).toBe(authentik.pulumi.version);
    expect(entry.parameters).toEqual(["goauthentik/authentik", param.version]);
    // With no host given, the dynamic bridge uses registry.opentofu.org; the binding's value must say the same.
    expect(JSON.parse(Buffer.from(param.value, "base64").toString("utf8"))).toEqual({
      remote: { url: `registry.opentofu.org/${entry.parameters![0]}`, version: entry.parameters![1] },
    });
    expect(authentik.version).toBe(param.version);
  });
});
