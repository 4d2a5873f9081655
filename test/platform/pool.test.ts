import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv4, parseIPv4 } from "../../core/net/ipv4";
import { coveredByWildcard } from "../../core/platform/config";
import { gatewayApiManifestUrl } from "../../core/platform/gateway-api-crds";
import { poolRanges, poolSize, validatePool } from "../../core/platform/pool";
import { exampleConfig } from "../helpers/plan";

const base = exampleConfig("platform");
const lan = { network: base.network, nodes: base.nodes };

describe("load-balancer pool maths", () => {
  it("turns CIDR blocks and a start/stop range into address ranges", () => {
    expect(poolSize(poolRanges({ blocks: ["10.10.0.200/29", "10.10.0.240/30"] }))).toBe(12);
    const [range] = poolRanges({ start: "10.10.0.200", stop: "10.10.0.220" });
    expect([formatIPv4(range!.range.first), formatIPv4(range!.range.last)]).toEqual(["10.10.0.200", "10.10.0.220"]);
  });

  it("accepts the committed example", () => {
    expect(validatePool({ ...lan, loadBalancer: base.loadBalancer })).toEqual([]);
  });

  it("never accepts a pool that holds a reserved LAN address or misses the ingress IP", () => {
    const reserved = [lan.network.gateway, lan.network.vip, ...lan.network.nameservers, ...lan.nodes.map((n: { ip: string }) => n.ip)]
      .map((ip: string) => parseIPv4(ip)!);
    const host = fc.integer({ min: 0, max: 300 }).map((n) => parseIPv4("10.10.0.0")! + n);
    fc.assert(
      fc.property(host, fc.integer({ min: 0, max: 40 }), host, (first, length, ingress) => {
        const loadBalancer = { start: formatIPv4(first), stop: formatIPv4(first + length), interfaces: ["^eth0$"], announceFromControlPlanes: false, name: "lan" };
        const issues = validatePool({ network: { ...lan.network, ingressIp: formatIPv4(ingress) }, nodes: lan.nodes, loadBalancer });
        const inPool = (ip: number) => ip >= first && ip <= first + length;
        const ok = issues.length === 0;
        if (ok) {
          expect(reserved.some(inPool)).toBe(false);
          expect(inPool(ingress)).toBe(true);
          expect(first).toBeGreaterThan(parseIPv4("10.10.0.0")!);
          expect(first + length).toBeLessThan(parseIPv4("10.10.0.255")!);
        } else {
          expect(reserved.some(inPool) || !inPool(ingress) || first + length >= parseIPv4("10.10.0.255")! || first <= parseIPv4("10.10.0.0")!).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("route hostnames", () => {
  it.each([
    ["lab.example.com", true],
    ["grafana.lab.example.com", true],
    ["a.b.lab.example.com", false],
    ["xlab.example.com", false],
    ["example.com", false],
  ])("%s covered by the wildcard certificate: %s", (host, covered) => {
    expect(coveredByWildcard(host, "lab.example.com")).toBe(covered);
  });
});

describe("Gateway API manifest", () => {
  it("points at the release asset of the pinned version and channel", () => {
    expect(gatewayApiManifestUrl("v1.3.0", "standard")).toBe(
      "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml",
    );
  });
});
