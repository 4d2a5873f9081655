import { describe, expect, it } from "vitest";
import { formatConfigPath } from "../../core/config/errors";
import { renderConfigError } from "../helpers/plan";

/** Each problem as `homelab:path: message`, for readable assertions. */
async function problems(config: Parameters<typeof renderConfigError>[1]["config"]): Promise<string[]> {
  const err = await renderConfigError("platform", { config });
  return err.issues.map((i) => `${formatConfigPath(i.path)}: ${i.message}`);
}

describe("platform config validation", () => {
  it("rejects a pool that overlaps a node IP, naming the node", async () => {
    const found = await problems((c) => {
      c.loadBalancer.blocks = ["10.10.0.16/29"]; // .16-.23 holds the workers .21 and .22
      c.network.ingressIp = "10.10.0.17";
    });
    expect(found).toEqual([
      expect.stringMatching(/^homelab:loadBalancer\.blocks\[0\]: pool 10\.10\.0\.16\/29 contains node k8s-worker-1's IP homelab:nodes\[3\]\.ip \(10\.10\.0\.21\)/),
      expect.stringMatching(/^homelab:loadBalancer\.blocks\[0\]: .*node k8s-worker-2's IP/),
    ]);
  });

  it("rejects a pool outside the LAN subnet", async () => {
    const found = await problems((c) => {
      c.loadBalancer.blocks = ["10.10.0.200/29", "10.20.0.0/29"];
    });
    expect(found).toEqual([
      expect.stringMatching(/^homelab:loadBalancer\.blocks\[1\]: pool 10\.20\.0\.0\/29 is outside the LAN subnet 10\.10\.0\.0\/24/),
    ]);
  });

  it("rejects a start/stop range that runs past the subnet's last host", async () => {
    const found = await problems((c) => {
      c.loadBalancer = { start: "10.10.0.200", stop: "10.10.0.255", interfaces: ["^eth0$"] };
    });
    expect(found).toEqual([expect.stringMatching(/^homelab:loadBalancer\.start: pool 10\.10\.0\.200-10\.10\.0\.255 is outside the LAN subnet/)]);
  });

  it("rejects a pool that contains the VIP or the gateway", async () => {
    const found = await problems((c) => {
      c.loadBalancer.blocks = ["10.10.0.0/29"];
      c.network.ingressIp = "10.10.0.5";
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/outside the LAN subnet/), // .0 is the network address
        expect.stringMatching(/contains the gateway homelab:network\.gateway \(10\.10\.0\.1\)/),
      ]),
    );
    const vip = await problems((c) => {
      c.loadBalancer = { start: "10.10.0.9", stop: "10.10.0.10", interfaces: ["^eth0$"] };
      c.network.ingressIp = "10.10.0.9";
    });
    expect(vip).toEqual([expect.stringMatching(/contains the Kubernetes API VIP homelab:network\.vip \(10\.10\.0\.10\)/)]);
  });

  it("requires the ingress IP inside the pool, because the Gateway takes it from there", async () => {
    const found = await problems((c) => {
      c.network.ingressIp = "10.10.0.100";
    });
    expect(found).toEqual([
      "homelab:network.ingressIp: ingress IP 10.10.0.100 must be inside the load-balancer pool homelab:loadBalancer (10.10.0.200/29): the shared Gateway takes its address from that pool",
    ]);
  });

  it("rejects overlapping blocks and a range that ends before it starts", async () => {
    expect(await problems((c) => void (c.loadBalancer.blocks = ["10.10.0.200/29", "10.10.0.204/30"]))).toEqual([
      "homelab:loadBalancer.blocks[1]: pool block 10.10.0.204/30 overlaps 10.10.0.200/29",
    ]);
    expect(
      await problems((c) => void (c.loadBalancer = { start: "10.10.0.220", stop: "10.10.0.200", interfaces: ["^eth0$"] })),
    ).toEqual(["homelab:loadBalancer.stop: range ends (10.10.0.200) before it starts (10.10.0.220)"]);
  });

  it("asks for exactly one way to declare the pool", async () => {
    expect(await problems((c) => void (c.loadBalancer.start = "10.10.0.200"))).toEqual([
      "homelab:loadBalancer: set either `blocks` (CIDRs) or `start` and `stop`, not both",
    ]);
    expect(await problems((c) => void delete c.loadBalancer.blocks)).toEqual([
      "homelab:loadBalancer: set the pool: `blocks` (CIDRs like 10.10.0.200/29) or `start` and `stop`",
    ]);
  });

  it("refuses to keep control planes out of L2 announcements when there is no worker", async () => {
    const found = await problems((c) => {
      c.nodes = c.nodes.filter((n: { role: string }) => n.role === "controlplane");
    });
    expect(found).toEqual([expect.stringMatching(/^homelab:loadBalancer\.announceFromControlPlanes: homelab:nodes has no worker/)]);
  });

  it("rejects a route hostname outside the domain, or too deep for the wildcard certificate", async () => {
    const found = await problems((c) => {
      c.routes[0].hostnames = ["argocd.example.org", "a.b.lab.example.com"];
    });
    expect(found).toEqual([
      'homelab:routes[0].hostnames[0]: "argocd.example.org" is not lab.example.com or a name directly under it (like app.lab.example.com); the Gateway and its wildcard certificate serve only those',
      expect.stringMatching(/^homelab:routes\[0\]\.hostnames\[1\]: "a\.b\.lab\.example\.com" is not lab\.example\.com or a name directly under it/),
    ]);
  });

  it("rejects two routes claiming the same hostname", async () => {
    const found = await problems((c) => {
      c.routes[1].hostnames = ["argocd.lab.example.com"];
    });
    expect(found).toEqual(['homelab:routes[1].hostnames[0]: hostname "argocd.lab.example.com" is already served by homelab:routes[0]']);
  });

  it("insists on the Cloudflare token Secret cert-manager's issuers read", async () => {
    const found = await problems((c) => {
      c.bootstrapSecrets = c.bootstrapSecrets.filter((s: { name: string }) => s.name !== "cloudflare-api-token");
    });
    expect(found).toEqual([expect.stringMatching(/^homelab:bootstrapSecrets: cert-manager's ClusterIssuers read the Cloudflare token from Secret cert-manager\/cloudflare-api-token key api-token/)]);
  });

  it("rejects a bootstrap Secret naming a secret that is not in the secrets table", async () => {
    const found = await problems((c) => {
      c.bootstrapSecrets[1].data = { "client-secret": "ARGOCD_CLIENT_SECRET" };
    });
    expect(found).toEqual([expect.stringMatching(/^homelab:bootstrapSecrets\[1\]\.data\.client-secret: expected the name of a secret in core\/secrets\.ts/)]);
  });

  it("rejects an unpinned cert-manager chart and a bad e-mail in one error", async () => {
    const found = await problems((c) => {
      c.certManager.chartVersion = "latest";
      c.certManager.email = "not-an-address";
    });
    expect(found.map((f) => f.split(":").slice(0, 2).join(":"))).toEqual([
      "homelab:certManager.chartVersion",
      "homelab:certManager.email",
    ]);
  });
});
