/**
 * The cloudflare stack's plan: which records exist, where they point, how
 * they are configured, and which config it refuses (docs/architecture.md#cloudflare, issue 8).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { formatConfigPath } from "../../core/config/errors";
import { planToJson } from "../../core/render/format";
import type { CapturedResource } from "../../core/render/harness";
import { STACK_REFERENCE_OUTPUTS } from "../../core/render/mocks/pulumi";
import { stableHex } from "../../core/render/mocks/types";
import { mocks } from "../../core/render/mocks";
import { exampleConfig, render, renderConfigError, type PlanView, nonEmpty } from "../helpers/plan";

const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
const GET_ZONE = "cloudflare:index/getZone:getZone";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";

const BIFROST_V4 = "203.0.113.124";
const BIFROST_V6 = "2001:db8:55d9::1";
const LAN_GATEWAY = "10.10.0.200";

/** One line per record: `<name> <type> <content>`; CAA content as its zone-file form. */
function recordSet(plan: PlanView): string[] {
  return plan
    .ofType(DNS_RECORD)
    .map((r) => {
      const v = r.values as Record<string, any>;
      const content = v["type"] === "CAA" ? `${v["data"].flags} ${v["data"].tag} "${v["data"].value}"` : v["content"];
      return `${v["name"]} ${v["type"]} ${content}`;
    })
    .sort();
}

const records = (plan: PlanView, type?: string): CapturedResource[] =>
  plan.ofType(DNS_RECORD).filter((r) => type === undefined || r.values["type"] === type);

const PAPERLESS = { name: "paperless", description: "Scanned letters on the go" };
const ZONE_ID = "0123456789abcdef0123456789abcdef";
const LONG_DESCRIPTION = "x".repeat(150);

/** The committed example. */
let plan: PlanView;
/** A grown config: domain in a parent zone, one more service, one proxied, no iodef. */
let grown: PlanView;
/** A minimal one: fixed zone id, IPv4 only, no CAA, a paid plan's comment limit, another hetzner stack. */
let minimal: PlanView;
/** What the mocks were asked to read as stack references during the minimal render. */
const stackReads: string[] = [];

beforeAll(async () => {
  plan = await render("cloudflare");
  grown = await render("cloudflare", {
    config: (c) => {
      c["dns"].zone = "example.com";
      delete c["dns"].caa.iodef;
      c["publicServices"][0].proxied = true;
      c["publicServices"].push(PAPERLESS);
    },
  });
  const saved = STACK_REFERENCE_OUTPUTS["hetzner"]!.outputs;
  const answer = mocks.newResource;
  STACK_REFERENCE_OUTPUTS["hetzner"]!.outputs = { ...saved, ipv4: "198.51.100.7" };
  mocks.newResource = (args) => {
    if (args.type === STACK_REFERENCE) stackReads.push(`${args.name} → ${String(args.inputs["name"])}`);
    return answer(args);
  };
  try {
    minimal = await render("cloudflare", {
      config: (c) => {
        c["stackRefs"].hetzner = "acme/homelab/hetzner";
        c["dns"] = { zoneId: ZONE_ID, ipv6: false, caa: { enabled: false }, commentMaxLength: 500 };
        c["publicServices"][0].description = LONG_DESCRIPTION;
      },
    });
  } finally {
    STACK_REFERENCE_OUTPUTS["hetzner"]!.outputs = saved;
    mocks.newResource = answer;
  }
});

describe("records for the example config", () => {
  it("publishes exactly the wildcard, the edge names, the public services and the CAA policy", () => {
    expect(recordSet(plan)).toEqual(
      [
        `*.lab.example.com A ${LAN_GATEWAY}`,
        ...["auth", "netbird", "status", "grafana", "immich", "jellyfin"].flatMap((label) => [
          `${label}.lab.example.com A ${BIFROST_V4}`,
          `${label}.lab.example.com AAAA ${BIFROST_V6}`,
        ]),
        `lab.example.com CAA 0 issue "letsencrypt.org"`,
        `lab.example.com CAA 0 issuewild "letsencrypt.org"`,
        `lab.example.com CAA 0 iodef "mailto:hostmaster@example.com"`,
      ].sort(),
    );
  });

  it("uses the automatic TTL and leaves every record unproxied unless its service asks", () => {
    for (const r of nonEmpty(plan.ofType(DNS_RECORD))) {
      expect(r.values["ttl"], r.name).toBe(1);
      expect(r.values["proxied"] ?? false, r.name).toBe(false);
    }
  });

  it("comments every record with the service it serves and why", () => {
    const comment = (name: string, type: string) =>
      String(records(plan, type).find((r) => r.values["name"] === name)!.values["comment"]);
    const config = exampleConfig("cloudflare");
    for (const s of config["publicServices"] as { name: string; description: string }[]) {
      expect(comment(`${s.name}.lab.example.com`, "A")).toBe(`public service ${s.name} via bifrost: ${s.description}`);
      expect(comment(`${s.name}.lab.example.com`, "AAAA")).toBe(comment(`${s.name}.lab.example.com`, "A"));
    }
    expect(comment("auth.lab.example.com", "A")).toMatch(/^Authentik SSO on bifrost; public so/);
    expect(comment("netbird.lab.example.com", "A")).toMatch(/^NetBird management.*; public so/);
    expect(comment("status.lab.example.com", "A")).toMatch(/^Gatus status page on bifrost; public so/);
    // No wildcard for NetBird's expose: nothing on bifrost serves one.
    expect(records(plan, "A").map((r) => r.values["name"]).filter((n) => String(n).startsWith("*."))).toEqual(["*.lab.example.com"]);
    expect(comment("*.lab.example.com", "A")).toMatch(/cluster Gateway.*LAN and VPN only/);
    for (const r of nonEmpty(plan.ofType(DNS_RECORD))) expect(String(r.values["comment"]).length, r.name).toBeGreaterThan(20);
  });

  it("names each record after its hostname and groups a hostname's records in one component", () => {
    const grafana = plan.one("grafana.lab.example.com", "homelab:cloudflare:HostRecords");
    expect(plan.childrenOf(grafana).map((r) => r.name).sort()).toEqual([
      "grafana.lab.example.com-a",
      "grafana.lab.example.com-aaaa",
    ]);
    const caa = plan.one("lab.example.com-caa", "homelab:cloudflare:CaaPolicy");
    expect(plan.childrenOf(caa).map((r) => r.name).sort()).toEqual([
      "lab.example.com-caa-iodef",
      "lab.example.com-caa-issue",
      "lab.example.com-caa-issuewild",
    ]);
  });

  it("creates every record with the provider built from the CLOUDFLARE_API_TOKEN secret", () => {
    const provider = plan.one("cloudflare", "pulumi:providers:cloudflare");
    expect(plan.isSecretInput(provider, "apiToken")).toBe(true);
    expect(provider.values["apiToken"]).toBe("placeholder-cloudflare-api-token");
    for (const r of nonEmpty(plan.ofType(DNS_RECORD))) expect(r.provider, r.name).toBe(provider.urn);
  });
});

describe("outputs", () => {
  it("exports the names that resolve to bifrost and the LAN wildcard", () => {
    expect(plan.output("publicHostnames")).toEqual(
      ["auth", "grafana", "immich", "jellyfin", "netbird", "status"].map((l) => `${l}.lab.example.com`),
    );
    expect(plan.output("lanWildcard")).toBe("*.lab.example.com");
  });
});

describe("zone", () => {
  it("looks the zone up by the project domain, with the stack's provider, and uses its id", () => {
    const [lookup, ...more] = plan.invokes(GET_ZONE);
    expect(more).toHaveLength(0);
    expect(lookup!.args).toEqual({ filter: { name: "lab.example.com" } });
    expect(lookup!.provider).toBe(plan.one("cloudflare", "pulumi:providers:cloudflare").urn);
    const id = stableHex("zone:lab.example.com", 32);
    for (const r of nonEmpty(plan.ofType(DNS_RECORD))) expect(r.values["zoneId"], r.name).toBe(id);
    expect(plan.output("zoneId")).toBe(id);
  });

  it("looks up the parent zone when dns.zone says the domain is a subdomain", () => {
    expect(grown.invokes(GET_ZONE).map((i) => i.args)).toEqual([{ filter: { name: "example.com" } }]);
    const id = stableHex("zone:example.com", 32);
    for (const r of nonEmpty(grown.ofType(DNS_RECORD))) expect(r.values["zoneId"], r.name).toBe(id);
    expect(records(grown, "A").map((r) => r.values["name"])).toContain("grafana.lab.example.com");
  });

  it("skips the look-up when a zone id is configured", () => {
    expect(minimal.invokes(GET_ZONE)).toHaveLength(0);
    for (const r of nonEmpty(minimal.ofType(DNS_RECORD))) expect(r.values["zoneId"], r.name).toBe(ZONE_ID);
  });
});

describe("bifrost addresses", () => {
  // A StackReference is read, not registered, so the plan lists it only as a
  // dependency; its arguments are seen where the mocks answer the read.
  const refUrn = "urn:pulumi:cloudflare::homelab::pulumi:pulumi:StackReference::hetzner";

  it("reads them from the hetzner stack named in homelab:stackRefs.hetzner", () => {
    expect(stackReads).toEqual(["hetzner → acme/homelab/hetzner"]);
    const grafana = records(minimal).filter((r) => r.values["name"] === "grafana.lab.example.com");
    expect(grafana.map((r) => r.values["content"])).toEqual(["198.51.100.7"]);
  });

  it("makes every bifrost record depend on the stack reference, and the LAN wildcard not", () => {
    for (const r of nonEmpty(plan.ofType(DNS_RECORD))) {
      const fromRef = r.values["content"] === BIFROST_V4 || r.values["content"] === BIFROST_V6;
      expect(r.dependsOn.includes(refUrn), r.name).toBe(fromRef);
    }
    expect(plan.one("*.lab.example.com-a").values["content"]).toBe(LAN_GATEWAY);
  });
});

describe("IPv6", () => {
  it("gives every bifrost hostname an AAAA next to its A record, and the IPv4-only LAN wildcard none", () => {
    const names = (type: string) => records(plan, type).map((r) => String(r.values["name"])).sort();
    expect(names("AAAA")).toEqual(names("A").filter((n) => n !== "*.lab.example.com"));
    for (const r of records(plan, "AAAA")) expect(r.values["content"], r.name).toBe(BIFROST_V6);
  });

  it("publishes no AAAA record when dns.ipv6 is off", () => {
    expect(records(minimal, "AAAA")).toHaveLength(0);
    expect(records(minimal, "A")).toHaveLength(records(plan, "A").length);
  });
});

describe("public services", () => {
  it("proxies a service that asks for it, and nothing else", () => {
    const on = records(grown).filter((r) => r.values["proxied"] === true);
    expect(on.map((r) => `${r.values["name"]} ${r.values["type"]}`).sort()).toEqual([
      "grafana.lab.example.com A",
      "grafana.lab.example.com AAAA",
    ]);
    expect(on[0]!.values["comment"]).toMatch(/^public service grafana via Cloudflare proxy and bifrost: /);
  });

  it("adds A and AAAA records when one line is added to publicServices", () => {
    const before = recordSet(plan).filter((r) => !r.includes(" iodef "));
    expect(recordSet(grown)).toEqual(
      [...before, `paperless.lab.example.com A ${BIFROST_V4}`, `paperless.lab.example.com AAAA ${BIFROST_V6}`].sort(),
    );
    expect(grown.one("paperless.lab.example.com-a").values["comment"]).toBe(
      `public service paperless via bifrost: ${PAPERLESS.description}`,
    );
  });

  it("keeps identical URNs and a byte-identical render when services and edge keys are reordered", async () => {
    const reordered = await render("cloudflare", {
      config: (c) => {
        c["publicServices"].reverse();
        c["edge"] = Object.fromEntries(Object.entries(c["edge"]).reverse());
      },
    });
    expect(reordered.resources.map((r) => r.urn)).toEqual(plan.resources.map((r) => r.urn));
    expect(planToJson(reordered.plan)).toBe(planToJson(plan.plan));
  });
});

describe("CAA", () => {
  it("publishes no CAA record when dns.caa.enabled is false", () => {
    expect(records(minimal, "CAA")).toHaveLength(0);
    expect(minimal.ofType("homelab:cloudflare:CaaPolicy")).toHaveLength(0);
  });

  it("leaves out the iodef record when no report address is configured", () => {
    expect(records(grown, "CAA").map((r) => (r.values["data"] as { tag: string }).tag).sort()).toEqual(["issue", "issuewild"]);
  });
});

describe("config validation", () => {
  const long = (n: number) => "x".repeat(n);
  const deepDomain = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(55)}.example.com`;

  it.each<[string, (c: Record<string, any>) => void, string, string]>([
    ["a service name that is not a DNS label", (c) => void (c.publicServices[0].name = "Grafana_UI"), "publicServices[0].name", "expected a DNS label"],
    ["a duplicate service name", (c) => void (c.publicServices[1].name = "grafana"), "publicServices[1].name", 'duplicate public service "grafana"'],
    ["a service named like an edge hostname", (c) => void (c.publicServices[2].name = "auth"), "publicServices[2].name", "always-public edge hostname homelab:edge.auth"],
    ["two edge services on one hostname", (c) => void (c.edge.uptime = "auth"), "edge.uptime", 'duplicate edge hostname "auth"'],
    ["a zone that does not contain the domain", (c) => void (c.dns.zone = "example.org"), "dns.zone", 'does not contain homelab:domain "lab.example.com"'],
    ["a malformed zone id", (c) => void (c.dns.zoneId = "lab.example.com"), "dns.zoneId", "expected a Cloudflare zone id"],
    ["a description too long for a record comment", (c) => void (c.publicServices[0].description = long(80)), "publicServices[0].description", "over homelab:dns.commentMaxLength (100)"],
    ["a description with a line break", (c) => void (c.publicServices[1].description = "Photos\nfrom phones"), "publicServices[1].description", "must be one line"],
    ["an iodef that is neither mailto: nor a URL", (c) => void (c.dns.caa.iodef = "hostmaster@example.com"), "dns.caa.iodef", "expected mailto:"],
    ["a hostname longer than DNS allows", (c) => void (c.domain = deepDomain), "publicServices[0].name", "DNS allows 253"],
    ["an unknown dns key", (c) => void (c.dns.ipv4 = true), "dns.ipv4", "unknown key"],
  ])("rejects %s", async (_what, mutate, path, message) => {
    const err = await renderConfigError("cloudflare", { config: (c) => void mutate(c) });
    const issue = err.issues.find((i) => formatConfigPath(i.path) === `homelab:${path}`);
    expect(issue, `no issue at homelab:${path} in:\n${err.message}`).toBeDefined();
    expect(issue!.message).toContain(message);
  });

  it("accepts a long description once the comment limit is raised for a paid plan", () => {
    expect(String(minimal.one("grafana.lab.example.com-a").values["comment"])).toContain(LONG_DESCRIPTION);
  });
});
