import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "config",
    "name",
    "outpostId",
    "protocolProviders",
    "serviceConnection",
    "type",
] as const;
const stateNames = inputNames;

/** An outpost (`authentik_outpost`). Its Pulumi `id` is the outpost UUID. */
export class Outpost extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/outpost:Outpost";

    /** Looks up an existing Outpost by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: OutpostState, opts?: pulumi.CustomResourceOptions): Outpost {
        return new Outpost(name, state as OutpostArgs, { ...opts, id });
    }

    /** True for a Outpost, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Outpost {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === Outpost.__pulumiType;
    }

    /** Outpost config as JSON text: pass `JSON.stringify(obj)`. */
    declare public readonly config: pulumi.Output<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    declare public readonly name: pulumi.Output<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly outpostId: pulumi.Output<string>;
    /** Integer pks of the providers it serves: `provider.id.apply(Number)`. */
    declare public readonly protocolProviders: pulumi.Output<number[]>;
    /** Service-connection UUID. */
    declare public readonly serviceConnection: pulumi.Output<string | undefined>;
    /** `proxy` (default), `ldap`, `radius` or `rac`. */
    declare public readonly type: pulumi.Output<string | undefined>;

    constructor(name: string, args: OutpostArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: OutpostArgs | OutpostState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as OutpostArgs | undefined;
            utilities.requireInputs(args, ["protocolProviders"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Outpost.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing Outpost, for `Outpost.get`. */
export interface OutpostState {
    config?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    outpostId?: pulumi.Input<string>;
    protocolProviders?: pulumi.Input<pulumi.Input<number>[]>;
    serviceConnection?: pulumi.Input<string>;
    type?: pulumi.Input<string>;
}

export interface OutpostArgs {
    /** Outpost config as JSON text: pass `JSON.stringify(obj)`. */
    config?: pulumi.Input<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    name?: pulumi.Input<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    outpostId?: pulumi.Input<string>;
    /** Integer pks of the providers it serves: `provider.id.apply(Number)`. */
    protocolProviders: pulumi.Input<pulumi.Input<number>[]>;
    /** Service-connection UUID. */
    serviceConnection?: pulumi.Input<string>;
    /** `proxy` (default), `ldap`, `radius` or `rac`. */
    type?: pulumi.Input<string>;
}
