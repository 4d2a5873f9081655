/**
 * The `platform` stack (docs/architecture.md#platform): what the cluster needs before Argo CD's
 * workloads can be reached — LAN addresses for LoadBalancer Services, the
 * Gateway API and one shared Gateway with a wildcard certificate, cert-manager
 * with Let's Encrypt DNS-01, bootstrap Secrets, and routes to the platform UIs.
 */
import { defineStack } from "../stack";
import { BootstrapSecrets } from "./bootstrap-secrets";
import { CertManager } from "./cert-manager";
import { clusterProvider } from "./cluster";
import { normalize, platformShape, requiredSecrets, validatePlatform } from "./config";
import { SharedGateway } from "./gateway";
import { GatewayApiCrds } from "./gateway-api-crds";
import { LoadBalancer } from "./load-balancer";
import { PlatformNamespaces } from "./namespaces";
import { HttpRoutes } from "./routes";
import { WildcardCertificate } from "./wildcard-certificate";
import { lanSetupKey, NetbirdRouter } from "./netbird-router";

export default defineStack({
  name: "platform",
  shape: platformShape,
  rules: validatePlatform,
  requiredSecrets,
  run: async (config, secrets) => {
    const settings = normalize(config);
    const { gateway: gw, certManager: cm } = config;
    const router = config.netbirdRouter;
    // First, so stacks run out of order fail before anything is registered.
    const routerKey = router.enabled ? await lanSetupKey(config.stackRefs.hetzner) : undefined;
    const provider = clusterProvider(config.stackRefs.talos);

    const namespaces = new PlatformNamespaces("namespaces", {
      names: settings.namespaces,
      privileged: router.enabled ? [router.namespace] : [],
      provider,
    });
    const bootstrap = new BootstrapSecrets("bootstrap-secrets", {
      secrets: settings.bootstrapSecrets,
      values: secrets,
      namespaces,
      provider,
    });

    const loadBalancer = new LoadBalancer("load-balancer", { pool: config.loadBalancer, provider });

    const certManager = new CertManager("cert-manager", {
      chartVersion: cm.chartVersion,
      namespace: namespaces.ref(cm.namespace),
      domain: config.domain,
      email: cm.email,
      cloudflareToken: cm.cloudflareToken,
      tokenSecret: bootstrap.get(cm.namespace, cm.cloudflareToken.secret),
      dns01Nameservers: cm.dns01Nameservers,
      resources: cm.resources,
      provider,
    });

    const certificate = new WildcardCertificate("wildcard", {
      domain: config.domain,
      namespace: namespaces.ref(gw.namespace),
      namespaceName: gw.namespace,
      secretName: gw.tlsSecretName,
      issuer: cm.issuer,
      ciliumCopyNamespace: gw.ciliumSecrets.syncedByCilium ? undefined : gw.ciliumSecrets.namespace,
      dependsOn: [certManager.release, certManager.issuers[cm.issuer]],
      provider,
    });

    const crds = new GatewayApiCrds("gateway-api", { ...config.gatewayApi, provider });
    const gateway = new SharedGateway("ingress", {
      name: gw.name,
      namespace: namespaces.ref(gw.namespace),
      domain: config.domain,
      address: config.network.ingressIp,
      className: gw.className,
      createClass: gw.createClass,
      tlsSecretName: gw.tlsSecretName,
      crds: crds.manifest,
      addressPool: loadBalancer.pool,
      provider,
    });

    if (routerKey)
      new NetbirdRouter("netbird-router", {
        namespace: namespaces.ref(router.namespace),
        namespaceName: router.namespace,
        image: router.image,
        // bifrost's NetBird hostname, the same one the hetzner stack serves.
        managementUrl: `https://${config.edge.netbird}.${config.domain}`,
        hostname: router.hostname,
        replicas: router.replicas,
        setupKey: routerKey,
        formerParent: bootstrap,
        provider,
      });

    const routes = new HttpRoutes("routes", {
      routes: settings.routes,
      domain: config.domain,
      gateway: { name: gw.name, namespace: gw.namespace },
      namespaces,
      dependsOn: [crds.manifest, gateway.gateway],
      provider,
    });

    return {
      gatewayAddress: config.network.ingressIp,
      gateway: { name: gw.name, namespace: gw.namespace },
      gatewayApiManifest: crds.url,
      tlsSecret: { namespace: gw.namespace, name: certificate.secretName },
      certificateIssuer: cm.issuer,
      clusterIssuers: Object.keys(certManager.issuers).sort(),
      loadBalancerPool: loadBalancer.pool.metadata.name,
      bootstrapSecrets: [...bootstrap.secrets.keys()].sort(),
      hostnames: settings.routes.flatMap((r) => r.hostnames).sort(),
      routes: [...routes.routes.keys()].sort(),
    };
  },
});
