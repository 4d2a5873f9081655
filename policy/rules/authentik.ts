/**
 * Deny by default in Authentik: an application with no policy binding lets
 * every user in, and so does a social-login source whose enrollment is not
 * behind an allow-list. Authentik's policy engine passes an object that has
 * no bindings (goauthentik/authentik authentik/policies/engine.py:
 * PolicyEngine sets empty_result = True, "objects with no policies attached
 * will pass", and returns it when there are no results).
 *
 * The rules are the authentik stack's own pure checks (core/authentik/checks.ts),
 * so the program's tests and this pack decide the same way.
 */
import { openSourceEnrollments, openSourceLogins, redirectUriViolations, redirectUriViolationsInPlan, unboundApplications, AUTHENTIK_TYPES, OAUTH2_PROVIDER_TYPE, type PlannedResource } from "../../core/authentik/checks";
import { wildcardDomains } from "../../core/authentik/redirect-uris";
import type { StackGuard, Subject } from "../guard";

const planned = (resources: readonly Subject[]): PlannedResource[] =>
  resources.map((r) => ({ urn: r.urn, type: r.type, inputs: r.props, dependsOn: r.dependsOn }));

const nameOf = (resources: readonly Subject[], urn: string) => resources.find((r) => r.urn === urn)?.name ?? urn;

export const ssoDenyByDefault: StackGuard = {
  kind: "stack",
  name: "sso-deny-by-default",
  description: "Every Authentik application has an enabled policy binding (a group, user or policy allowed to use it).",
  why: "Authentik admits every authenticated user, including anyone who can enroll through a social login, to an application without bindings.",
  fix: "give the application its allowed groups in config (the authentik stack binds each with an authentik.PolicyBinding whose target is the application).",
  status: "enforced",
  level: "mandatory",
  check(resources) {
    const applications = resources.filter((r) => r.type === AUTHENTIK_TYPES.application);
    const violations = unboundApplications(planned(resources)).map((urn) => ({
      where: nameOf(resources, urn),
      urn,
      problem: "no enabled policy binding targets this application, so every user may use it",
    }));
    return { violations, examined: applications.length };
  },
};

export const ssoEnrollmentAllowList: StackGuard = {
  kind: "stack",
  name: "sso-enrollment-allow-list",
  description: "Every Authentik OAuth source (GitHub login) enrolls new users and signs in linked users only through flows of this stack with an allow-list policy bound to them.",
  why: "Authentik's default source flows create an account for every GitHub user who signs in, and keep letting a linked user in after they left the allowed organisation or team.",
  fix: "enroll and sign in through the stack's allow-list flows (policy engine mode all, the GitHub allow-list policy bound to them): list who may join under githubSource (allowedOrganizations, allowedTeams, allowedUsers) in the authentik stack's config.",
  status: "enforced",
  level: "mandatory",
  check(resources, context) {
    const sources = resources.filter((r) => r.type === AUTHENTIK_TYPES.sourceOauth);
    const plan = planned(resources);
    // homelab:githubSource.allowAnyGitHubAccount is the config's explicit,
    // validated opt-out (the authentik stack then uses Authentik's default
    // flows): the pack warns instead of blocking the run the user asked for.
    // Applications stay bound to their groups, so an enrolled stranger still
    // reaches nothing (sso-deny-by-default).
    const optedOut = allowsAnyGitHubAccount(context?.config);
    const violations = [
      ...openSourceEnrollments(plan).map((urn) => ({ where: nameOf(resources, urn), urn, problem: "new users enroll through this source without an allow-list" })),
      ...openSourceLogins(plan).map((urn) => ({ where: nameOf(resources, urn), urn, problem: "linked users sign in through this source without the allow-list being checked again" })),
    ].map((v) => (optedOut ? { ...v, problem: `${v.problem} (turned off by homelab:githubSource.allowAnyGitHubAccount)`, advisory: true } : v));
    return { violations, examined: sources.length };
  },
};

/**
 * Redirect URIs: exact, or a wildcard the authentik stack's own rules produce
 * (core/authentik/redirect-uris.ts, checked by redirectUriViolations): whole
 * host labels under the project domain or the app's launch host, or a
 * loopback port. A hand-written `.*` lets any site receive the tokens.
 */
export const ssoRedirectUrisScoped: StackGuard = {
  kind: "stack",
  name: "sso-redirect-uris-scoped",
  description: "Every OAuth2 redirect URI is exact, or a wildcard over whole host labels inside the project domain or the app's own host (or a loopback port).",
  why: "Authentik sends the authorization code to any URI its redirect patterns match; a loose pattern lets another site collect codes and tokens for your users.",
  fix: "write the app's redirectUris in config as exact URIs, or with * for whole host labels under homelab:domain (https://*.lab.example.com/cb) or for a localhost port; never hand-write a regex.",
  status: "enforced",
  level: "mandatory",
  check(resources, context) {
    const domain = context?.config?.["homelab:domain"];
    const providers = resources.filter((r) => r.type === OAUTH2_PROVIDER_TYPE);
    // Without the stack config, the allowed domains come from the plan itself
    // (the forward-auth cookie domain and each app's launch host).
    if (typeof domain !== "string" || domain === "") {
      const violations = redirectUriViolationsInPlan(planned(resources)).map((v) => ({
        where: `${nameOf(resources, v.urn)} allowedRedirectUris`,
        urn: v.urn,
        problem: `${JSON.stringify(v.url)}: ${v.problem}`,
      }));
      return { violations, examined: providers.length };
    }
    const violations = providers.flatMap((provider) => {
      // The provider's application (it names the provider through protocolProvider) gives the launch host.
      const app = resources.find((r) => r.type === AUTHENTIK_TYPES.application && r.dependsOn.includes(provider.urn));
      const launchUrl = app?.props["metaLaunchUrl"];
      const allowed = wildcardDomains(domain, typeof launchUrl === "string" ? launchUrl : undefined);
      return redirectUriViolations(planned([provider]), allowed).map((v) => ({
        where: `${provider.name} allowedRedirectUris`,
        urn: v.urn,
        problem: `${JSON.stringify(v.url)}: ${v.problem}`,
      }));
    });
    return { violations, examined: providers.length };
  },
};

/**
 * Whether the stack config opts out of the GitHub allow-list. Pulumi hands a
 * policy pack structured config values as JSON text (PULUMI_CONFIG).
 */
function allowsAnyGitHubAccount(config: Readonly<Record<string, string>> | undefined): boolean {
  const raw = config?.["homelab:githubSource"];
  if (raw === undefined) return false;
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)["allowAnyGitHubAccount"] === true;
  } catch {
    return false;
  }
}
