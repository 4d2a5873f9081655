/**
 * Config of the `platform` stack (docs/architecture.md#platform): the stack keys of
 * Pulumi.platform.yaml, their defaults, and the cross-field rules that run
 * before any resource exists. Values that depend on other keys (the default
 * route list, the default bootstrap Secret) are filled in by `normalize`, so
 * the components receive complete, typed settings.
 */
import { z } from "zod";
import type { ConfigIssue } from "../config/errors";
import { describe, dnsLabel, duplicates, hostname, ipv4, ipv4Network, k8sName, pinnedImage, port, vVersion } from "../config/primitives";
import { secretRef, type SecretName } from "../secrets";
import type { StackConfig } from "../stack";
import { validatePool } from "./pool";


/** A regular expression Cilium matches interface names against (Go RE2; the common subset is checked here). */
const interfaceRegex = z.string().min(1).refine(
  (v) => {
    try {
      new RegExp(v);
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `expected a regular expression for interface names like ^eth[0-9]+$, got ${describe(issue.input)}` },
);

/** CPU quantity: `100m`, `0.5`, `2`. */
const cpuQuantity = z.string().regex(/^\d+(\.\d+)?m?$/, {
  error: (issue) => `expected a CPU quantity like 100m or 1, got ${describe(issue.input)}`,
});

/** Memory quantity: `128Mi`, `1Gi`. */
const memoryQuantity = z.string().regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, {
  error: (issue) => `expected a memory quantity like 128Mi or 1Gi, got ${describe(issue.input)}`,
});

const resourceList = z
  .object({
    cpu: cpuQuantity.optional().describe("CPU quantity, in cores or millicores: `100m`, `0.5`, `2`."),
    memory: memoryQuantity.optional().describe("Memory quantity in bytes with a suffix: `128Mi`, `1Gi`."),
  })
  .strict();

/** Kubernetes container resources, as the cert-manager chart takes them. */
const resourcesSchema = z
  .object({
    requests: resourceList.default({}).describe("What the scheduler reserves for the container."),
    limits: resourceList.default({}).describe("The most the container may use: over the memory limit it is killed, over the CPU limit throttled."),
  })
  .strict();

export type Resources = z.infer<typeof resourcesSchema>;

/** Key inside a Secret's data (Kubernetes allows letters, digits, '-', '_' and '.'). */
const secretDataKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, {
  error: (issue) => `expected a Secret data key (letters, digits, '-', '_', '.'), got ${describe(issue.input)}`,
});

/** A Kubernetes object name (DNS-1123 subdomain), for Secrets. */
const objectName = z.string().regex(/^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
  error: (issue) => `expected a Kubernetes object name (lower-case letters, digits, '-' and '.'), got ${describe(issue.input)}`,
});

const gatewayApiSchema = z
  .object({
    version: vVersion.default("v1.3.0").describe("Gateway API release whose CRDs are installed. Cilium 1.18 implements Gateway API v1.3.0; keep this in step with the talos stack's Cilium."),
    channel: z.enum(["standard", "experimental"]).default("experimental").describe("`experimental` adds TLSRoute (v1alpha2) and friends. Cilium 1.18's docs list TLSRoute among the CRDs that must be present, and its Gateway reconciler has failed without it (cilium/cilium#38420), so experimental is the default."),
  })
  .strict();

const gatewaySchema = z
  .object({
    name: k8sName.default("shared").describe("Name of the shared Gateway every HTTPRoute attaches to. Changing it replaces the Gateway."),
    namespace: k8sName.default("gateway").describe("Namespace of the Gateway, its redirect route and the wildcard certificate Secret."),
    className: k8sName.default("cilium").describe("GatewayClass served by Cilium's operator."),
    createClass: z.boolean().default(true).describe("Create the GatewayClass here. The Cilium chart only creates it when the Gateway API CRDs exist at install time, which they do not (this stack installs them after talos), so the talos stack sets `gatewayAPI.gatewayClass.create: \"false\"` and this stack owns the class."),
    tlsSecretName: objectName.default("wildcard-tls").describe("Name of the Secret holding the wildcard certificate."),
    ciliumSecrets: z
      .object({
        namespace: k8sName.default("cilium-secrets").describe("Cilium's secrets namespace (the Cilium chart's `gatewayAPI.secretsNamespace`)."),
        syncedByCilium: z.boolean().default(true).describe("The Cilium operator copies the Gateway's TLS Secret into the secrets namespace (the chart's default). False: cert-manager issues the copy there directly."),
      })
      .strict()
      .default({ namespace: "cilium-secrets", syncedByCilium: true }).describe("Cilium's Envoy reads TLS Secrets only from its secrets namespace (`gatewayAPI.secretsNamespace` in the Cilium chart, `cilium-secrets`). With `syncedByCilium` (the chart's default `sync: true`) the Cilium operator copies every Secret a Cilium Gateway references there as `<namespace>-<name>`; nothing else is needed. Set it to false when the talos stack turns that sync off: this stack then has cert-manager issue the copy directly into the secrets namespace. Never both: two writers of one Secret make cert-manager re-issue forever."),
  })
  .strict();

export const loadBalancerSchema = z
  .object({
    name: k8sName.default("lan").describe("Name of the CiliumLoadBalancerIPPool and CiliumL2AnnouncementPolicy."),
    blocks: z.array(ipv4Network).min(1).optional().describe("Address blocks as CIDRs (a slice of the LAN, like 10.10.0.200/29). Or use start/stop."),
    start: ipv4.optional().describe("First address of a range (with `stop`), instead of `blocks`."),
    stop: ipv4.optional().describe("Last address of the range, inclusive."),
    interfaces: z.array(interfaceRegex).min(1).default(["^eth[0-9]+$", "^en[ops][0-9a-z]+$"]).describe("Node interfaces that answer ARP for pool addresses (regular expressions)."),
    announceFromControlPlanes: z.boolean().default(false).describe("Let control-plane nodes announce pool addresses too. Off by default so ingress traffic lands on workers and control planes keep their resources for etcd and the API server."),
  })
  .strict()
  .superRefine((lb, ctx) => {
    const hasRange = lb.start !== undefined || lb.stop !== undefined;
    if (lb.blocks !== undefined && hasRange)
      ctx.addIssue({ code: "custom", message: "set either `blocks` (CIDRs) or `start` and `stop`, not both", path: [] });
    else if (lb.blocks === undefined && !hasRange)
      ctx.addIssue({ code: "custom", message: "set the pool: `blocks` (CIDRs like 10.10.0.200/29) or `start` and `stop`", path: [] });
    else if (hasRange && (lb.start === undefined || lb.stop === undefined))
      ctx.addIssue({ code: "custom", message: "a range needs both `start` and `stop`", path: [lb.start === undefined ? "start" : "stop"] });
  });

export type LoadBalancerConfig = z.infer<typeof loadBalancerSchema>;

const certManagerSchema = z
  .object({
    chartVersion: vVersion.default("v1.19.1").describe("cert-manager Helm chart version from charts.jetstack.io (their versions carry the `v`)."),
    namespace: k8sName.default("cert-manager").describe("Namespace cert-manager is installed in, with the homelab CA's key pair and the Cloudflare token Secret. Changing it re-installs cert-manager there."),
    email: z.email({ error: (issue) => `expected an e-mail address for the Let's Encrypt account, got ${describe(issue.input)}` }).describe("Let's Encrypt account e-mail: expiry and policy notices go here."),
    issuer: z.enum(["letsencrypt-prod", "letsencrypt-staging", "homelab-ca"]).default("letsencrypt-prod").describe("ClusterIssuer that signs the wildcard certificate. Start with letsencrypt-staging while testing."),
    cloudflareToken: z
      .object({
        secret: objectName.default("cloudflare-api-token").describe("Name of the Secret."),
        key: secretDataKey.default("api-token").describe("Key in the Secret's data holding the token."),
      })
      .strict()
      .default({ secret: "cloudflare-api-token", key: "api-token" }).describe("Bootstrap Secret (in cert-manager's namespace) holding the Cloudflare API token for DNS-01."),
    dns01Nameservers: z
      .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}:\d{1,5}$/, { error: (issue) => `expected a resolver like 1.1.1.1:53, got ${describe(issue.input)}` }))
      .min(1)
      .default(["1.1.1.1:53", "9.9.9.9:53"]).describe("Resolvers for the DNS-01 self-check (host:port). Public resolvers, used exclusively, because a home resolver that answers `*.<domain>` with the LAN Gateway never shows the TXT record cert-manager waits for."),
    resources: z
      .object({
        controller: resourcesSchema.describe("Requests and limits of the cert-manager controller."),
        webhook: resourcesSchema.describe("Requests and limits of the cert-manager admission webhook."),
        cainjector: resourcesSchema.describe("Requests and limits of the cert-manager CA injector."),
      })
      .strict().describe("Container resources of the cert-manager chart's three deployments; unset quantities are left to the chart."),
  })
  .strict();

export const bootstrapSecretSchema = z
  .object({
    name: objectName.describe("Name of the Secret."),
    namespace: k8sName.describe("Namespace of the Secret (created by this stack unless preexisting)."),
    data: z
      .record(secretDataKey, secretRef)
      .refine((d) => Object.keys(d).length > 0, { error: "expected at least one key, like { api-token: CLOUDFLARE_DNS01_API_TOKEN }" }).describe("Data key → name of the secret in core/secrets.ts whose value goes there."),
    type: z.string().min(1).default("Opaque").describe("Kubernetes Secret type."),
    labels: z.record(z.string(), z.string()).default({}).describe("Extra labels, e.g. `app.kubernetes.io/part-of: argocd`, which Argo CD requires on Secrets its config references."),
  })
  .strict();

export type BootstrapSecretConfig = Omit<z.infer<typeof bootstrapSecretSchema>, "data"> & {
  readonly data: Readonly<Record<string, SecretName>>;
};

export const routeSchema = z
  .object({
    name: k8sName.describe("Name of the HTTPRoute."),
    namespace: k8sName.describe("Namespace of the HTTPRoute and its backend Service."),
    hostnames: z.array(hostname).min(1).describe("Hostnames served: the domain itself or one label under it (what the wildcard certificate covers)."),
    service: k8sName.describe("Name of the backend Service, in the route's namespace."),
    port: port.describe("Port of the backend Service."),
  })
  .strict();

export type RouteConfig = z.infer<typeof routeSchema>;

export const platformShape = {
  gatewayApi: gatewayApiSchema.default({ version: "v1.3.0", channel: "experimental" }).describe("The Gateway API CRDs this stack installs."),
  gateway: gatewaySchema.default({
    name: "shared",
    namespace: "gateway",
    className: "cilium",
    createClass: true,
    tlsSecretName: "wildcard-tls",
    ciliumSecrets: { namespace: "cilium-secrets", syncedByCilium: true },
  }).describe("The shared Gateway (Cilium) serving every HTTPS hostname on homelab:network.ingressIp with the wildcard certificate."),
  loadBalancer: loadBalancerSchema.describe("Cilium's LoadBalancer address pool on the LAN, announced over ARP (L2); it must hold homelab:network.ingressIp and no node address."),
  certManager: certManagerSchema.describe("cert-manager, its ClusterIssuers (Let's Encrypt over Cloudflare DNS-01, and a homelab CA) and the wildcard certificate for `*.<domain>`."),
  bootstrapSecrets: z.array(bootstrapSecretSchema).optional().describe("Secrets created from the sops environment before anything needs them. Default: the Cloudflare token Secret cert-manager reads."),
  routes: z.array(routeSchema).optional().describe("HTTPRoutes for platform UIs. Default: Argo CD and Hubble UI at argocd.<domain> and hubble.<domain>."),
  preexistingNamespaces: z.array(k8sName).default(["argocd"]).describe("Namespaces created by someone else (the talos stack's Argo CD and Cilium releases). Kubernetes' own namespaces are always treated so. Every other namespace this stack writes into, it creates."),
  netbirdRouter: z
    .object({
      enabled: z.boolean().default(true).describe("Run the routing peer. It enrols with the hetzner stack's output netbirdLanSetupKey, so the hetzner stack runs first (README, order of stacks); turn it off for a homelab without bifrost."),
      namespace: k8sName.default("netbird").describe("Namespace of the routing peer (created here, with the privileged Pod Security level it needs)."),
      image: pinnedImage.default("netbirdio/netbird:0.79.0").describe("The NetBird client image (same release as bifrost's netbirdAgent)."),
      hostname: dnsLabel.default("homelab-lan-router").describe("Peer name in NetBird."),
      replicas: z
        .number()
        .int()
        .min(1)
        .max(5)
        .default(2)
        .describe("Routing peers (pods, spread over nodes). With 2 or more, a PodDisruptionBudget keeps one up while a node drains, and public services stay reachable through node upgrades."),
    })
    .strict()
    .default({ enabled: true, namespace: "netbird", image: "netbirdio/netbird:0.79.0", hostname: "homelab-lan-router", replicas: 2 }).describe("The NetBird routing peer on the LAN side, in the cluster: the peer through which bifrost reaches the Gateway (homelab:network.ingressIp). Its setup key, network route and access policy are made by bifrost's bootstrap; the key arrives through homelab:stackRefs.hetzner."),
} as const;

export type PlatformConfig = StackConfig<typeof platformShape>;

/** Namespaces that exist in every cluster. */
const BUILTIN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

/** Config with every derived default filled in: what the components receive. */
export interface PlatformSettings {
  readonly config: PlatformConfig;
  readonly bootstrapSecrets: readonly BootstrapSecretConfig[];
  readonly routes: readonly RouteConfig[];
  /** Namespaces this stack creates, sorted. */
  readonly namespaces: readonly string[];
}

/** The default bootstrap Secret: the Cloudflare token cert-manager's ClusterIssuers read. */
export function defaultBootstrapSecrets(c: Pick<PlatformConfig, "certManager">): BootstrapSecretConfig[] {
  return [
    {
      name: c.certManager.cloudflareToken.secret,
      namespace: c.certManager.namespace,
      type: "Opaque",
      labels: {},
      // Its own token (core/secrets.ts), not the one Pulumi manages DNS with.
      data: { [c.certManager.cloudflareToken.key]: "CLOUDFLARE_DNS01_API_TOKEN" },
    },
  ];
}

/**
 * The default platform UIs: Argo CD's server Service (port 80 serves plain
 * HTTP once Argo CD runs with `server.insecure`, which the talos stack sets
 * because TLS ends at the Gateway) and Cilium's Hubble UI.
 */
export function defaultRoutes(domain: string): RouteConfig[] {
  return [
    { name: "argocd", namespace: "argocd", hostnames: [`argocd.${domain}`], service: "argocd-server", port: 80 },
    { name: "hubble-ui", namespace: "kube-system", hostnames: [`hubble.${domain}`], service: "hubble-ui", port: 80 },
  ];
}

export function normalize(config: PlatformConfig): PlatformSettings {
  const bootstrapSecrets = (config.bootstrapSecrets as BootstrapSecretConfig[] | undefined) ?? defaultBootstrapSecrets(config);
  const routes = config.routes ?? defaultRoutes(config.domain);
  const external = new Set<string>([...BUILTIN_NAMESPACES, ...config.preexistingNamespaces]);
  const wanted = new Set<string>([
    config.certManager.namespace,
    config.gateway.namespace,
    ...bootstrapSecrets.map((s) => s.namespace),
    ...(config.netbirdRouter.enabled ? [config.netbirdRouter.namespace] : []),
    ...routes.map((r) => r.namespace),
  ]);
  const namespaces = [...wanted].filter((n) => !external.has(n)).sort();
  return { config, bootstrapSecrets, routes, namespaces };
}

/** Secrets the config names (bootstrap Secret values): required on top of the table's. */
export function requiredSecrets(config: PlatformConfig): SecretName[] {
  const names = new Set<SecretName>();
  for (const s of normalize(config).bootstrapSecrets) for (const name of Object.values(s.data)) names.add(name);
  return [...names].sort();
}

/** Cross-field rules of the platform stack. */
export function validatePlatform(config: PlatformConfig): ConfigIssue[] {
  const settings = normalize(config);
  return [
    ...validatePool(config),
    ...validateRoutes(config.domain, config.routes),
    ...validateBootstrapSecrets(config, settings.bootstrapSecrets),
  ];
}

/**
 * True when `host` is the domain or one label under it: what the Gateway's
 * listeners (`<domain>`, `*.<domain>`) and the wildcard certificate cover.
 * Deeper names would match the `*.<domain>` listener but fail TLS.
 */
export function coveredByWildcard(host: string, domain: string): boolean {
  if (host === domain) return true;
  const suffix = `.${domain}`;
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes(".");
}

function validateRoutes(domain: string, routes: readonly RouteConfig[] | undefined): ConfigIssue[] {
  if (!routes) return [];
  const issues: ConfigIssue[] = [];
  issues.push(...duplicates(routes, (r) => `${r.namespace}/${r.name}`, "name", ["routes"], "route (namespace/name)"));
  const owner = new Map<string, number>();
  routes.forEach((route, i) => {
    route.hostnames.forEach((host, h) => {
      if (!coveredByWildcard(host, domain))
        issues.push({
          path: ["routes", i, "hostnames", h],
          message: `"${host}" is not ${domain} or a name directly under it (like app.${domain}); the Gateway and its wildcard certificate serve only those`,
        });
      const first = owner.get(host);
      if (first !== undefined && first !== i)
        issues.push({ path: ["routes", i, "hostnames", h], message: `hostname "${host}" is already served by homelab:routes[${first}]` });
      else owner.set(host, i);
    });
  });
  return issues;
}

function validateBootstrapSecrets(config: PlatformConfig, secrets: readonly BootstrapSecretConfig[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  issues.push(...duplicates(secrets, (s) => `${s.namespace}/${s.name}`, "name", ["bootstrapSecrets"], "Secret (namespace/name)"));
  const token = config.certManager.cloudflareToken;
  const found = secrets.find((s) => s.name === token.secret && s.namespace === config.certManager.namespace);
  if (!found || !(token.key in found.data))
    issues.push({
      path: ["bootstrapSecrets"],
      message:
        `cert-manager's ClusterIssuers read the Cloudflare token from Secret ${config.certManager.namespace}/${token.secret} key ${token.key}; ` +
        `add { name: ${token.secret}, namespace: ${config.certManager.namespace}, data: { ${token.key}: CLOUDFLARE_DNS01_API_TOKEN } } ` +
        `(or point homelab:certManager.cloudflareToken at another bootstrap Secret in that namespace)`,
    });
  return issues;
}
