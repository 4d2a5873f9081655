import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const token = "authentik:index/getFlow:getFlow";

/** Looks up a flow (`authentik_flow` data source). `id` in the result is the flow UUID. */
export function getFlow(args?: GetFlowArgs, opts?: pulumi.InvokeOptions): Promise<GetFlowResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invoke(token, invokeArgs(args), opts, utilities.getPackage());
}

/** Output form of {@link getFlow}; accepts Outputs as args. */
export function getFlowOutput(args?: GetFlowOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetFlowResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invokeOutput(token, invokeArgs(args), opts, utilities.getPackage());
}

function invokeArgs(args: GetFlowArgs | GetFlowOutputArgs | undefined): pulumi.Inputs {
    return utilities.pickInputs(args, ["authentication", "designation", "id", "slug"]);
}

export interface GetFlowArgs {
    authentication?: string;
    /** e.g. `authentication`, `authorization`, `invalidation`, `enrollment`. */
    designation?: string;
    id?: string;
    slug?: string;
}

export interface GetFlowResult {
    readonly authentication: string;
    readonly designation: string;
    /** The flow UUID. */
    readonly id: string;
    readonly name: string;
    readonly slug: string;
    readonly title: string;
}

export interface GetFlowOutputArgs {
    authentication?: pulumi.Input<string>;
    designation?: pulumi.Input<string>;
    id?: pulumi.Input<string>;
    slug?: pulumi.Input<string>;
}
