import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = ["executionLogging", "expression", "name", "policyExpressionId"] as const;
const stateNames = inputNames;

/** An expression policy (`authentik_policy_expression`). Its Pulumi `id` is the policy UUID. */
export class PolicyExpression extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/policyExpression:PolicyExpression";

    /** Looks up an existing PolicyExpression by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: PolicyExpressionState, opts?: pulumi.CustomResourceOptions): PolicyExpression {
        return new PolicyExpression(name, state as PolicyExpressionArgs, { ...opts, id });
    }

    /** True for a PolicyExpression, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is PolicyExpression {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === PolicyExpression.__pulumiType;
    }

    /** Log every evaluation as an event (default false). */
    declare public readonly executionLogging: pulumi.Output<boolean | undefined>;
    /** Python run by Authentik; returns True to pass. */
    declare public readonly expression: pulumi.Output<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    declare public readonly name: pulumi.Output<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly policyExpressionId: pulumi.Output<string>;

    constructor(name: string, args: PolicyExpressionArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: PolicyExpressionArgs | PolicyExpressionState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as PolicyExpressionArgs | undefined;
            utilities.requireInputs(args, ["expression"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(PolicyExpression.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing PolicyExpression, for `PolicyExpression.get`. */
export interface PolicyExpressionState {
    executionLogging?: pulumi.Input<boolean>;
    expression?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    policyExpressionId?: pulumi.Input<string>;
}

export interface PolicyExpressionArgs {
    /** Log every evaluation as an event (default false). */
    executionLogging?: pulumi.Input<boolean>;
    /** Python run by Authentik; returns True to pass. */
    expression: pulumi.Input<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    name?: pulumi.Input<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    policyExpressionId?: pulumi.Input<string>;
}
