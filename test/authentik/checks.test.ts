// The pure deny-by-default checks the policy pack calls: applications without
// an effective binding, and OAuth sources whose enrollment is open. Run on the
// committed example's render (everything bound) and on plans with one thing removed.
import { beforeAll, describe, expect, it } from "vitest";
import { openSourceEnrollments, openSourceLogins, redirectUriViolations, redirectUriViolationsInPlan, unboundApplications, type PlannedResource } from "../../core/authentik/checks";
import { redirectUriEntry } from "../../core/authentik/redirect-uris";
import { render } from "../helpers/plan";

let resources: PlannedResource[];
const urnOf = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))!.urn;
const without = (...names: string[]) => resources.filter((r) => !names.some((n) => r.urn.endsWith(`::${n}`)));
const withInputs = (name: string, patch: Record<string, unknown>) =>
  resources.map((r) => (r.urn.endsWith(`::${name}`) ? { ...r, inputs: { ...(r.inputs as object), ...patch } } : r));

beforeAll(async () => {
  resources = (await render("authentik")).plan.resources;
});

describe("unboundApplications", () => {
  it("finds nothing in the example plan", () => {
    expect(unboundApplications(resources)).toEqual([]);
  });

  it("reports an application whose only binding is gone", () => {
    expect(unboundApplications(without("grafana-access-homelab-users"))).toEqual([urnOf("grafana-application")]);
  });

  it("does not count a disabled, negated or subject-less binding", () => {
    expect(unboundApplications(withInputs("grafana-access-homelab-users", { enabled: false }))).toEqual([urnOf("grafana-application")]);
    expect(unboundApplications(withInputs("grafana-access-homelab-users", { negate: true }))).toEqual([urnOf("grafana-application")]);
    expect(unboundApplications(withInputs("grafana-access-homelab-users", { group: undefined }))).toEqual([urnOf("grafana-application")]);
  });

  it("still passes an application with one of two bindings left", () => {
    expect(unboundApplications(without("argocd-access-homelab-users"))).toEqual([]);
  });
});

describe("openSourceEnrollments", () => {
  it("finds nothing in the example plan", () => {
    expect(openSourceEnrollments(resources)).toEqual([]);
  });

  it("reports the source when the allow-list binding is gone or the flow would pass on any one policy", () => {
    expect(openSourceEnrollments(without("github-enrollment-allow-list"))).toEqual([urnOf("github-source")]);
    expect(openSourceEnrollments(withInputs("github-enrollment-flow", { policyEngineMode: "any" }))).toEqual([urnOf("github-source")]);
  });

  it("reports the source when it enrolls through a flow outside the plan (Authentik's default)", () => {
    expect(openSourceEnrollments(without("github-enrollment-flow"))).toEqual([urnOf("github-source")]);
  });
});

describe("openSourceLogins", () => {
  it("finds nothing in the example plan", () => {
    expect(openSourceLogins(resources)).toEqual([]);
  });

  it("reports the source when its log-in flow lost the allow-list, independently of enrollment", () => {
    const plan = without("github-authentication-allow-list");
    expect(openSourceLogins(plan)).toEqual([urnOf("github-source")]);
    expect(openSourceEnrollments(plan)).toEqual([]);
  });
});

describe("redirectUriViolations", () => {
  it("finds nothing in the example plan", () => {
    expect(redirectUriViolations(resources, ["lab.example.com"])).toEqual([]);
  });

  it("reports a hand-written catch-all pattern on a provider", () => {
    const loose = [{ matching_mode: "regex", url: "^https://.*$" }];
    const found = redirectUriViolations(withInputs("grafana-provider", { allowedRedirectUris: loose }), ["lab.example.com"]);
    expect(found.map((v) => [v.urn, v.url])).toEqual([[urnOf("grafana-provider"), "^https://.*$"]]);
  });
});

describe("redirectUriViolationsInPlan (domains read from the plan: forward-auth cookie domain, app launch hosts)", () => {
  it("finds nothing in the example plan", () => {
    expect(redirectUriViolationsInPlan(resources)).toEqual([]);
  });

  it("reports a wildcard outside the forward-auth cookie domain and the app's launch host", () => {
    const outside = [{ matching_mode: "regex", url: redirectUriEntry("https://*.evil.test/cb", ["evil.test"]).url }];
    const found = redirectUriViolationsInPlan(withInputs("grafana-provider", { allowedRedirectUris: outside }));
    expect(found).toHaveLength(1);
    expect(found[0]!.problem).toContain('only range over hosts under "lab.example.com" or "grafana.lab.example.com"');
  });

  it("accepts a wildcard under the app's launch host", () => {
    const own = [{ matching_mode: "regex", url: redirectUriEntry("https://*.grafana.lab.example.com/cb", ["grafana.lab.example.com"]).url }];
    expect(redirectUriViolationsInPlan(withInputs("grafana-provider", { allowedRedirectUris: own }))).toEqual([]);
  });
});
