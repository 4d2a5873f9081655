/**
 * The LAN end of the path public services take: the NetBird routing peer in
 * the cluster, checked against the addresses the hetzner stack uses.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { edgeHosts, publicRoutes } from "../../core/hetzner/bundle";
import { placeholderSecrets } from "../../core/secrets";
import { MissingSecretsError } from "../../core/config/errors";
import { captureStack } from "../../core/render/harness";
import { toRawConfig } from "../../core/render/project-files";
import { exampleConfig, render, type PlanView } from "../helpers/plan";

type Obj = Record<string, any>;
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SECRET = "kubernetes:core/v1:Secret";

describe("NetBird routing peer in the cluster", () => {
  let plan: PlanView;
  const env = { ...placeholderSecrets(), NETBIRD_LAN_SETUP_KEY: "canary-lan-setup-key-7" };
  beforeAll(async () => {
    plan = await render("platform", { env, config: (c) => void (c.netbirdRouter = { enabled: true }) });
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

  it("keeps the setup key in a Secret as a Pulumi secret, which the Deployment waits for", () => {
    const secret = plan.ofType(SECRET).find((s) => (s.values as Obj)["metadata"]["name"] === "netbird-router-setup-key")!;
    expect((secret.values as Obj)["stringData"]).toEqual({ NB_SETUP_KEY: "canary-lan-setup-key-7" });
    expect(plan.isSecretInput(secret, "stringData.NB_SETUP_KEY")).toBe(true);
    const deployment = plan.ofType(DEPLOYMENT).find((d) => (d.values as Obj)["metadata"]["name"] === "netbird-router")!;
    expect(plan.dependsOn(deployment, secret)).toBe(true);
  });

  it("lets its namespace run NET_ADMIN pods (Talos enforces baseline elsewhere)", () => {
    const ns = plan.ofType("kubernetes:core/v1:Namespace").find((n) => (n.values as Obj)["metadata"]["name"] === "netbird")!;
    expect((ns.values as Obj)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    for (const other of plan.ofType("kubernetes:core/v1:Namespace").filter((n) => n !== ns))
      expect((other.values as Obj)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"], other.name).toBeUndefined();
  });

  it("routes towards the address bifrost's Traefik forwards to: the Gateway on the LAN", () => {
    const project = exampleConfig("hetzner");
    const upstreams = publicRoutes(project as never).map((r) => new URL(r.upstream).hostname);
    expect(new Set(upstreams)).toEqual(new Set([project["network"]["ingressIp"]]));
    expect(exampleConfig("platform")["network"]["ingressIp"]).toBe(project["network"]["ingressIp"]);
  });

  it("needs its setup key only when turned on", async () => {
    const off = await render("platform");
    expect(off.ofType(DEPLOYMENT).filter((d) => (d.values as Obj)["metadata"]["name"] === "netbird-router")).toHaveLength(0);
    const env = { ...placeholderSecrets() } as Record<string, string | undefined>;
    delete env["NETBIRD_LAN_SETUP_KEY"];
    await render("platform", { env });
    const values = exampleConfig("platform");
    values["netbirdRouter"] = { enabled: true };
    const config = toRawConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, v])));
    const capture = await captureStack("platform", { config, env });
    expect(capture.error).toBeInstanceOf(MissingSecretsError);
    expect((capture.error as MissingSecretsError).missing).toEqual(["NETBIRD_LAN_SETUP_KEY"]);
  });
});
