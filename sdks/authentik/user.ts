import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "attributes",
    "email",
    "groups",
    "isActive",
    "name",
    "path",
    "roles",
    "type",
    "userId",
    "username",
] as const;
const stateNames = [...inputNames, "password"];

/**
 * A user (`authentik_user`). Its Pulumi `id` is the integer pk as a string; `Token.user`
 * and `Group.users` take `Number(id)`.
 */
export class User extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/user:User";

    /** Looks up an existing User by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: UserState, opts?: pulumi.CustomResourceOptions): User {
        return new User(name, state as UserArgs, { ...opts, id });
    }

    /** True for a User, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is User {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === User.__pulumiType;
    }

    /** JSON text (default `{}`). */
    declare public readonly attributes: pulumi.Output<string | undefined>;
    declare public readonly email: pulumi.Output<string | undefined>;
    /** Group UUIDs. */
    declare public readonly groups: pulumi.Output<string[]>;
    /** Default true. */
    declare public readonly isActive: pulumi.Output<boolean | undefined>;
    /** Display name. Auto-named when omitted, so set it. */
    declare public readonly name: pulumi.Output<string>;
    /** Initial password. Secret. Changes made in authentik are not tracked. */
    declare public readonly password: pulumi.Output<string | undefined>;
    /** Default `users`. */
    declare public readonly path: pulumi.Output<string | undefined>;
    /** Role UUIDs. */
    declare public readonly roles: pulumi.Output<string[]>;
    /** `internal` (default), `external`, `service_account` or `internal_service_account`. */
    declare public readonly type: pulumi.Output<string | undefined>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly userId: pulumi.Output<string>;
    declare public readonly username: pulumi.Output<string>;

    constructor(name: string, args: UserArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: UserArgs | UserState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as UserArgs | undefined;
            utilities.requireInputs(args, ["username"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
            resourceInputs["password"] = utilities.secretIfSet(args?.password);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        opts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password"] });
        super(User.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing User, for `User.get`. */
export interface UserState {
    attributes?: pulumi.Input<string>;
    email?: pulumi.Input<string>;
    groups?: pulumi.Input<pulumi.Input<string>[]>;
    isActive?: pulumi.Input<boolean>;
    name?: pulumi.Input<string>;
    password?: pulumi.Input<string>;
    path?: pulumi.Input<string>;
    roles?: pulumi.Input<pulumi.Input<string>[]>;
    type?: pulumi.Input<string>;
    userId?: pulumi.Input<string>;
    username?: pulumi.Input<string>;
}

export interface UserArgs {
    /** JSON text (default `{}`). */
    attributes?: pulumi.Input<string>;
    email?: pulumi.Input<string>;
    /** Group UUIDs. */
    groups?: pulumi.Input<pulumi.Input<string>[]>;
    /** Default true. */
    isActive?: pulumi.Input<boolean>;
    /** Display name. Auto-named when omitted, so set it. */
    name?: pulumi.Input<string>;
    /** Initial password. Secret. Changes made in authentik are not tracked. */
    password?: pulumi.Input<string>;
    /** Default `users`. */
    path?: pulumi.Input<string>;
    /** Role UUIDs. */
    roles?: pulumi.Input<pulumi.Input<string>[]>;
    /** `internal` (default), `external`, `service_account` or `internal_service_account`. */
    type?: pulumi.Input<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    userId?: pulumi.Input<string>;
    username: pulumi.Input<string>;
}
