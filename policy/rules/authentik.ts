/**
 * Deny by default: an Authentik application with no policy binding lets every
 * user in. Authentik's policy engine passes an object that has no bindings
 * (goauthentik/authentik authentik/policies/engine.py: PolicyEngine sets
 * empty_result = True, "objects with no policies attached will pass", and
 * returns it when there are no results), so each application needs at least
 * one binding that names who may use it.
 */
import type { StackGuard, Violation } from "../guard";

export const APPLICATION_TYPE = "authentik:index/application:Application";
export const POLICY_BINDING_TYPE = "authentik:index/policyBinding:PolicyBinding";

export const ssoDenyByDefault: StackGuard = {
  kind: "stack",
  name: "sso-deny-by-default",
  description: "Every Authentik application has at least one policy binding (a group, user or policy allowed to use it).",
  why: "Authentik admits every authenticated user, including anyone who can enroll through a social login, to an application without bindings.",
  fix: "give the application allowed groups in config (bound with authentik.PolicyBinding whose target is the application's uuid).",
  status: "pending",
  level: "mandatory",
  check(resources) {
    const applications = resources.filter((r) => r.type === APPLICATION_TYPE);
    // A binding names its application through `target`: the URNs its value came from.
    const bound = new Set(
      resources.filter((r) => r.type === POLICY_BINDING_TYPE).flatMap((b) => b.propertyDependencies["target"] ?? []),
    );
    const violations: Violation[] = applications
      .filter((app) => !bound.has(app.urn))
      .map((app) => ({ where: app.name, urn: app.urn, problem: `application ${JSON.stringify(app.props["slug"] ?? app.name)} has no policy binding, so every user may use it` }));
    return { violations, examined: applications.length };
  },
};
