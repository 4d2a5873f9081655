/**
 * Pure checks over a planned set of resources (the offline render's
 * resources, or what a policy pack sees), for the deny-by-default rules:
 *
 * - every Authentik application has an enabled policy binding that targets
 *   it (Authentik lets every user into an application with no binding);
 * - every GitHub/OAuth source enrolls new users through a flow of the plan
 *   whose policies must all pass and that has an enabled policy bound to it
 *   (Authentik's default source enrollment flow admits every account).
 *
 * - every redirect URI of an OAuth2 provider is exact, or a wildcard pattern
 *   the rules in redirect-uris.ts produce.
 *
 * Dependencies stand in for values: a binding's `target` is the application's
 * computed `uuid`, so a binding targets an application when it depends on it.
 */

import { redirectEntryProblem } from "./redirect-uris";

/** The part of a planned resource these checks read. */
export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs: unknown;
  /** Every resource it depends on, explicitly or through Output inputs. */
  readonly dependsOn: readonly string[];
}

export const AUTHENTIK_TYPES = {
  application: "authentik:index/application:Application",
  policyBinding: "authentik:index/policyBinding:PolicyBinding",
  flow: "authentik:index/flow:Flow",
  sourceOauth: "authentik:index/sourceOauth:SourceOauth",
} as const;

const inputsOf = (r: PlannedResource): Record<string, unknown> =>
  typeof r.inputs === "object" && r.inputs !== null ? (r.inputs as Record<string, unknown>) : {};

/** An enabled binding of exactly one group, policy or user (Authentik refuses anything else). */
function isEffectiveBinding(r: PlannedResource): boolean {
  if (r.type !== AUTHENTIK_TYPES.policyBinding) return false;
  const inputs = inputsOf(r);
  if (inputs["enabled"] === false || inputs["negate"] === true) return false;
  return ["group", "policy", "user"].filter((k) => inputs[k] !== undefined && inputs[k] !== null && inputs[k] !== "").length === 1;
}

const boundTargets = (resources: readonly PlannedResource[]): Set<string> =>
  new Set(resources.filter(isEffectiveBinding).flatMap((b) => b.dependsOn));

/** URNs of applications no enabled policy binding targets: every user could use them. */
export function unboundApplications(resources: readonly PlannedResource[]): string[] {
  const bound = boundTargets(resources);
  return resources.filter((r) => r.type === AUTHENTIK_TYPES.application && !bound.has(r.urn)).map((r) => r.urn);
}

/**
 * URNs of OAuth sources whose flow of the given designation is not behind an
 * allow-list: no such flow from this plan, or one whose policy engine mode is
 * not `all`, or one with no enabled policy bound to it.
 */
function sourcesWithoutAllowList(resources: readonly PlannedResource[], designation: "enrollment" | "authentication"): string[] {
  const bound = boundTargets(resources);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return resources
    .filter((r) => r.type === AUTHENTIK_TYPES.sourceOauth)
    .filter((source) => {
      const flows = source.dependsOn.map((u) => byUrn.get(u)).filter((r): r is PlannedResource => r?.type === AUTHENTIK_TYPES.flow);
      const own = flows.filter((f) => inputsOf(f)["designation"] === designation);
      return !own.some((f) => inputsOf(f)["policyEngineMode"] === "all" && bound.has(f.urn));
    })
    .map((r) => r.urn);
}

/** URNs of OAuth sources that would create an account for anyone (enrollment not behind an allow-list). */
export function openSourceEnrollments(resources: readonly PlannedResource[]): string[] {
  return sourcesWithoutAllowList(resources, "enrollment");
}

/** URNs of OAuth sources whose linked users sign in without the allow-list being checked again. */
export function openSourceLogins(resources: readonly PlannedResource[]): string[] {
  return sourcesWithoutAllowList(resources, "authentication");
}

export const OAUTH2_PROVIDER_TYPE = "authentik:index/providerOauth2:ProviderOauth2";

/**
 * Redirect URIs of OAuth2 providers in the plan that break the wildcard rules
 * (see redirect-uris.ts), with the reason. `allowedDomains`: the project
 * domain (plus any app hosts) host wildcards may range under.
 */
export function redirectUriViolations(resources: readonly PlannedResource[], allowedDomains: readonly string[]): { urn: string; url: string; problem: string }[] {
  return resources
    .filter((r) => r.type === OAUTH2_PROVIDER_TYPE)
    .flatMap((r) => {
      const entries = inputsOf(r)["allowedRedirectUris"];
      if (!Array.isArray(entries)) return [];
      return entries.flatMap((e: unknown) => {
        const { matching_mode, url } = (e ?? {}) as { matching_mode?: unknown; url?: unknown };
        if (typeof url !== "string" || (matching_mode !== "strict" && matching_mode !== "regex"))
          return [{ urn: r.urn, url: String(url), problem: "expected { matching_mode: strict | regex, url }" }];
        const problem = redirectEntryProblem({ matching_mode, url }, allowedDomains);
        return problem === undefined ? [] : [{ urn: r.urn, url, problem }];
      });
    });
}

export const PROXY_PROVIDER_TYPE = "authentik:index/providerProxy:ProviderProxy";

/**
 * {@link redirectUriViolations} with the allowed domains read from the plan
 * itself, for a policy pack that has no stack config: the project domain is
 * the forward-auth proxy provider's `cookieDomain`, and each provider's own
 * host is the `metaLaunchUrl` of the application that uses it.
 */
export function redirectUriViolationsInPlan(resources: readonly PlannedResource[]): { urn: string; url: string; problem: string }[] {
  const projectDomains = resources
    .filter((r) => r.type === PROXY_PROVIDER_TYPE)
    .map((r) => inputsOf(r)["cookieDomain"])
    .filter((d): d is string => typeof d === "string" && d !== "");
  return resources
    .filter((r) => r.type === OAUTH2_PROVIDER_TYPE)
    .flatMap((provider) => {
      const launchUrls = resources
        .filter((a) => a.type === AUTHENTIK_TYPES.application && a.dependsOn.includes(provider.urn))
        .map((a) => inputsOf(a)["metaLaunchUrl"])
        .filter((u): u is string => typeof u === "string");
      const domains = [...new Set([...projectDomains, ...launchUrls.flatMap(launchHost)])];
      return redirectUriViolations([provider], domains);
    });
}

const launchHost = (url: string): string[] => {
  try {
    return [new URL(url).hostname];
  } catch {
    return [];
  }
};
