/**
 * HTTPRoutes for the platform UIs (Argo CD, Hubble UI, …) from homelab:routes.
 * Each attaches only to the shared Gateway's HTTPS listeners its hostnames
 * need: plain HTTP stays with the redirect route.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RouteConfig } from "./config";
import { httpsListenerFor } from "./gateway";
import type { PlatformNamespaces } from "./namespaces";

export interface HttpRoutesArgs {
  readonly routes: readonly RouteConfig[];
  readonly domain: string;
  readonly gateway: { readonly name: string; readonly namespace: string };
  readonly namespaces: PlatformNamespaces;
  /** The Gateway API CRDs and the Gateway. */
  readonly dependsOn: pulumi.Resource[];
  readonly provider: k8s.Provider;
}

export class HttpRoutes extends pulumi.ComponentResource {
  readonly routes: ReadonlyMap<string, k8s.apiextensions.CustomResource>;

  constructor(name: string, args: HttpRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:platform:HttpRoutes", name, {}, opts);
    this.routes = new Map(
      args.routes.map((route) => [
        `${route.namespace}/${route.name}`,
        new k8s.apiextensions.CustomResource(
          `${name}-${route.namespace}-${route.name}`,
          {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: route.name, namespace: args.namespaces.ref(route.namespace) },
            spec: routeSpec(route, args.domain, args.gateway),
          },
          { parent: this, provider: args.provider, dependsOn: args.dependsOn },
        ),
      ]),
    );
    this.registerOutputs({ hostnames: args.routes.flatMap((r) => r.hostnames) });
  }
}

export function routeSpec(
  route: RouteConfig,
  domain: string,
  gateway: { readonly name: string; readonly namespace: string },
): Record<string, unknown> {
  const sections = [...new Set(route.hostnames.map((h) => httpsListenerFor(h, domain)))].sort();
  return {
    parentRefs: sections.map((sectionName) => ({
      group: "gateway.networking.k8s.io",
      kind: "Gateway",
      name: gateway.name,
      namespace: gateway.namespace,
      sectionName,
    })),
    hostnames: [...route.hostnames],
    rules: [{ backendRefs: [{ group: "", kind: "Service", name: route.service, port: route.port }] }],
  };
}
