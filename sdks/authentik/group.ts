import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = ["attributes", "groupId", "isSuperuser", "name", "parents", "roles", "users"] as const;
const stateNames = inputNames;

/** A group (`authentik_group`). Its Pulumi `id` is the group UUID. */
export class Group extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/group:Group";

    /** Looks up an existing Group by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: GroupState, opts?: pulumi.CustomResourceOptions): Group {
        return new Group(name, state as GroupArgs, { ...opts, id });
    }

    /** True for a Group, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Group {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === Group.__pulumiType;
    }

    /** JSON text (default `{}`). */
    declare public readonly attributes: pulumi.Output<string | undefined>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly groupId: pulumi.Output<string>;
    /** Default false. */
    declare public readonly isSuperuser: pulumi.Output<boolean | undefined>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    declare public readonly name: pulumi.Output<string>;
    /** Group UUIDs. */
    declare public readonly parents: pulumi.Output<string[] | undefined>;
    /** Role UUIDs. */
    declare public readonly roles: pulumi.Output<string[] | undefined>;
    /** Integer user pks: `Number(user.id)`. */
    declare public readonly users: pulumi.Output<number[]>;

    constructor(name: string, args?: GroupArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: GroupArgs | GroupState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as GroupArgs | undefined;
            resourceInputs = utilities.pickInputs(args, inputNames);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Group.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing Group, for `Group.get`. */
export interface GroupState {
    attributes?: pulumi.Input<string>;
    groupId?: pulumi.Input<string>;
    isSuperuser?: pulumi.Input<boolean>;
    name?: pulumi.Input<string>;
    parents?: pulumi.Input<pulumi.Input<string>[]>;
    roles?: pulumi.Input<pulumi.Input<string>[]>;
    users?: pulumi.Input<pulumi.Input<number>[]>;
}

export interface GroupArgs {
    /** JSON text (default `{}`). */
    attributes?: pulumi.Input<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    groupId?: pulumi.Input<string>;
    /** Default false. */
    isSuperuser?: pulumi.Input<boolean>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    name?: pulumi.Input<string>;
    /** Group UUIDs. */
    parents?: pulumi.Input<pulumi.Input<string>[]>;
    /** Role UUIDs. */
    roles?: pulumi.Input<pulumi.Input<string>[]>;
    /** Integer user pks: `Number(user.id)`. */
    users?: pulumi.Input<pulumi.Input<number>[]>;
}
