/**
 * The one shared Gateway (docs/architecture.md#platform) that serves every hostname of the
 * domain on the LAN address homelab:network.ingressIp, and the route that
 * redirects plain HTTP to HTTPS.
 *
 * Listeners: a wildcard listener only matches names *under* the domain, so
 * the apex gets its own pair.
 *   http        :80   *.<domain>   routes from this namespace only (the redirect)
 *   http-apex   :80   <domain>     routes from this namespace only
 *   https       :443  *.<domain>   TLS (wildcard certificate), routes from all namespaces
 *   https-apex  :443  <domain>     same
 * Plain HTTP accepts routes only from the Gateway's own namespace so no
 * application route can take precedence over the redirect and serve
 * cleartext.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const LISTENERS = {
  http: "http",
  httpApex: "http-apex",
  https: "https",
  httpsApex: "https-apex",
} as const;

/** The HTTPS listener a hostname attaches to. */
export function httpsListenerFor(hostname: string, domain: string): string {
  return hostname === domain ? LISTENERS.httpsApex : LISTENERS.https;
}

/** Cilium's operator serves GatewayClasses with this controller name. */
export const CILIUM_GATEWAY_CONTROLLER = "io.cilium/gateway-controller";

export interface SharedGatewayArgs {
  readonly name: string;
  /** Namespace (created by this stack; an Output carries the dependency). */
  readonly namespace: pulumi.Input<string>;
  readonly domain: string;
  /** LAN address from the load-balancer pool. */
  readonly address: string;
  readonly className: string;
  readonly createClass: boolean;
  /** Secret with the wildcard certificate, in the Gateway's namespace. */
  readonly tlsSecretName: string;
  /** The Gateway API CRDs. */
  readonly crds: pulumi.Resource;
  /** The load-balancer pool the Gateway's Service takes its address from. */
  readonly addressPool: pulumi.Resource;
  readonly provider: k8s.Provider;
}

export class SharedGateway extends pulumi.ComponentResource {
  readonly gateway: k8s.apiextensions.CustomResource;
  readonly gatewayClass?: k8s.apiextensions.CustomResource;
  readonly redirect: k8s.apiextensions.CustomResource;
  readonly gatewayName: string;

  constructor(name: string, args: SharedGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:platform:SharedGateway", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    this.gatewayName = args.name;

    if (args.createClass)
      this.gatewayClass = new k8s.apiextensions.CustomResource(
        `${name}-class`,
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "GatewayClass",
          metadata: { name: args.className },
          spec: { controllerName: CILIUM_GATEWAY_CONTROLLER, description: "Cilium Gateway API (Envoy on every node)" },
        },
        { ...child, dependsOn: [args.crds] },
      );

    const fromAll = { namespaces: { from: "All" } };
    const fromSame = { namespaces: { from: "Same" } };
    const tls = { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: args.tlsSecretName }] };
    const wildcard = `*.${args.domain}`;
    this.gateway = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: args.name, namespace: args.namespace },
        spec: {
          gatewayClassName: args.className,
          // Cilium (≥ 1.17) requests this address from its LB-IPAM pool for
          // the Gateway's LoadBalancer Service; `*.<domain>` resolves here.
          addresses: [{ type: "IPAddress", value: args.address }],
          listeners: [
            { name: LISTENERS.http, protocol: "HTTP", port: 80, hostname: wildcard, allowedRoutes: fromSame },
            { name: LISTENERS.httpApex, protocol: "HTTP", port: 80, hostname: args.domain, allowedRoutes: fromSame },
            { name: LISTENERS.https, protocol: "HTTPS", port: 443, hostname: wildcard, tls, allowedRoutes: fromAll },
            { name: LISTENERS.httpsApex, protocol: "HTTPS", port: 443, hostname: args.domain, tls, allowedRoutes: fromAll },
          ],
        },
      },
      { ...child, dependsOn: [args.crds, args.addressPool, ...(this.gatewayClass ? [this.gatewayClass] : [])] },
    );

    this.redirect = new k8s.apiextensions.CustomResource(
      `${name}-https-redirect`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "https-redirect", namespace: args.namespace },
        spec: {
          parentRefs: [LISTENERS.http, LISTENERS.httpApex].map((sectionName) => ({
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: args.name,
            sectionName,
          })),
          rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        },
      },
      { ...child, dependsOn: [args.crds, this.gateway] },
    );
    this.registerOutputs({ name: args.name, address: args.address });
  }
}
