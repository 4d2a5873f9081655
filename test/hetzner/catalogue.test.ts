import { describe, expect, it } from "vitest";
import { CatalogueError, checkServerType, type CatalogueServerType } from "../../core/hetzner/catalogue";
import { captureStack, placeholderEnv } from "../../core/render/harness";
import { hcloudMocks } from "../../core/render/mocks/hcloud";
import { exampleConfig, render } from "../helpers/plan";
import { toRawConfig } from "../../core/render/project-files";

/** The catalogue exactly as the mocked provider answers it (fields of GetServerTypesServerType). */
const catalogue = hcloudMocks.invokes!["hcloud:index/getServerTypes:getServerTypes"]!({ token: "", args: {}, inputs: {}, provider: "" } as never)[
  "serverTypes"
] as CatalogueServerType[];

async function renderError(mutate: (c: Record<string, any>) => void): Promise<Error> {
  const values = exampleConfig("hetzner");
  mutate(values);
  const config = toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v])));
  const capture = await captureStack("hetzner", { config, env: placeholderEnv() });
  expect(capture.error).toBeInstanceOf(CatalogueError);
  expect(capture.plan?.resources.some((r) => r.type === "hcloud:index/server:Server") ?? false).toBe(false);
  return capture.error as Error;
}

describe("server type against Hetzner's catalogue (pure rule)", () => {
  it("accepts a current type offered in the location, with its architecture", () => {
    expect(checkServerType(catalogue, "cx23", "fsn1")).toEqual({ ok: true, architecture: "x86" });
    expect(checkServerType(catalogue, "cax11", "hel1")).toEqual({ ok: true, architecture: "arm" });
  });

  it("refuses a removed type and names the current one of its family", () => {
    expect(checkServerType(catalogue, "cx22", "fsn1")).toMatchObject({ ok: false, reason: "unknown", replacement: "cx23" });
  });

  it("refuses a type deprecated in the location and names a current one at least as large", () => {
    const verdict = checkServerType(catalogue, "cpx11", "nbg1");
    expect(verdict).toMatchObject({ ok: false, reason: "deprecated", replacement: "cpx22" });
    expect(!verdict.ok && verdict.message).toContain("2025-12-31T23:59:59Z");
  });

  it("refuses a type not offered in the location, listing where it is", () => {
    const verdict = checkServerType(catalogue, "cax11", "ash");
    expect(verdict).toMatchObject({ ok: false, reason: "not-offered" });
    expect(!verdict.ok && verdict.message).toContain("only in fsn1, nbg1, hel1");
  });

  it("reads deprecation per location, not the type-level flag the provider is phasing out", () => {
    const mixed: CatalogueServerType[] = [
      { name: "cx23", architecture: "x86", cores: 2, memory: 4, disk: 40, locations: [
        { name: "fsn1", available: true, isDeprecated: false },
        { name: "ash", available: true, isDeprecated: true, unavailableAfter: "2026-01-01T00:00:00Z" },
      ] },
    ];
    expect(checkServerType(mixed, "cx23", "fsn1").ok).toBe(true);
    expect(checkServerType(mixed, "cx23", "ash")).toMatchObject({ ok: false, reason: "deprecated" });
  });

  it("only warns when the type is temporarily out of stock", () => {
    const out = catalogue.map((t) => (t.name === "cx23" ? { ...t, locations: t.locations.map((l) => ({ ...l, available: false })) } : t));
    const verdict = checkServerType(out, "cx23", "fsn1");
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.ok && verdict.warning).toContain("out of stock");
  });
});

describe("hetzner stack checks the catalogue before creating the server", () => {
  it("looks up the server types and the image for the type's architecture", async () => {
    const plan = await render("hetzner");
    expect(plan.invokes("hcloud:index/getServerTypes:getServerTypes")).toHaveLength(1);
    expect(plan.invokes("hcloud:index/getImages:getImages").map((i) => i.args)).toEqual([{ withArchitectures: ["x86"], includeDeprecated: true }]);
  });

  it("fails with the config path and a replacement for a removed type", async () => {
    const err = await renderError((c) => void (c.hcloud.serverType = "cx22"));
    expect(err.message).toContain("homelab:hcloud.serverType");
    expect(err.message).toContain("use cx23 instead");
  });

  it("fails with the config path when the image does not exist", async () => {
    const err = await renderError((c) => void (c.hcloud.image = "ubuntu-18.04"));
    expect(err.message).toContain("homelab:hcloud.image");
    expect(err.message).toContain("ubuntu-18.04");
  });

  it("fails naming the date when the image is deprecated", async () => {
    const err = await renderError((c) => void (c.hcloud.image = "ubuntu-20.04"));
    expect(err.message).toContain('homelab:hcloud.image: image "ubuntu-20.04" is deprecated since 2025-06-01');
  });
});
