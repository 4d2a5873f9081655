/**
 * SSH admin sources as Hetzner's firewall takes them: the hcloud provider
 * refuses an entry with host bits set at preview and normalises the rest
 * (hetznercloud/terraform-provider-hcloud, internal/firewall/validation.go),
 * so both are config errors here, decided by arithmetic.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatConfigPath } from "../../core/config/errors";
import { formatNetwork, parseAnyCidr } from "../../core/net/cidr";
import { render, renderConfigError } from "../helpers/plan";

const problems = async (adminCidrs: string[]) => {
  const err = await renderConfigError("hetzner", { config: (c) => void (c.firewall.adminCidrs = adminCidrs) });
  return err.issues.map((i) => `${formatConfigPath(i.path)}: ${i.message}`);
};

describe("homelab:firewall.adminCidrs", () => {
  it("an entry with host bits set is refused, naming the network to write", async () => {
    expect(await problems(["198.51.100.23/24", "2001:DB8:77::1/48", "203.0.113.9/32"])).toEqual([
      "homelab:firewall.adminCidrs[0]: 198.51.100.23/24 has host bits set, which Hetzner's firewall refuses; write the network 198.51.100.0/24, or the one address with /32",
      "homelab:firewall.adminCidrs[1]: 2001:DB8:77::1/48 has host bits set, which Hetzner's firewall refuses; write the network 2001:db8:77::/48, or the one address with /128",
    ]);
  });

  it("two spellings of one network are a duplicate", async () => {
    expect(await problems(["2001:db8:77::/48", "198.51.100.0/24", "2001:0DB8:0077:0000::/48"])).toEqual([
      'homelab:firewall.adminCidrs[2]: duplicate admin CIDR "2001:0DB8:0077:0000::/48": the same network (2001:db8:77::/48) as index 0',
    ]);
  });

  it("networks in any spelling, each once, reach the firewall as written", async () => {
    const plan = await render("hetzner", { config: (c) => void (c.firewall.adminCidrs = ["198.51.100.0/24", "2001:0db8:0077::/48", "203.0.113.7/32"]) });
    const [firewall] = plan.ofType("hcloud:index/firewall:Firewall");
    const rules = (firewall!.inputs as { rules: Array<{ port?: string; sourceIps: string[] }> }).rules;
    const ssh = rules.find((r) => r.port === "22");
    expect(ssh?.sourceIps).toEqual(["198.51.100.0/24", "2001:0db8:0077::/48", "203.0.113.7/32"]);
  });
});

describe("formatNetwork", () => {
  it.each([
    ["2001:db8:0:0:1:0:0:1/128", "2001:db8::1:0:0:1/128"],
    ["2001:db8:0:1:1:1:1:1/128", "2001:db8:0:1:1:1:1:1/128"],
    ["0:0:0:0:0:0:0:0/0", "::/0"],
    ["1:0:0:0:0:0:0:0/16", "1::/16"],
    ["10.20.30.40/8", "10.0.0.0/8"],
  ])("%s → %s", (text, expected) => {
    expect(formatNetwork(parseAnyCidr(text)!)).toBe(expected);
  });

  it("(property) spells a /128 as the WHATWG URL parser serialises IPv6 (RFC 5952)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        const full = groups.map((g) => g.toString(16)).join(":");
        const viaUrl = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        expect(formatNetwork(parseAnyCidr(`${full}/128`)!)).toBe(`${viaUrl}/128`);
      }),
      { numRuns: 300 },
    );
  });
});
