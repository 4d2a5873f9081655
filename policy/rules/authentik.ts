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
import { openSourceEnrollments, unboundApplications, AUTHENTIK_TYPES, type PlannedResource } from "../../core/authentik/checks";
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
  description: "Every Authentik OAuth source (GitHub login) enrolls new users only through a flow of this stack with an allow-list policy bound to it.",
  why: "Authentik's default source enrollment flow creates an account for every GitHub user who signs in, who then passes every check that only asks for an authenticated user.",
  fix: "enroll through the stack's allow-list flow (policy engine mode all, the GitHub allow-list policy bound to it): list who may join under githubSource (allowedOrganizations, allowedTeams, allowedUsers) in the authentik stack's config.",
  status: "enforced",
  level: "mandatory",
  check(resources) {
    const sources = resources.filter((r) => r.type === AUTHENTIK_TYPES.sourceOauth);
    const violations = openSourceEnrollments(planned(resources)).map((urn) => ({
      where: nameOf(resources, urn),
      urn,
      problem: "new users enroll through this source without an allow-list",
    }));
    return { violations, examined: sources.length };
  },
};
