/**
 * The OIDC scope mappings apps can ask for: Authentik's standard ones (looked
 * up) and a `groups` scope this stack adds, so apps that map roles from
 * groups (Argo CD, Grafana) get them without the whole profile scope.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import type { ExtraScope } from "./config";
import type { StandardScope } from "./lookups";

export interface ScopeMappingsArgs {
  readonly provider: authentik.Provider;
  /** Ids of the standard mappings (from the look-ups). */
  readonly standard: Readonly<Record<StandardScope, pulumi.Input<string>>>;
}

/** Scopes every app gets: OpenID requires openid; email and profile are what every app reads. */
export const BASE_SCOPES = ["openid", "email", "profile"] as const;

/**
 * Python run by Authentik for the `groups` claim. `ak_groups` is Authentik's
 * own group relation on the user (Django's `groups` is unused), as in its
 * built-in profile mapping.
 */
export const GROUPS_EXPRESSION = 'return {"groups": [group.name for group in request.user.ak_groups.all()]}\n';

export class ScopeMappings extends pulumi.ComponentResource {
  /** Mapping id by scope name, for every scope an app may list. */
  readonly byScope: Readonly<Record<(typeof BASE_SCOPES)[number] | ExtraScope, pulumi.Output<string>>>;
  readonly groups: authentik.PropertyMappingProviderScope;

  constructor(name: string, args: ScopeMappingsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:authentik:ScopeMappings", name, {}, opts);
    const child = { parent: this, provider: args.provider };

    this.groups = new authentik.PropertyMappingProviderScope(
      `${name}-groups`,
      {
        name: "homelab: OpenID 'groups'",
        scopeName: "groups",
        description: "Names of the user's groups",
        expression: GROUPS_EXPRESSION,
      },
      child,
    );

    this.byScope = {
      openid: pulumi.output(args.standard.openid),
      email: pulumi.output(args.standard.email),
      profile: pulumi.output(args.standard.profile),
      offline_access: pulumi.output(args.standard.offline_access),
      groups: this.groups.id,
    };
    this.registerOutputs({ groups: this.groups.id });
  }

  /** Mapping ids for an app: the base scopes plus its extras, without repeats. */
  forApp(extra: readonly ExtraScope[]): pulumi.Output<string>[] {
    const names = [...new Set([...BASE_SCOPES, ...extra])];
    return names.map((n) => this.byScope[n]);
  }
}
