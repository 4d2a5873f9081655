import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "authentication",
    "background",
    "compatibilityMode",
    "deniedAction",
    "designation",
    "flowId",
    "layout",
    "name",
    "policyEngineMode",
    "slug",
    "title",
] as const;
const stateNames = [...inputNames, "uuid"] as const;

/**
 * A flow (`authentik_flow`). Its Pulumi `id` is the **slug**; `uuid` is the
 * flow's primary key, which stage and policy bindings take as `target`.
 */
export class Flow extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/flow:Flow";

    /** Looks up an existing Flow by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: FlowState, opts?: pulumi.CustomResourceOptions): Flow {
        return new Flow(name, state as FlowArgs, { ...opts, id });
    }

    /** True for a Flow, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Flow {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === Flow.__pulumiType;
    }

    /** `none` (default), `require_authenticated`, `require_unauthenticated`, `require_superuser`, `require_redirect`, `require_outpost`. */
    declare public readonly authentication: pulumi.Output<string | undefined>;
    declare public readonly background: pulumi.Output<string | undefined>;
    /** Default true. */
    declare public readonly compatibilityMode: pulumi.Output<boolean | undefined>;
    /** `message_continue` (default), `message`, `continue`. */
    declare public readonly deniedAction: pulumi.Output<string | undefined>;
    /** `authentication`, `authorization`, `invalidation`, `enrollment`, `unenrollment`, `recovery`, `stage_configuration`. */
    declare public readonly designation: pulumi.Output<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly flowId: pulumi.Output<string>;
    /** Default `stacked`. */
    declare public readonly layout: pulumi.Output<string | undefined>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    declare public readonly name: pulumi.Output<string>;
    /** `all` or `any` (default `any`): how the flow's own policy bindings combine. */
    declare public readonly policyEngineMode: pulumi.Output<string | undefined>;
    /** URL slug; also the Pulumi `id`. */
    declare public readonly slug: pulumi.Output<string>;
    /** Shown as the title of the flow's pages. */
    declare public readonly title: pulumi.Output<string>;
    /** Flow UUID (computed). */
    declare public readonly uuid: pulumi.Output<string>;

    constructor(name: string, args: FlowArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: FlowArgs | FlowState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as FlowArgs | undefined;
            utilities.requireInputs(args, ["designation", "slug", "title"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
            resourceInputs["uuid"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Flow.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing Flow, for `Flow.get`. */
export interface FlowState {
    authentication?: pulumi.Input<string>;
    background?: pulumi.Input<string>;
    compatibilityMode?: pulumi.Input<boolean>;
    deniedAction?: pulumi.Input<string>;
    designation?: pulumi.Input<string>;
    flowId?: pulumi.Input<string>;
    layout?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    policyEngineMode?: pulumi.Input<string>;
    slug?: pulumi.Input<string>;
    title?: pulumi.Input<string>;
    uuid?: pulumi.Input<string>;
}

export interface FlowArgs {
    /** `none` (default), `require_authenticated`, `require_unauthenticated`, `require_superuser`, `require_redirect`, `require_outpost`. */
    authentication?: pulumi.Input<string>;
    background?: pulumi.Input<string>;
    /** Default true. */
    compatibilityMode?: pulumi.Input<boolean>;
    /** `message_continue` (default), `message`, `continue`. */
    deniedAction?: pulumi.Input<string>;
    /** `authentication`, `authorization`, `invalidation`, `enrollment`, `unenrollment`, `recovery`, `stage_configuration`. */
    designation: pulumi.Input<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    flowId?: pulumi.Input<string>;
    /** Default `stacked`. */
    layout?: pulumi.Input<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    name?: pulumi.Input<string>;
    /** `all` or `any` (default `any`): how the flow's own policy bindings combine. */
    policyEngineMode?: pulumi.Input<string>;
    /** URL slug; also the Pulumi `id`. */
    slug: pulumi.Input<string>;
    /** Shown as the title of the flow's pages. */
    title: pulumi.Input<string>;
}
