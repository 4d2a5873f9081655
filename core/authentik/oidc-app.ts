/**
 * One OIDC application: an OAuth2 provider (the client) and the application
 * that users see in their library and that policies bind to.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import { bindAccess } from "./access";
import type { Access, OidcAppConfig } from "./config";
import { redirectUriEntry, wildcardDomains } from "./redirect-uris";

export interface OidcAppArgs {
  readonly provider: authentik.Provider;
  readonly app: OidcAppConfig;
  /** Public base URL of Authentik, like https://auth.lab.example.com (no trailing slash). */
  readonly publicUrl: string;
  /** The project domain: host wildcards in redirect URIs range under it (or under the app's launchUrl host). */
  readonly domain: string;
  /** Client secret for confidential clients; a Pulumi secret. */
  readonly clientSecret?: pulumi.Input<string>;
  /** Flow ids. */
  readonly authenticationFlow: pulumi.Input<string>;
  readonly authorizationFlow: pulumi.Input<string>;
  readonly invalidationFlow: pulumi.Input<string>;
  /** Scope-mapping ids the provider offers. */
  readonly scopeMappings: pulumi.Input<string>[];
  /** Certificate-key pair that signs ID tokens. */
  readonly signingKey: pulumi.Input<string>;
  /** Who may use the application (deny by default: see access.ts). */
  readonly access: Access;
  /** Group id by name, the admin group included. */
  readonly groupIds: ReadonlyMap<string, pulumi.Input<string>>;
  /** The "any signed-in user" policy, when access is public. */
  readonly anySignedInUser?: authentik.PolicyExpression;
}

/** Where clients discover this app: Authentik's per-provider issuer. */
export function issuerUrl(publicUrl: string, slug: string): string {
  return `${publicUrl}/application/o/${slug}/`;
}

export class OidcApp extends pulumi.ComponentResource {
  readonly oauth2: authentik.ProviderOauth2;
  readonly application: authentik.Application;
  /** Who may use it: without a binding Authentik would let every user in. */
  readonly bindings: authentik.PolicyBinding[];
  readonly issuer: string;

  constructor(name: string, args: OidcAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:authentik:OidcApp", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const { app } = args;

    this.oauth2 = new authentik.ProviderOauth2(
      `${name}-provider`,
      {
        name: app.name,
        clientId: app.clientId,
        clientType: app.clientType,
        // Public clients have no secret; confidential ones use the one from the secrets table.
        ...(args.clientSecret !== undefined ? { clientSecret: args.clientSecret } : {}),
        allowedRedirectUris: app.redirectUris.map((uri) => ({ ...redirectUriEntry(uri, wildcardDomains(args.domain, app.launchUrl)) })),
        authenticationFlow: args.authenticationFlow,
        authorizationFlow: args.authorizationFlow,
        invalidationFlow: args.invalidationFlow,
        propertyMappings: args.scopeMappings,
        signingKey: args.signingKey,
        // per_provider makes the issuer /application/o/<slug>/, the URL exported below.
        issuerMode: "per_provider",
        accessCodeValidity: app.accessCodeValidity,
        accessTokenValidity: app.accessTokenValidity,
        refreshTokenValidity: app.refreshTokenValidity,
      },
      child,
    );

    this.application = new authentik.Application(
      `${name}-application`,
      {
        name: app.name,
        slug: app.slug,
        // The provider's Pulumi id is its integer pk as a string; the application wants the number.
        protocolProvider: this.oauth2.id.apply(Number),
        ...(app.launchUrl !== undefined ? { metaLaunchUrl: app.launchUrl } : {}),
        ...(app.description !== undefined ? { metaDescription: app.description } : {}),
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

    this.issuer = issuerUrl(args.publicUrl, app.slug);
    this.registerOutputs({ issuer: this.issuer, clientId: app.clientId, providerId: this.oauth2.id });
  }
}
