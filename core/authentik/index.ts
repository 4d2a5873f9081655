/**
 * The `authentik` stack (DESIGN §4.4): Authentik SSO configured through its
 * Pulumi provider. Users log in with GitHub; each app in homelab:oidcApps gets
 * an OIDC client; groups and a service account; forward auth for the edge.
 *
 * Everything goes through the provider (resources and data-source invokes);
 * the program itself never calls Authentik's HTTP API, so preview and the
 * offline render need no network.
 */
import * as authentik from "@pulumi/authentik";
import type { SecretName } from "../secrets";
import { defineStack } from "../stack";
import { authentikShape, requiredAuthentikSecrets, validateAuthentik } from "./config";
import { ForwardAuth } from "./forward-auth";
import { GithubLogin } from "./github-login";
import { Groups } from "./groups";
import { lookUpBuiltIns } from "./lookups";
import { OidcApp } from "./oidc-app";
import { ScopeMappings } from "./scopes";
import { ServiceAccount } from "./service-account";

export default defineStack({
  name: "authentik",
  shape: authentikShape,
  rules: validateAuthentik,
  requiredSecrets: requiredAuthentikSecrets,
  run: (config, secrets) => {
    const publicUrl = `https://${config.edge.auth}.${config.domain}`;
    const provider = new authentik.Provider("authentik", {
      url: config.authentik.url ?? publicUrl,
      token: secrets.require("AUTHENTIK_TOKEN"),
    });
    const builtIns = lookUpBuiltIns(config.authentik, provider);
    const { flows } = builtIns;

    const github = new GithubLogin(config.githubSource.slug, {
      provider,
      clientId: config.githubSource.clientId,
      clientSecret: secrets.require("GITHUB_OAUTH_CLIENT_SECRET"),
      name: config.githubSource.name,
      slug: config.githubSource.slug,
      userMatchingMode: config.githubSource.userMatchingMode,
      authenticationFlow: flows.sourceAuthentication,
      enrollmentFlow: flows.sourceEnrollment,
      stage: config.authentik.identificationStage,
    });

    const scopes = new ScopeMappings("scopes", { provider, standard: builtIns.scopes });
    const apps = config.oidcApps.map(
      (app) =>
        new OidcApp(app.slug, {
          provider,
          app,
          publicUrl,
          // Rules guarantee confidential apps name a secret, and requiredSecrets made it required.
          ...(app.clientSecret !== undefined ? { clientSecret: secrets.require(app.clientSecret as SecretName) } : {}),
          authenticationFlow: flows.authentication,
          authorizationFlow: app.consent === "explicit" ? flows.explicitConsent : flows.implicitConsent,
          invalidationFlow: flows.invalidation,
          scopeMappings: scopes.forApp(app.scopes),
          signingKey: builtIns.signingKey,
        }),
    );

    const groups = new Groups("groups", {
      provider,
      groups: config.groups,
      adminGroup: { name: config.authentik.adminGroup, id: builtIns.adminGroup },
    });
    const account = config.serviceAccount;
    const serviceAccount = new ServiceAccount(account.username, {
      provider,
      username: account.username,
      displayName: account.name,
      path: account.path,
      groups: account.groups.map((g) => groups.idByName.get(g)!),
      tokenIdentifier: account.tokenIdentifier,
    });

    const forwardAuth = new ForwardAuth(config.forwardAuth.slug, {
      provider,
      name: config.forwardAuth.name,
      slug: config.forwardAuth.slug,
      publicUrl,
      cookieDomain: config.domain,
      accessTokenValidity: config.forwardAuth.accessTokenValidity,
      authenticationFlow: flows.authentication,
      authorizationFlow: config.forwardAuth.consent === "explicit" ? flows.explicitConsent : flows.implicitConsent,
      invalidationFlow: flows.invalidation,
      outpost: config.authentik.embeddedOutpost,
    });

    return {
      url: publicUrl,
      /** The callback URL to enter in the GitHub OAuth App. */
      githubCallbackUrl: `${publicUrl}/source/oauth/callback/${config.githubSource.slug}/`,
      issuers: Object.fromEntries(config.oidcApps.map((a, i) => [a.slug, apps[i]!.issuer])),
      clientIds: Object.fromEntries(config.oidcApps.map((a) => [a.slug, a.clientId])),
      githubSourceUuid: github.source.uuid,
      forwardAuthProviderId: forwardAuth.proxy.id,
      serviceAccountUsername: account.username,
      serviceAccountToken: serviceAccount.key,
    };
  },
});
