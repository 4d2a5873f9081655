import { describe, expect, it } from "vitest";
import { formatConfigPath } from "../../core/config/errors";
import { renderConfigError, render } from "../helpers/plan";

describe("project config validation", () => {
  it("names both config paths when two nodes share an IP", async () => {
    const err = await renderConfigError("talos", {
      config: (c) => {
        c.nodes[1].ip = c.nodes[0].ip;
      },
    });
    expect(err.message).toContain("homelab:nodes[1].ip: duplicate IP \"10.10.0.11\", already used by homelab:nodes[0].ip");
  });

  it("lists every problem in one error", async () => {
    const err = await renderConfigError("platform", {
      config: (c) => {
        c.nodes[0].vmId = c.nodes[1].vmId;
        c.nodes[2].ip = "10.99.0.5";
        c.network.vip = "10.10.0.1";
        c.domain = "Not A Domain";
      },
    });
    const paths = err.issues.map((i) => formatConfigPath(i.path));
    expect(paths).toEqual(expect.arrayContaining(["homelab:domain"]));
    expect(err.message.split("\n")[0]).toMatch(/Invalid configuration for stack "platform" \(\d+ problems?\)/);
  });
});

describe("render", () => {
  it("renders the committed example of every stack", async () => {
    for (const stack of ["talos", "platform", "hetzner", "authentik", "cloudflare"]) {
      const plan = await render(stack);
      expect(plan.plan.stack).toBe(stack);
    }
  });
});
