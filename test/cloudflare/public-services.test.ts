/**
 * One list, two stacks (docs/architecture.md#cloudflare): project-level `publicServices` gives
 * each service both its DNS records (cloudflare) and its Traefik router on
 * bifrost (hetzner). Both stacks are rendered from the same changed config and
 * compared, so a service can never be public in one and missing in the other.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { STACK_REFERENCE_OUTPUTS } from "../../core/render/mocks/pulumi";
import { render, type ConfigValues, type PlanView } from "../helpers/plan";

const DOMAIN = "lab.example.com";
const BIFROST_V4 = STACK_REFERENCE_OUTPUTS["hetzner"]!.outputs["ipv4"];

/** The same edit to the project-level list, as a user would make it in Pulumi.yaml: one added, one removed. */
function editServices(c: ConfigValues): void {
  c["publicServices"] = c["publicServices"].filter((s: { name: string }) => s.name !== "immich");
  c["publicServices"].push({ name: "paperless", description: "Scanned letters on the go" });
}
const SERVICES = ["grafana", "jellyfin", "paperless"];

let dns: PlanView;
let edge: PlanView;
beforeAll(async () => {
  dns = await render("cloudflare", { config: editServices });
  edge = await render("hetzner", { config: editServices });
});

/** Every string anywhere in a value (the Traefik file sits in an asset's text). */
function* strings(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === "object") for (const v of Object.values(value)) yield* strings(v);
}

/** The routers of the one Traefik dynamic config document in the hetzner plan. */
function traefikRouters(plan: PlanView): Record<string, { rule: string }> {
  const found: Record<string, { rule: string }>[] = [];
  for (const resource of plan.resources)
    for (const text of strings(resource.values)) {
      if (!text.includes("routers")) continue;
      let doc: { http?: { routers?: Record<string, { rule: string }> } } | undefined;
      try {
        doc = parse(text);
      } catch {
        continue;
      }
      if (doc?.http?.routers) found.push(doc.http.routers);
    }
  expect(found, "expected exactly one Traefik dynamic config in the hetzner plan").toHaveLength(1);
  return found[0]!;
}

/** Hostnames a router rule matches with Host(`…`). */
const hostsOf = (rule: string): string[] => [...rule.matchAll(/Host\(`([^`]+)`\)/g)].map((m) => m[1]!);

/** Hostnames with an A record pointing at bifrost. */
function bifrostNames(plan: PlanView): string[] {
  return plan
    .ofType("cloudflare:index/dnsRecord:DnsRecord")
    .filter((r) => r.values["type"] === "A" && r.values["content"] === BIFROST_V4)
    .map((r) => String(r.values["name"]));
}

describe("the public service list drives DNS and the bifrost edge", () => {
  it("gives every listed service a bifrost record and a Traefik router, and an unlisted one neither", () => {
    const routed = Object.values(traefikRouters(edge)).map((r) => hostsOf(r.rule));
    const names = bifrostNames(dns);
    for (const s of SERVICES) {
      const host = `${s}.${DOMAIN}`;
      expect(names, `DNS for ${host}`).toContain(host);
      expect(routed, `router for ${host}`).toContainEqual([host]);
    }
    expect(names).not.toContain(`immich.${DOMAIN}`);
    expect(routed.flat()).not.toContain(`immich.${DOMAIN}`);
  });

  it("publishes exactly the names Traefik routes on bifrost, no more (no wildcard nothing serves) and no fewer", () => {
    const routed = new Set(Object.values(traefikRouters(edge)).flatMap((r) => hostsOf(r.rule)));
    const published = bifrostNames(dns);
    expect(published.filter((n) => n.includes("*"))).toEqual([]);
    expect(published.length).toBe(new Set(published).size);
    expect([...new Set(published)].sort()).toEqual([...routed].sort());
  });
});
