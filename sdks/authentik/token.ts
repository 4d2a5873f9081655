import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "description",
    "expires",
    "expiring",
    "identifier",
    "intent",
    "retrieveKey",
    "tokenId",
    "user",
] as const;
const stateNames = [...inputNames, "expiresIn", "key"];

/**
 * An API/app token (`authentik_token`). Its Pulumi `id` is the **identifier**.
 * Set `retrieveKey: true` so that `key` is filled.
 */
export class Token extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/token:Token";

    /** Looks up an existing Token by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: TokenState, opts?: pulumi.CustomResourceOptions): Token {
        return new Token(name, state as TokenArgs, { ...opts, id });
    }

    /** True for a Token, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Token {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === Token.__pulumiType;
    }

    declare public readonly description: pulumi.Output<string | undefined>;
    /** RFC 3339 timestamp. */
    declare public readonly expires: pulumi.Output<string | undefined>;
    declare public readonly expiresIn: pulumi.Output<number>;
    /** Default true. */
    declare public readonly expiring: pulumi.Output<boolean | undefined>;
    declare public readonly identifier: pulumi.Output<string>;
    /** `api` (default), `verification`, `recovery` or `app_password`. */
    declare public readonly intent: pulumi.Output<string | undefined>;
    /** The token value. Secret. */
    declare public readonly key: pulumi.Output<string>;
    /** Default false; set true to fill `key`. */
    declare public readonly retrieveKey: pulumi.Output<boolean | undefined>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly tokenId: pulumi.Output<string>;
    /** Integer user pk: `user.id.apply(Number)`. */
    declare public readonly user: pulumi.Output<number>;

    constructor(name: string, args: TokenArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: TokenArgs | TokenState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as TokenArgs | undefined;
            utilities.requireInputs(args, ["identifier", "user"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
            resourceInputs["expiresIn"] = undefined /*out*/;
            resourceInputs["key"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        opts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["key"] });
        super(Token.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing Token, for `Token.get`. */
export interface TokenState {
    description?: pulumi.Input<string>;
    expires?: pulumi.Input<string>;
    expiresIn?: pulumi.Input<number>;
    expiring?: pulumi.Input<boolean>;
    identifier?: pulumi.Input<string>;
    intent?: pulumi.Input<string>;
    key?: pulumi.Input<string>;
    retrieveKey?: pulumi.Input<boolean>;
    tokenId?: pulumi.Input<string>;
    user?: pulumi.Input<number>;
}

export interface TokenArgs {
    description?: pulumi.Input<string>;
    /** RFC 3339 timestamp. */
    expires?: pulumi.Input<string>;
    /** Default true. */
    expiring?: pulumi.Input<boolean>;
    identifier: pulumi.Input<string>;
    /** `api` (default), `verification`, `recovery` or `app_password`. */
    intent?: pulumi.Input<string>;
    /** Default false; set true to fill `key`. */
    retrieveKey?: pulumi.Input<boolean>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    tokenId?: pulumi.Input<string>;
    /** Integer user pk: `user.id.apply(Number)`. */
    user: pulumi.Input<number>;
}
