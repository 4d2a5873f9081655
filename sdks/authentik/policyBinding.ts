import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "enabled",
    "failureResult",
    "group",
    "negate",
    "order",
    "policy",
    "policyBindingId",
    "target",
    "timeout",
    "user",
] as const;
const stateNames = inputNames;

/**
 * A policy binding (`authentik_policy_binding`): binds exactly one of a
 * policy, a group or a user to a target. Its Pulumi `id` is the binding UUID.
 */
export class PolicyBinding extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/policyBinding:PolicyBinding";

    /** Looks up an existing PolicyBinding by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: PolicyBindingState, opts?: pulumi.CustomResourceOptions): PolicyBinding {
        return new PolicyBinding(name, state as PolicyBindingArgs, { ...opts, id });
    }

    /** True for a PolicyBinding, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is PolicyBinding {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === PolicyBinding.__pulumiType;
    }

    /** Default true. */
    declare public readonly enabled: pulumi.Output<boolean | undefined>;
    /** Result when the policy errors or times out (default false). */
    declare public readonly failureResult: pulumi.Output<boolean | undefined>;
    /** Group UUID (one of policy, group, user). */
    declare public readonly group: pulumi.Output<string | undefined>;
    /** Default false. */
    declare public readonly negate: pulumi.Output<boolean | undefined>;
    declare public readonly order: pulumi.Output<number>;
    /** Policy UUID (one of policy, group, user). */
    declare public readonly policy: pulumi.Output<string | undefined>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly policyBindingId: pulumi.Output<string>;
    /** Primary key of the object bound to: an application's `uuid`, a flow's `uuid`, a source's `uuid`. */
    declare public readonly target: pulumi.Output<string>;
    /** Seconds (default 30). */
    declare public readonly timeout: pulumi.Output<number | undefined>;
    /** Integer pk of a user (one of policy, group, user). */
    declare public readonly user: pulumi.Output<number | undefined>;

    constructor(name: string, args: PolicyBindingArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: PolicyBindingArgs | PolicyBindingState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as PolicyBindingArgs | undefined;
            utilities.requireInputs(args, ["order", "target"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(PolicyBinding.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing PolicyBinding, for `PolicyBinding.get`. */
export interface PolicyBindingState {
    enabled?: pulumi.Input<boolean>;
    failureResult?: pulumi.Input<boolean>;
    group?: pulumi.Input<string>;
    negate?: pulumi.Input<boolean>;
    order?: pulumi.Input<number>;
    policy?: pulumi.Input<string>;
    policyBindingId?: pulumi.Input<string>;
    target?: pulumi.Input<string>;
    timeout?: pulumi.Input<number>;
    user?: pulumi.Input<number>;
}

export interface PolicyBindingArgs {
    /** Default true. */
    enabled?: pulumi.Input<boolean>;
    /** Result when the policy errors or times out (default false). */
    failureResult?: pulumi.Input<boolean>;
    /** Group UUID (one of policy, group, user). */
    group?: pulumi.Input<string>;
    /** Default false. */
    negate?: pulumi.Input<boolean>;
    order: pulumi.Input<number>;
    /** Policy UUID (one of policy, group, user). */
    policy?: pulumi.Input<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    policyBindingId?: pulumi.Input<string>;
    /** Primary key of the object bound to: an application's `uuid`, a flow's `uuid`, a source's `uuid`. */
    target: pulumi.Input<string>;
    /** Seconds (default 30). */
    timeout?: pulumi.Input<number>;
    /** Integer pk of a user (one of policy, group, user). */
    user?: pulumi.Input<number>;
}
