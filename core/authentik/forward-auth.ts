/**
 * Forward auth for the public services on bifrost: one proxy provider in
 * `forward_domain` mode covering every `*.<domain>` host, its application,
 * and Authentik's embedded outpost serving it.
 *
 * The edge's Traefik ForwardAuth middleware asks the embedded outpost at
 * `http://<authentik server>:9000/outpost.goauthentik.io/auth/traefik`; the
 * outpost answers only for providers it lists, hence the outpost below.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import { bindAccess } from "./access";
import type { Access } from "./config";

export interface ForwardAuthArgs {
  readonly provider: authentik.Provider;
  readonly name: string;
  readonly slug: string;
  /** Public base URL of Authentik, like https://auth.lab.example.com. */
  readonly publicUrl: string;
  /** The project domain; the session cookie is set for it and all its subdomains. */
  readonly cookieDomain: string;
  readonly accessTokenValidity: string;
  /** Flow ids. */
  readonly authenticationFlow: pulumi.Input<string>;
  readonly authorizationFlow: pulumi.Input<string>;
  readonly invalidationFlow: pulumi.Input<string>;
  /** The embedded outpost to adopt. */
  readonly outpost: { readonly id: string; readonly name: string };
  /** Who may pass forward auth (deny by default: see access.ts). */
  readonly access: Access;
  /** Group id by name, the admin group included. */
  readonly groupIds: ReadonlyMap<string, pulumi.Input<string>>;
  /** The "any signed-in user" policy, when access is public. */
  readonly anySignedInUser?: authentik.PolicyExpression;
}

/**
 * Settings of the embedded outpost. `authentik_host` is where the outpost
 * sends browsers to log in; the embedded outpost otherwise uses its internal
 * address, which browsers on the internet cannot reach. The rest are the
 * values Authentik ships.
 */
export function embeddedOutpostConfig(publicUrl: string) {
  return {
    authentik_host: `${publicUrl}/`,
    authentik_host_insecure: false,
    authentik_host_browser: "",
    log_level: "info",
    object_naming_template: "ak-outpost-%(name)s",
    refresh_interval: "minutes=5",
  };
}

export class ForwardAuth extends pulumi.ComponentResource {
  readonly proxy: authentik.ProviderProxy;
  readonly application: authentik.Application;
  /** Who may pass: without a binding every Authentik user (any GitHub enrollee) would reach every protected service. */
  readonly bindings: authentik.PolicyBinding[];
  readonly outpost: authentik.Outpost;

  constructor(name: string, args: ForwardAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:authentik:ForwardAuth", name, {}, opts);
    const child = { parent: this, provider: args.provider };

    this.proxy = new authentik.ProviderProxy(
      `${name}-provider`,
      {
        name: args.name,
        // One provider for the whole domain: every protected host shares the
        // session, and a new public service needs no Authentik change.
        mode: "forward_domain",
        // In forward_domain mode the external host is Authentik's own: the login
        // callback lands there, then the cookie on the domain covers every service.
        externalHost: args.publicUrl,
        cookieDomain: args.cookieDomain,
        accessTokenValidity: args.accessTokenValidity,
        authenticationFlow: args.authenticationFlow,
        authorizationFlow: args.authorizationFlow,
        invalidationFlow: args.invalidationFlow,
        // propertyMappings stays unset: Authentik adds the proxy scope and the
        // standard ones to every proxy provider itself.
      },
      child,
    );

    this.application = new authentik.Application(
      `${name}-application`,
      {
        name: args.name,
        slug: args.slug,
        protocolProvider: this.proxy.id.apply(Number),
        // Not something to launch: `blank://blank` keeps it out of users' app library.
        metaLaunchUrl: "blank://blank",
      },
      child,
    );

    this.bindings = bindAccess(name, {
      provider: args.provider,
      application: this.application.uuid,
      access: args.access,
      groupIds: args.groupIds,
      ...(args.anySignedInUser !== undefined ? { anySignedInUser: args.anySignedInUser } : {}),
      parent: this,
    });

    // The embedded outpost exists in every Authentik and is served by the
    // server process itself; a new outpost of type proxy would need its own
    // container. So it is adopted by import (name and type are what it has;
    // protocolProviders and config are updated right after the import), and
    // retained on delete: destroying this stack must not remove it.
    this.outpost = new authentik.Outpost(
      `${name}-outpost`,
      {
        name: args.outpost.name,
        type: "proxy",
        protocolProviders: [this.proxy.id.apply(Number)],
        config: JSON.stringify(embeddedOutpostConfig(args.publicUrl)),
      },
      { ...child, import: args.outpost.id, retainOnDelete: true },
    );

    this.registerOutputs({ providerId: this.proxy.id, outpostId: this.outpost.id });
  }
}
