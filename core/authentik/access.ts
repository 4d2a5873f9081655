/**
 * Deny by default. Authentik lets every user into an application that has no
 * policy binding, so each application gets bindings that name exactly who may
 * use it: one group binding per allowed group (Authentik's default policy
 * engine mode for an application is `any`, so membership of one of them is
 * enough), or, for an application config marks `public`, one binding to an
 * explicit "any signed-in user" policy, so that the decision is visible in
 * Authentik and an application without bindings never exists.
 *
 * `authentik_policy_binding` (goauthentik/terraform-provider-authentik
 * v2026.5.0, pkg/provider/resource_policy_binding.go): `target` is the bound
 * object's primary key, for an application its `uuid`; exactly one of
 * `group` (group UUID), `policy` (policy UUID) or `user` (integer pk) is set
 * (authentik, authentik/policies/api/bindings.py, PolicyBindingSerializer.validate).
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import { logicalName, type Access } from "./config";

/**
 * Python for the policy public applications are bound to. Authentik only
 * evaluates application policies for a user who has signed in, so this
 * passes for every signed-in user; it exists to make "public" an explicit
 * binding rather than the absence of one.
 */
export const ANY_SIGNED_IN_USER_EXPRESSION = "# Bound to applications marked public in homelab:oidcApps / homelab:forwardAuth.\nreturn request.user.is_authenticated\n";

export interface AccessBindingsArgs {
  readonly provider: authentik.Provider;
  /** The application's UUID (its `uuid` output, not its Pulumi id, which is the slug). */
  readonly application: pulumi.Input<string>;
  readonly access: Access;
  /** Group id by name, the admin group included (Groups.idByName). */
  readonly groupIds: ReadonlyMap<string, pulumi.Input<string>>;
  /** The "any signed-in user" policy; required when access is public. */
  readonly anySignedInUser?: authentik.PolicyExpression;
  readonly parent: pulumi.Resource;
}

/** Creates the bindings of one application, as children of `parent`, named `<name>-access-<group>`. */
export function bindAccess(name: string, args: AccessBindingsArgs): authentik.PolicyBinding[] {
  const opts = { parent: args.parent, provider: args.provider };
  if (args.access.kind === "public") {
    if (args.anySignedInUser === undefined) throw new Error(`bindAccess(${name}): a public application needs the any-signed-in-user policy`);
    return [new authentik.PolicyBinding(`${name}-access-public`, { target: args.application, policy: args.anySignedInUser.id, order: 0 }, opts)];
  }
  return args.access.groups.map((group, i) => {
    const id = args.groupIds.get(group);
    // Config rules reject unknown group names before anything is registered.
    if (id === undefined) throw new Error(`bindAccess(${name}): unknown group "${group}"`);
    return new authentik.PolicyBinding(`${name}-access-${logicalName(group)}`, { target: args.application, group: id, order: i * 10 }, opts);
  });
}

/** The policy public applications are bound to (created only when config has a public application). */
export function anySignedInUserPolicy(name: string, provider: authentik.Provider): authentik.PolicyExpression {
  return new authentik.PolicyExpression(name, { name: "homelab: any signed-in user", expression: ANY_SIGNED_IN_USER_EXPRESSION }, { provider });
}
