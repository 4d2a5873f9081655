/**
 * The `authentik` stack: Authentik SSO configured through its Pulumi
 * provider. Users log in with GitHub (accounts only for the configured GitHub
 * organisations, teams and users); each app in homelab:oidcApps gets an OIDC
 * client; groups and a service account; forward auth for the edge. Every
 * application is bound to the groups allowed to use it (deny by default).
 *
 * Everything goes through the provider (resources and data-source invokes);
 * the program itself never calls Authentik's HTTP API, so preview and the
 * offline render need no network.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import type { SecretName } from "../secrets";
import { defineStack } from "../stack";
import { anySignedInUserPolicy } from "./access";
import { accessOf, authentikShape, requiredAuthentikSecrets, validateAuthentik } from "./config";
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
      token: bootstrapToken(config.stackRefs.hetzner),
    });
    const gh = config.githubSource;
    const builtIns = lookUpBuiltIns(config.authentik, provider, gh.allowAnyGitHubAccount ? "open" : "restricted");
    const { flows } = builtIns;

    const github = new GithubLogin(gh.slug, {
      provider,
      clientId: gh.clientId,
      clientSecret: secrets.require("GITHUB_OAUTH_CLIENT_SECRET"),
      name: gh.name,
      slug: gh.slug,
      userMatchingMode: gh.userMatchingMode,
      enrollment: gh.allowAnyGitHubAccount
        ? { kind: "open", enrollmentFlow: builtIns.sourceFlows!.enrollment, authenticationFlow: builtIns.sourceFlows!.authentication }
        : {
            kind: "restricted",
            allow: { organizations: gh.allowedOrganizations, teams: gh.allowedTeams, users: gh.allowedUsers },
            enrollmentFlowSlug: gh.enrollmentFlow,
            authenticationFlowSlug: gh.authenticationFlow,
            enrollmentWriteStage: builtIns.sourceStages!.enrollmentWrite,
            enrollmentLoginStage: builtIns.sourceStages!.enrollmentLogin,
            authenticationLoginStage: builtIns.sourceStages!.authenticationLogin,
          },
      stage: config.authentik.identificationStage,
    });

    const groups = new Groups("groups", {
      provider,
      groups: config.groups,
      adminGroup: { name: config.authentik.adminGroup, id: builtIns.adminGroup },
    });
    const adminGroup = config.authentik.adminGroup;
    const appAccess = config.oidcApps.map((app) => accessOf(app, adminGroup));
    const forwardAuthAccess = accessOf(config.forwardAuth, adminGroup);
    // Only when some application is public: the policy those bind to instead of groups.
    const anySignedInUser = [...appAccess, forwardAuthAccess].some((a) => a.kind === "public")
      ? { anySignedInUser: anySignedInUserPolicy("any-signed-in-user", provider) }
      : {};

    const scopes = new ScopeMappings("scopes", { provider, standard: builtIns.scopes });
    const apps = config.oidcApps.map(
      (app, i) =>
        new OidcApp(app.slug, {
          provider,
          app,
          publicUrl,
          domain: config.domain,
          // Rules guarantee confidential apps name a secret, and requiredSecrets made it required.
          ...(app.clientSecret !== undefined ? { clientSecret: secrets.require(app.clientSecret as SecretName) } : {}),
          authenticationFlow: flows.authentication,
          authorizationFlow: app.consent === "explicit" ? flows.explicitConsent : flows.implicitConsent,
          invalidationFlow: flows.invalidation,
          scopeMappings: scopes.forApp(app.scopes),
          signingKey: builtIns.signingKey,
          access: appAccess[i]!,
          groupIds: groups.idByName,
          ...anySignedInUser,
        }),
    );

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
      access: forwardAuthAccess,
      groupIds: groups.idByName,
      ...anySignedInUser,
    });

    return {
      url: publicUrl,
      /** The callback URL to enter in the GitHub OAuth App. */
      githubCallbackUrl: `${publicUrl}/source/oauth/callback/${config.githubSource.slug}/`,
      issuers: Object.fromEntries(config.oidcApps.map((a, i) => [a.slug, apps[i]!.issuer])),
      clientIds: Object.fromEntries(config.oidcApps.map((a) => [a.slug, a.clientId])),
      githubSourceUuid: github.source.uuid,
      /** Who may create an account through GitHub: the allow-list, or "any GitHub account". */
      githubEnrollment: gh.allowAnyGitHubAccount
        ? "any GitHub account"
        : { organizations: gh.allowedOrganizations, teams: gh.allowedTeams, users: gh.allowedUsers },
      forwardAuthProviderId: forwardAuth.proxy.id,
      serviceAccountUsername: account.username,
      serviceAccountToken: serviceAccount.key,
    };
  },
});

/** The hetzner stack output that holds Authentik's bootstrap API token. */
export const BOOTSTRAP_TOKEN_OUTPUT = "authentikBootstrapToken";

/**
 * The provider's API token: the bootstrap token the hetzner stack generates
 * and hands to Authentik's first start (AUTHENTIK_BOOTSTRAP_TOKEN), read from
 * its stack outputs. No token is made by hand, and the value stays a secret.
 */
function bootstrapToken(hetznerStack: string): pulumi.Output<string> {
  const hetzner = new pulumi.StackReference("hetzner", { name: hetznerStack });
  return pulumi.secret(
    hetzner.requireOutput(BOOTSTRAP_TOKEN_OUTPUT).apply((value: unknown) => {
      if (typeof value !== "string" || value === "")
        throw new Error(`stack ${hetznerStack} output "${BOOTSTRAP_TOKEN_OUTPUT}" must be Authentik's bootstrap token (a non-empty string); run \`just core hetzner up\` first`);
      return value;
    }),
  );
}
