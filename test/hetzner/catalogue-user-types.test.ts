/**
 * The offline render answers Hetzner's catalogue from a short list; a user's
 * valid server type outside it must still render (it is checked against the
 * API at preview), while the types Hetzner removed stay refused.
 */
import { describe, expect, it } from "vitest";
import { CatalogueError } from "../../core/hetzner/catalogue";
import { captureStack, placeholderEnv } from "../../core/render/harness";
import { toRawConfig } from "../../core/render/project-files";
import { exampleConfig, render } from "../helpers/plan";

const withType = (serverType: string, location = "fsn1") => (c: Record<string, any>) => {
  c.hcloud.serverType = serverType;
  c.hcloud.location = location;
};

describe("server types the render's catalogue does not list", () => {
  it.each([
    ["cx43", "fsn1", "x86"],
    ["ccx13", "hel1", "x86"],
    ["cpx32", "ash", "x86"],
    ["cax21", "nbg1", "arm"],
  ])("%s in %s renders, with images looked up for %s", async (serverType, location, architecture) => {
    const plan = await render("hetzner", { config: withType(serverType, location) });
    const [server] = plan.ofType("hcloud:index/server:Server");
    expect(server?.inputs).toMatchObject({ serverType, location });
    expect(plan.invokes("hcloud:index/getImages:getImages").map((i) => i.args)).toEqual([{ withArchitectures: [architecture], includeDeprecated: true }]);
  });

  it("a type Hetzner removed is still refused, naming a current one", async () => {
    const values = exampleConfig("hetzner");
    withType("cpx31")(values);
    const config = toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v])));
    const capture = await captureStack("hetzner", { config, env: placeholderEnv() });
    expect(capture.error).toBeInstanceOf(CatalogueError);
    expect((capture.error as Error).message).toMatch(/^homelab:hcloud\.serverType: Hetzner has no server type "cpx31".*use cpx\d+ instead/);
  });
});
