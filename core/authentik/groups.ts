/**
 * Groups from config. A parent is another configured group or Authentik's
 * admin group (looked up), so a group can inherit admin rights without being
 * a superuser group itself.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import { logicalName, type GroupConfig } from "./config";

export interface GroupsArgs {
  readonly provider: authentik.Provider;
  readonly groups: readonly GroupConfig[];
  /** The built-in admin group: its name (as config refers to it) and id. */
  readonly adminGroup: { readonly name: string; readonly id: pulumi.Input<string> };
}

export class Groups extends pulumi.ComponentResource {
  /** Group id by name, including the admin group. */
  readonly idByName: ReadonlyMap<string, pulumi.Output<string>>;

  constructor(name: string, args: GroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:authentik:Groups", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const ids = new Map<string, pulumi.Output<string>>([[args.adminGroup.name, pulumi.output(args.adminGroup.id)]]);
    const byName = new Map(args.groups.map((g) => [g.name, g]));

    // Parents first (config rules exclude unknown parents and cycles), so each
    // parent's id exists when its children reference it.
    const create = (group: GroupConfig): pulumi.Output<string> => {
      const existing = ids.get(group.name);
      if (existing) return existing;
      const parent = group.parent === undefined ? undefined : (ids.get(group.parent) ?? create(byName.get(group.parent)!));
      const resource = new authentik.Group(
        `${name}-${logicalName(group.name)}`,
        {
          name: group.name,
          isSuperuser: group.superuser,
          parents: parent === undefined ? [] : [parent],
          // `users` stays unset: members are managed in Authentik (enrollment, the
          // admin UI) and the provider keeps them when the input is absent.
        },
        child,
      );
      ids.set(group.name, resource.id);
      return resource.id;
    };
    for (const group of args.groups) create(group);

    this.idByName = ids;
    this.registerOutputs({});
  }
}
