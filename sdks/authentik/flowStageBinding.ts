import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "evaluateOnPlan",
    "flowStageBindingId",
    "invalidResponseAction",
    "order",
    "policyEngineMode",
    "reEvaluatePolicies",
    "stage",
    "target",
] as const;
const stateNames = inputNames;

/** A stage bound into a flow (`authentik_flow_stage_binding`). Its Pulumi `id` is the binding UUID. */
export class FlowStageBinding extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/flowStageBinding:FlowStageBinding";

    /** Looks up an existing FlowStageBinding by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: FlowStageBindingState, opts?: pulumi.CustomResourceOptions): FlowStageBinding {
        return new FlowStageBinding(name, state as FlowStageBindingArgs, { ...opts, id });
    }

    /** True for a FlowStageBinding, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is FlowStageBinding {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === FlowStageBinding.__pulumiType;
    }

    /** Evaluate the binding's policies when the flow is planned (default true). */
    declare public readonly evaluateOnPlan: pulumi.Output<boolean | undefined>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly flowStageBindingId: pulumi.Output<string>;
    /** `retry` (default), `restart`, `restart_with_context`. */
    declare public readonly invalidResponseAction: pulumi.Output<string | undefined>;
    declare public readonly order: pulumi.Output<number>;
    /** `all` or `any` (default `any`). */
    declare public readonly policyEngineMode: pulumi.Output<string | undefined>;
    /** Evaluate the binding's policies again when the stage is shown (default false). */
    declare public readonly reEvaluatePolicies: pulumi.Output<boolean | undefined>;
    /** Stage UUID. */
    declare public readonly stage: pulumi.Output<string>;
    /** Flow UUID (`Flow.uuid`, or `getFlow().id`). */
    declare public readonly target: pulumi.Output<string>;

    constructor(name: string, args: FlowStageBindingArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: FlowStageBindingArgs | FlowStageBindingState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as FlowStageBindingArgs | undefined;
            utilities.requireInputs(args, ["order", "stage", "target"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(FlowStageBinding.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing FlowStageBinding, for `FlowStageBinding.get`. */
export interface FlowStageBindingState {
    evaluateOnPlan?: pulumi.Input<boolean>;
    flowStageBindingId?: pulumi.Input<string>;
    invalidResponseAction?: pulumi.Input<string>;
    order?: pulumi.Input<number>;
    policyEngineMode?: pulumi.Input<string>;
    reEvaluatePolicies?: pulumi.Input<boolean>;
    stage?: pulumi.Input<string>;
    target?: pulumi.Input<string>;
}

export interface FlowStageBindingArgs {
    /** Evaluate the binding's policies when the flow is planned (default true). */
    evaluateOnPlan?: pulumi.Input<boolean>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    flowStageBindingId?: pulumi.Input<string>;
    /** `retry` (default), `restart`, `restart_with_context`. */
    invalidResponseAction?: pulumi.Input<string>;
    order: pulumi.Input<number>;
    /** `all` or `any` (default `any`). */
    policyEngineMode?: pulumi.Input<string>;
    /** Evaluate the binding's policies again when the stage is shown (default false). */
    reEvaluatePolicies?: pulumi.Input<boolean>;
    /** Stage UUID. */
    stage: pulumi.Input<string>;
    /** Flow UUID (`Flow.uuid`, or `getFlow().id`). */
    target: pulumi.Input<string>;
}
