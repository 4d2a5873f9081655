import { Certificate, ClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1";
import { CiliumLoadBalancerIPPool } from "@kubernetes-models/cilium/cilium.io/v2";
import { CiliumL2AnnouncementPolicy } from "@kubernetes-models/cilium/cilium.io/v2alpha1";
import { Gateway, GatewayClass, HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import { beforeAll, describe, expect, it } from "vitest";
import { STACK_REFERENCE_OUTPUTS } from "../../core/render/mocks/pulumi";
import type { CapturedResource } from "../../core/render/harness";
import { placeholderSecrets } from "../../core/secrets";
import { CREATE_SECRETS_TARGETS } from "../../core/platform/targets";
import { exampleConfig, render, renderMissingSecrets, type PlanView, nonEmpty } from "../helpers/plan";

const T = {
  provider: "pulumi:providers:kubernetes",
  configFile: "kubernetes:yaml/v2:ConfigFile",
  release: "kubernetes:helm.sh/v3:Release",
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  clusterIssuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
  certificate: "kubernetes:cert-manager.io/v1:Certificate",
  pool: "kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool",
  l2: "kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy",
} as const;

type Obj = Record<string, any>;
const values = (r: CapturedResource): Obj => r.values as Obj;
const byObjectName = (plan: PlanView, type: string, name: string): CapturedResource => {
  const found = plan.ofType(type).filter((r) => values(r)["metadata"]?.name === name);
  expect(found, `${type} named ${name}`).toHaveLength(1);
  return found[0]!;
};

/**
 * Validates an object against the upstream schema of its kind. (The models'
 * base class is ESM-only, so under this project's CommonJS type resolution its
 * `validate` is invisible to tsc; it exists at run time.)
 */
function validateAs(Model: new (data: any) => unknown, obj: unknown): void {
  (new Model(obj) as { validate(): void }).validate();
}

/** Pulumi's URN glob semantics for --target: `**` any text, `*` any text without ':'. */
function globMatches(glob: string, urn: string): boolean {
  const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = glob
    .split("**")
    .map((segment) => segment.split("*").map(quote).join("[^:]*"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(urn);
}

describe("platform stack (committed example)", () => {
  let plan: PlanView;
  const config = exampleConfig("platform");
  beforeAll(async () => {
    plan = await render("platform");
  });

  it("produces only custom objects that pass their upstream schemas (gateway-api, cert-manager, cilium)", () => {
    const models: Record<string, new (data: any) => unknown> = {
      [T.gatewayClass]: GatewayClass,
      [T.gateway]: Gateway,
      [T.httpRoute]: HTTPRoute,
      [T.clusterIssuer]: ClusterIssuer,
      [T.certificate]: Certificate,
      [T.pool]: CiliumLoadBalancerIPPool,
      [T.l2]: CiliumL2AnnouncementPolicy,
    };
    const builtIn = new Set<string>([T.namespace, T.secret, T.release, T.configFile, "kubernetes:apps/v1:Deployment", "kubernetes:policy/v1:PodDisruptionBudget"]);
    const objects = plan.resources.filter((r) => r.type.startsWith("kubernetes:") && !builtIn.has(r.type));
    expect(objects).toHaveLength(13);
    for (const r of objects) {
      const Model = models[r.type];
      expect(Model, `a schema model for ${r.type}`).toBeDefined();
      validateAs(Model!, values(r));
    }
  });

  describe("cluster access", () => {
    it("builds the Kubernetes provider from the talos stack's kubeconfig output, kept secret", () => {
      const provider = plan.one("cluster", T.provider);
      expect(plan.isSecretInput(provider, "kubeconfig")).toBe(true);
      expect(values(provider)["kubeconfig"]).toBe(STACK_REFERENCE_OUTPUTS["talos"]!.outputs["kubeconfig"]);
      expect(provider.dependsOn).toContain("urn:pulumi:platform::homelab::pulumi:pulumi:StackReference::talos");
    });

    it("passes that provider explicitly to every Kubernetes object", () => {
      const providerUrn = plan.one("cluster", T.provider).urn;
      const k8sObjects = plan.resources.filter((r) => r.type.startsWith("kubernetes:"));
      expect(k8sObjects.length).toBeGreaterThan(15);
      for (const r of k8sObjects) expect(r.provider, r.urn).toBe(providerUrn);
    });
  });

  describe("Gateway API", () => {
    it("installs the pinned Gateway API release from its upstream manifest (fetched by the provider)", () => {
      const crds = plan.one("gateway-api-manifest", T.configFile);
      expect(values(crds)["file"]).toBe(
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/experimental-install.yaml",
      );
      expect(crds.retainOnDelete).toBe(true);
    });

    it("creates the shared Gateway (class cilium) on the ingress IP with HTTP and HTTPS listeners for the domain and its wildcard", () => {
      const gw = plan.one("ingress-gateway", T.gateway);
      const obj = values(gw);
      validateAs(Gateway, obj);
      expect(obj["spec"].gatewayClassName).toBe("cilium");
      expect(obj["spec"].addresses).toEqual([{ type: "IPAddress", value: config.network.ingressIp }]);
      const listeners = obj["spec"].listeners.map((l: Obj) => [l.name, l.protocol, l.port, l.hostname]);
      expect(listeners).toEqual([
        ["http", "HTTP", 80, "*.lab.example.com"],
        ["http-apex", "HTTP", 80, "lab.example.com"],
        ["https", "HTTPS", 443, "*.lab.example.com"],
        ["https-apex", "HTTPS", 443, "lab.example.com"],
      ]);
    });

    it("serves HTTPS with the wildcard certificate's Secret and accepts routes from all namespaces", () => {
      const obj = values(plan.one("ingress-gateway", T.gateway));
      const cert = values(plan.one("wildcard-certificate", T.certificate));
      const https = obj["spec"].listeners.filter((l: Obj) => l.protocol === "HTTPS");
      expect(https).toHaveLength(2);
      for (const l of https) {
        expect(l.tls.certificateRefs).toEqual([{ group: "", kind: "Secret", name: cert["spec"].secretName }]);
        expect(l.allowedRoutes.namespaces.from).toBe("All");
      }
      // Same namespace as the Gateway: no ReferenceGrant needed.
      expect(cert["metadata"].namespace).toBe(obj["metadata"].namespace);
    });

    it("keeps plain HTTP for the redirect only: HTTP listeners accept routes from the Gateway's namespace", () => {
      const http = values(plan.one("ingress-gateway", T.gateway))["spec"].listeners.filter((l: Obj) => l.protocol === "HTTP");
      for (const l of http) expect(l.allowedRoutes.namespaces.from).toBe("Same");
    });

    it("redirects HTTP to HTTPS with a route on both HTTP listeners", () => {
      const route = values(plan.one("ingress-https-redirect", T.httpRoute));
      validateAs(HTTPRoute, route);
      expect(route["metadata"].namespace).toBe("gateway");
      expect(route["spec"].parentRefs.map((p: Obj) => [p.name, p.sectionName])).toEqual([
        ["shared", "http"],
        ["shared", "http-apex"],
      ]);
      expect(route["spec"].rules).toEqual([
        { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
      ]);
    });

    it("owns the cilium GatewayClass served by Cilium's controller", () => {
      const cls = values(plan.one("ingress-class", T.gatewayClass));
      validateAs(GatewayClass, cls);
      expect(cls["metadata"].name).toBe("cilium");
      expect(cls["spec"].controllerName).toBe("io.cilium/gateway-controller");
    });

    it("creates the GatewayClass, Gateway and every HTTPRoute only after the CRDs", () => {
      const crds = plan.one("gateway-api-manifest", T.configFile);
      const gatewayObjects = [...plan.ofType(T.gatewayClass), ...plan.ofType(T.gateway), ...plan.ofType(T.httpRoute)];
      expect(gatewayObjects.length).toBe(5);
      for (const r of gatewayObjects) expect(plan.dependsOn(r, crds), r.name).toBe(true);
    });
  });

  it("creates the Gateway after the address pool it takes its LAN address from", () => {
    expect(plan.dependsOn(plan.one("ingress-gateway", T.gateway), plan.one("load-balancer-pool", T.pool))).toBe(true);
  });

  describe("routes", () => {
    it("routes Argo CD and Hubble UI from config to their Services through the HTTPS listener", () => {
      const argocd = values(plan.one("routes-argocd-argocd", T.httpRoute));
      const hubble = values(plan.one("routes-kube-system-hubble-ui", T.httpRoute));
      for (const r of [argocd, hubble]) validateAs(HTTPRoute, r);
      expect(argocd["metadata"]).toEqual({ name: "argocd", namespace: "argocd" });
      expect(argocd["spec"].hostnames).toEqual(["argocd.lab.example.com"]);
      expect(argocd["spec"].rules).toEqual([{ backendRefs: [{ group: "", kind: "Service", name: "argocd-server", port: 80 }] }]);
      expect(argocd["spec"].parentRefs).toEqual([
        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "shared", namespace: "gateway", sectionName: "https" },
      ]);
      expect(hubble["metadata"]).toEqual({ name: "hubble-ui", namespace: "kube-system" });
      expect(hubble["spec"].rules[0].backendRefs[0]).toMatchObject({ name: "hubble-ui", port: 80 });
    });

    it("attaches routes after the Gateway exists", () => {
      const gw = plan.one("ingress-gateway", T.gateway);
      for (const r of nonEmpty(plan.ofType(T.httpRoute).filter((x) => x.name.startsWith("routes-"))))
        expect(plan.dependsOn(r, gw), r.name).toBe(true);
    });
  });

  describe("load-balancer addresses", () => {
    it("declares the pool from config, every address usable", () => {
      const pool = values(plan.one("load-balancer-pool", T.pool));
      validateAs(CiliumLoadBalancerIPPool, pool);
      expect(pool["spec"]).toEqual({ blocks: [{ cidr: "10.10.0.200/29" }], allowFirstLastIPs: "Yes" });
    });

    it("announces pool addresses on the LAN interfaces from worker nodes only", () => {
      const l2 = values(plan.one("load-balancer-l2", T.l2));
      validateAs(CiliumL2AnnouncementPolicy, l2);
      expect(l2["spec"]).toMatchObject({
        loadBalancerIPs: true,
        interfaces: config.loadBalancer.interfaces,
        nodeSelector: { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] },
      });
    });
  });

  describe("cert-manager", () => {
    it("installs the pinned chart with its CRDs and the configured resources", () => {
      const release = values(plan.one("cert-manager-release", T.release));
      expect(release).toMatchObject({
        chart: "cert-manager",
        version: config.certManager.chartVersion,
        repositoryOpts: { repo: "https://charts.jetstack.io" },
        namespace: "cert-manager",
      });
      expect(release["values"].crds).toEqual({ enabled: true, keep: true });
      expect(release["values"].resources).toEqual(config.certManager.resources.controller);
      expect(release["values"].webhook.resources).toEqual(config.certManager.resources.webhook);
      expect(release["values"].cainjector.resources).toEqual(config.certManager.resources.cainjector);
      expect(release["values"].dns01RecursiveNameservers).toBe("1.1.1.1:53,9.9.9.9:53");
    });

    it("issues from Let's Encrypt staging and production by DNS-01 through Cloudflare, for the domain's zone", () => {
      const token = values(plan.one("bootstrap-secrets-cert-manager-cloudflare-api-token", T.secret));
      const servers: Record<string, string> = {
        "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
        "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory",
      };
      for (const [name, server] of Object.entries(servers)) {
        const issuer = values(byObjectName(plan, T.clusterIssuer, name));
        validateAs(ClusterIssuer, issuer);
        expect(issuer["spec"].acme.server).toBe(server);
        expect(issuer["spec"].acme.email).toBe(config.certManager.email);
        const [solver] = issuer["spec"].acme.solvers;
        expect(solver.selector).toEqual({ dnsZones: ["lab.example.com"] });
        // The solver reads the bootstrap Secret in cert-manager's namespace.
        expect(solver.dns01.cloudflare.apiTokenSecretRef).toEqual({ name: token["metadata"].name, key: "api-token" });
        expect(token["metadata"].namespace).toBe("cert-manager");
        expect(Object.keys(token["stringData"])).toEqual(["api-token"]);
      }
    });

    it("chains a self-signed CA: selfsigned issuer → CA certificate → CA issuer", () => {
      const selfsigned = byObjectName(plan, T.clusterIssuer, "selfsigned");
      const caCert = byObjectName(plan, T.certificate, "homelab-ca");
      const caIssuer = byObjectName(plan, T.clusterIssuer, "homelab-ca");
      for (const r of [selfsigned, caIssuer]) validateAs(ClusterIssuer, values(r));
      validateAs(Certificate, values(caCert));
      expect(values(selfsigned)["spec"]).toEqual({ selfSigned: {} });
      expect(values(caCert)["spec"]).toMatchObject({ isCA: true, issuerRef: { kind: "ClusterIssuer", name: "selfsigned" } });
      expect(values(caCert)["metadata"].namespace).toBe("cert-manager");
      expect(values(caIssuer)["spec"]).toEqual({ ca: { secretName: values(caCert)["spec"].secretName } });
      expect(plan.dependsOn(caIssuer, caCert)).toBe(true);
      expect(plan.dependsOn(caCert, selfsigned)).toBe(true);
    });

    it("issues the wildcard certificate for the domain and *.domain from the configured issuer", () => {
      const cert = values(plan.one("wildcard-certificate", T.certificate));
      validateAs(Certificate, cert);
      expect(cert["spec"].dnsNames).toEqual(["lab.example.com", "*.lab.example.com"]);
      expect(cert["spec"].issuerRef).toEqual({ group: "cert-manager.io", kind: "ClusterIssuer", name: "letsencrypt-prod" });
    });

    it("leaves the cilium-secrets copy to Cilium's operator when its secret sync is on", () => {
      expect(plan.ofType(T.certificate).filter((r) => values(r)["metadata"].namespace === "cilium-secrets")).toEqual([]);
    });

    it("creates issuers and certificates only after the cert-manager release (CRDs and webhook)", () => {
      const release = plan.one("cert-manager-release", T.release);
      const dependents = [...plan.ofType(T.clusterIssuer), ...plan.ofType(T.certificate)];
      expect(dependents.length).toBe(6);
      for (const r of dependents) expect(plan.dependsOn(r, release), r.name).toBe(true);
      expect(plan.dependsOn(plan.one("wildcard-certificate", T.certificate), byObjectName(plan, T.clusterIssuer, "letsencrypt-prod"))).toBe(true);
    });
  });

  describe("bootstrap Secrets", () => {
    it("creates every Secret from config with its values as Pulumi secrets", () => {
      const placeholders = placeholderSecrets();
      const secrets = plan.ofType(T.secret);
      expect(secrets.map((s) => `${values(s)["metadata"].namespace}/${values(s)["metadata"].name}`).sort()).toEqual([
        "argocd/argocd-oidc",
        "cert-manager/cloudflare-api-token",
        "monitoring/grafana-oidc",
        // The NetBird routing peer's, from the hetzner stack (netbird-router.test.ts).
        "netbird/netbird-router-setup-key",
      ]);
      const grafana = plan.one("bootstrap-secrets-monitoring-grafana-oidc", T.secret);
      expect(plan.isSecretInput(grafana, "stringData.client-secret")).toBe(true);
      expect(values(grafana)["stringData"]).toEqual({ "client-secret": placeholders.GRAFANA_OIDC_CLIENT_SECRET });
      expect(JSON.stringify(grafana.inputs)).not.toContain(placeholders.GRAFANA_OIDC_CLIENT_SECRET);
      for (const s of secrets) expect(plan.isSecretInput(s, "stringData"), s.name).toBe(true);
    });

    it("annotates every bootstrap Secret so Argo CD neither prunes it nor reports it as drift", () => {
      for (const s of nonEmpty(plan.ofType(T.secret)))
        expect(values(s)["metadata"].annotations, s.name).toEqual({
          "argocd.argoproj.io/sync-options": "Prune=false",
          "argocd.argoproj.io/compare-options": "IgnoreExtraneous",
        });
    });

    it("labels the Argo CD OIDC Secret so Argo CD resolves $argocd-oidc:client-secret", () => {
      const s = values(plan.one("bootstrap-secrets-argocd-argocd-oidc", T.secret));
      expect(s["metadata"].labels).toMatchObject({ "app.kubernetes.io/part-of": "argocd" });
    });

    it("creates the namespaces the Secrets need (except pre-existing ones) and keeps them on destroy", () => {
      const namespaces = plan.ofType(T.namespace);
      expect(namespaces.map((n) => values(n)["metadata"].name).sort()).toEqual(["cert-manager", "gateway", "monitoring", "netbird"]);
      for (const n of namespaces) expect(n.retainOnDelete, n.name).toBe(true);
      const grafana = plan.one("bootstrap-secrets-monitoring-grafana-oidc", T.secret);
      expect(plan.dependsOn(grafana, plan.one("namespaces-monitoring", T.namespace))).toBe(true);
    });

    it("`just create-secrets` targets select the Secrets, their namespaces and the provider, and nothing else", () => {
      const selected = plan.resources.filter((r) => CREATE_SECRETS_TARGETS.some((g) => globMatches(g, r.urn)));
      const kinds = new Set(selected.map((r) => r.type));
      expect([...kinds].sort()).toEqual([
        "homelab:platform:BootstrapSecrets",
        "homelab:platform:Namespaces",
        T.namespace,
        T.secret,
        T.provider,
        // The provider reads the kubeconfig from it, so a targeted update must include the read.
        "pulumi:pulumi:StackReference",
      ].sort());
      const bootstrapSecrets = plan.ofType(T.secret).filter((r) => r.parent?.endsWith("homelab:platform:BootstrapSecrets::bootstrap-secrets"));
      expect(bootstrapSecrets.length).toBeGreaterThan(0);
      expect(selected.filter((r) => r.type === T.secret).map((r) => r.name).sort()).toEqual(bootstrapSecrets.map((r) => r.name).sort());
      // Everything a selected Secret depends on is selected too (so a targeted update can create it).
      const urns = new Set(selected.map((r) => r.urn));
      for (const s of nonEmpty(selected.filter((r) => r.type === T.secret)))
        for (const d of s.dependsOn) expect(urns.has(d), `${s.name} → ${d}`).toBe(true);
      expect(CREATE_SECRETS_TARGETS.some((g) => globMatches(g, "urn:pulumi:platform::homelab::pulumi:pulumi:StackReference::talos"))).toBe(true);
    });
  });

  it("exports only plain values (the kubeconfig never leaves as an output)", () => {
    expect(plan.plan.secretOutputs).toEqual([]);
    expect(JSON.stringify(plan.plan.outputValues)).not.toContain("client-key-data");
    expect(plan.output("gatewayAddress")).toBe("10.10.0.200");
  });
});

describe("platform stack (other config choices)", () => {
  let plan: PlanView;
  beforeAll(async () => {
    plan = await render("platform", {
      config: (c) => {
        delete c.routes;
        delete c.bootstrapSecrets;
        c.loadBalancer = { start: "10.10.0.200", stop: "10.10.0.220", interfaces: ["^ens18$"], announceFromControlPlanes: true };
        c.gateway = { ...c.gateway, ciliumSecrets: { namespace: "cilium-secrets", syncedByCilium: false }, createClass: false };
        c.gatewayApi = { version: "v1.3.0", channel: "standard" };
        c.certManager.issuer = "letsencrypt-staging";
      },
    });
  });

  it("defaults the routes to Argo CD and Hubble UI under the domain", () => {
    const hosts = plan.ofType(T.httpRoute).flatMap((r) => values(r)["spec"].hostnames ?? []);
    expect(hosts.sort()).toEqual(["argocd.lab.example.com", "hubble.lab.example.com"]);
  });

  it("defaults the bootstrap Secrets to the Cloudflare token cert-manager needs", () => {
    const secrets = plan.ofType(T.secret).filter((s) => s.name.startsWith("bootstrap-secrets-")).map((s) => values(s));
    expect(secrets.map((s) => [s["metadata"].namespace, s["metadata"].name, Object.keys(s["stringData"])])).toEqual([
      ["cert-manager", "cloudflare-api-token", ["api-token"]],
    ]);
  });

  it("takes a start/stop range and lets control planes announce when config says so", () => {
    const pool = values(plan.one("load-balancer-pool", T.pool));
    validateAs(CiliumLoadBalancerIPPool, pool);
    expect(pool["spec"].blocks).toEqual([{ start: "10.10.0.200", stop: "10.10.0.220" }]);
    const l2 = values(plan.one("load-balancer-l2", T.l2));
    validateAs(CiliumL2AnnouncementPolicy, l2);
    expect(l2["spec"].nodeSelector).toBeUndefined();
    expect(l2["spec"].interfaces).toEqual(["^ens18$"]);
  });

  it("issues the copy into cilium-secrets, named as Cilium looks it up, when Cilium does not sync Secrets", () => {
    const copy = values(plan.one("wildcard-cilium-copy", T.certificate));
    validateAs(Certificate, copy);
    expect(copy["metadata"]).toEqual({ name: "gateway-wildcard-tls", namespace: "cilium-secrets" });
    expect(copy["spec"]).toMatchObject({
      secretName: "gateway-wildcard-tls",
      dnsNames: ["lab.example.com", "*.lab.example.com"],
      issuerRef: { name: "letsencrypt-staging" },
    });
    expect(plan.dependsOn(plan.one("wildcard-cilium-copy", T.certificate), plan.one("cert-manager-release", T.release))).toBe(true);
  });

  it("uses the standard channel and leaves the GatewayClass to Cilium's chart when told", () => {
    expect(values(plan.one("gateway-api-manifest", T.configFile))["file"]).toMatch(/\/v1\.3\.0\/standard-install\.yaml$/);
    expect(plan.ofType(T.gatewayClass)).toEqual([]);
  });
});

describe("platform secrets", () => {
  it("requires every secret the bootstrap Secrets name", async () => {
    const env = { ...placeholderSecrets() } as Record<string, string | undefined>;
    delete env["GRAFANA_OIDC_CLIENT_SECRET"];
    const err = await renderMissingSecrets("platform", env);
    expect(err.missing).toEqual(["GRAFANA_OIDC_CLIENT_SECRET"]);
  });

  it("gives cert-manager its own DNS-01 token, never the one Pulumi manages DNS with", async () => {
    const env = { ...placeholderSecrets() } as Record<string, string | undefined>;
    delete env["CLOUDFLARE_API_TOKEN"];
    const plan = await render("platform", { env });
    const secret = values(plan.one("bootstrap-secrets-cert-manager-cloudflare-api-token", T.secret));
    expect(secret["stringData"]).toEqual({ "api-token": placeholderSecrets().CLOUDFLARE_DNS01_API_TOKEN });
    const without = { ...placeholderSecrets() } as Record<string, string | undefined>;
    delete without["CLOUDFLARE_DNS01_API_TOKEN"];
    expect((await renderMissingSecrets("platform", without)).missing).toEqual(["CLOUDFLARE_DNS01_API_TOKEN"]);
  });

  it("reads the kubeconfig from the stack named in homelab:stackRefs.talos", async () => {
    const plan = await render("platform", { config: (c) => void (c.stackRefs.talos = "someone/lab/talos-elsewhere") });
    const refs = plan.ofType("pulumi:pulumi:StackReference").filter((r) => r.name === "talos");
    expect(refs.map((r) => r.readId)).toEqual(["someone/lab/talos-elsewhere"]);
    expect(plan.one("cluster", "pulumi:providers:kubernetes").dependsOn).toContain(refs[0]!.urn);
  });
});
