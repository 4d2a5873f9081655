/**
 * The LAN end of the path public services take: the NetBird routing peer in
 * the cluster, checked against the addresses the hetzner stack uses.
 */
import { Deployment } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { beforeAll, describe, expect, it } from "vitest";
import { edgeHosts, publicRoutes } from "../../core/hetzner/bundle";
import { buildLanPath } from "../../core/hetzner/bundle/netbird-lan";
import { StackOrderError } from "../../core/config/errors";
import { STACK_REFERENCE_OUTPUTS } from "../../core/render/mocks/pulumi";
import { captureStack } from "../../core/render/harness";
import { toRawConfig } from "../../core/render/project-files";
import { exampleConfig, render, type PlanView } from "../helpers/plan";

type Obj = Record<string, any>;
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SECRET = "kubernetes:core/v1:Secret";

const hetznerOutputs = STACK_REFERENCE_OUTPUTS["hetzner"]!;

/** Renders platform with the hetzner stack's outputs changed for one render. */
async function withHetznerOutputs<T>(outputs: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  const saved = hetznerOutputs.outputs;
  hetznerOutputs.outputs = outputs;
  try {
    return await fn();
  } finally {
    hetznerOutputs.outputs = saved;
  }
}

describe("NetBird routing peer in the cluster", () => {
  let plan: PlanView;
  beforeAll(async () => {
    // On by default: the key comes from the hetzner stack, nothing to set.
    plan = await withHetznerOutputs({ ...hetznerOutputs.outputs, netbirdLanSetupKey: "canary-lan-setup-key-7" }, () => render("platform"));
  });

  it("enrols with bifrost's NetBird, the very hostname the hetzner stack serves", () => {
    const project = exampleConfig("hetzner");
    const deployment = plan.ofType(DEPLOYMENT).find((d) => (d.values as Obj)["metadata"]["name"] === "netbird-router")!;
    const container = (deployment.values as Obj)["spec"]["template"]["spec"]["containers"][0];
    const envOf = (name: string) => container.env.find((e: Obj) => e.name === name);
    expect(envOf("NB_MANAGEMENT_URL").value).toBe(`https://${edgeHosts(project as never).netbird}`);
    expect(container.image).toBe("netbirdio/netbird:0.79.0");
    expect(container.securityContext.capabilities.add).toContain("NET_ADMIN");
    // The key reaches the pod from the Secret, never in the pod spec.
    expect(envOf("NB_SETUP_KEY")).toEqual({ name: "NB_SETUP_KEY", valueFrom: { secretKeyRef: { name: "netbird-router-setup-key", key: "NB_SETUP_KEY" } } });
    expect(JSON.stringify(deployment.values)).not.toContain("canary-lan-setup-key-7");
  });

  it("keeps the hetzner stack's setup key in a Secret as a Pulumi secret, which the Deployment waits for", () => {
    const secret = plan.ofType(SECRET).find((s) => (s.values as Obj)["metadata"]["name"] === "netbird-router-setup-key")!;
    expect((secret.values as Obj)["stringData"]).toEqual({ NB_SETUP_KEY: "canary-lan-setup-key-7" });
    expect(plan.isSecretInput(secret, "stringData")).toBe(true);
    expect(JSON.stringify(secret.inputs)).not.toContain("canary-lan-setup-key-7");
    // The Secret keeps the identity it had as a bootstrap Secret: an alias, not a delete and re-create of the same name.
    const sibling = plan.one("bootstrap-secrets-cert-manager-cloudflare-api-token", SECRET);
    expect(secret.aliases).toEqual([sibling.urn.replace(/::bootstrap-secrets-cert-manager-cloudflare-api-token$/, "::bootstrap-secrets-netbird-netbird-router-setup-key")]);
    const deployment = plan.ofType(DEPLOYMENT).find((d) => (d.values as Obj)["metadata"]["name"] === "netbird-router")!;
    expect(plan.dependsOn(deployment, secret)).toBe(true);
  });

  it("lets its namespace run NET_ADMIN pods (Talos enforces baseline elsewhere)", () => {
    const ns = plan.ofType("kubernetes:core/v1:Namespace").find((n) => (n.values as Obj)["metadata"]["name"] === "netbird")!;
    expect((ns.values as Obj)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    for (const other of plan.ofType("kubernetes:core/v1:Namespace").filter((n) => n !== ns))
      expect((other.values as Obj)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"], other.name).toBeUndefined();
  });

  it("is the router of the network bifrost's bootstrap routes to the platform's Gateway", () => {
    const project = exampleConfig("hetzner");
    const lan = buildLanPath(project as never);
    const gatewayAddress = plan.output("gatewayAddress");
    expect(exampleConfig("platform")["network"]["ingressIp"]).toBe(project["network"]["ingressIp"]);
    // The Gateway's address is a resource of the network, reachable from bifrost's group on 443.
    const gateway = lan.network.resources.find((r) => r.address === `${gatewayAddress}/32`)!;
    expect(gateway).toBeDefined();
    const policy = lan.policies.find((p) => p.destinationResource === gateway.name)!;
    expect(policy.ports).toContain("443");
    // Traefik's default upstream is that same address.
    const defaults = publicRoutes(project as never).filter((r) => r.upstream === `https://${gatewayAddress}`);
    expect(defaults.length).toBeGreaterThan(0);
    // The key this peer enrols with puts it in the group that routes the network.
    const routerKey = lan.setupKeys.find((k) => k.name === "homelab-lan-router")!;
    expect(lan.network.router.peerGroups).toEqual(routerKey.autoGroups);
  });

  it("keeps the path up through a node drain: two peers on different nodes, a rollout that adds before it removes, a PodDisruptionBudget", () => {
    const deployment = plan.ofType(DEPLOYMENT).find((d) => (d.values as Obj)["metadata"]["name"] === "netbird-router")!;
    const spec = (deployment.values as Obj)["spec"];
    (new Deployment(deployment.values as never) as unknown as { validate(): void }).validate();
    expect(spec["replicas"]).toBe(2);
    expect(spec["strategy"]).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const anti = spec["template"]["spec"]["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"];
    expect(anti["topologyKey"]).toBe("kubernetes.io/hostname");
    expect(spec["template"]["metadata"]["labels"]).toMatchObject(anti["labelSelector"]["matchLabels"]);
    const pdb = plan.ofType("kubernetes:policy/v1:PodDisruptionBudget");
    expect(pdb).toHaveLength(1);
    (new PodDisruptionBudget(pdb[0]!.values as never) as unknown as { validate(): void }).validate();
    expect((pdb[0]!.values as Obj)["spec"]["minAvailable"]).toBe(1);
    expect(spec["template"]["metadata"]["labels"]).toMatchObject((pdb[0]!.values as Obj)["spec"]["selector"]["matchLabels"]);
  });

  it("with one peer, has no PodDisruptionBudget (it would block every drain)", async () => {
    const one = await withHetznerOutputs({ ...hetznerOutputs.outputs }, () => render("platform", { config: (c) => void (c.netbirdRouter = { replicas: 1 }) }));
    expect(one.ofType("kubernetes:policy/v1:PodDisruptionBudget")).toHaveLength(0);
    const deployment = one.ofType(DEPLOYMENT).find((d) => (d.values as Obj)["metadata"]["name"] === "netbird-router")!;
    expect((deployment.values as Obj)["spec"]["replicas"]).toBe(1);
  });

  it("refuses cleanly, before any resource, when the hetzner stack has no setup key yet", async () => {
    const { netbirdLanSetupKey: _, ...without } = hetznerOutputs.outputs as Record<string, unknown>;
    const capture = await withHetznerOutputs(without, () => captureStack("platform", { config: rawPlatformConfig() }));
    expect(capture.error).toBeInstanceOf(StackOrderError);
    const message = (capture.error as StackOrderError).message;
    expect(message).toContain('output "netbirdLanSetupKey"');
    expect(message).toContain("just core hetzner up");
    expect(message).toContain("homelab:netbirdRouter.enabled: false");
    // Only the stack reference it read.
    expect(capture.registered).toBe(1);
  });

  it("reads nothing from the hetzner stack when turned off", async () => {
    const { netbirdLanSetupKey: _, ...without } = hetznerOutputs.outputs as Record<string, unknown>;
    const off = await withHetznerOutputs(without, () => render("platform", { config: (c) => void (c.netbirdRouter = { enabled: false }) }));
    expect(off.ofType(DEPLOYMENT).filter((d) => (d.values as Obj)["metadata"]["name"] === "netbird-router")).toHaveLength(0);
    expect(off.ofType("pulumi:pulumi:StackReference").map((r) => r.name)).toEqual(["talos"]);
  });
});

function rawPlatformConfig() {
  const values = exampleConfig("platform");
  return toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v])));
}
