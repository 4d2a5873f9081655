import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const token = "authentik:index/getStage:getStage";

/** Looks up a stage of any type by name (`authentik_stage` data source). `id` in the result is the stage UUID. */
export function getStage(args?: GetStageArgs, opts?: pulumi.InvokeOptions): Promise<GetStageResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invoke(token, invokeArgs(args), opts, utilities.getPackage());
}

/** Output form of {@link getStage}; accepts Outputs as args. */
export function getStageOutput(args?: GetStageOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetStageResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invokeOutput(token, invokeArgs(args), opts, utilities.getPackage());
}

function invokeArgs(args: GetStageArgs | GetStageOutputArgs | undefined): pulumi.Inputs {
    return utilities.pickInputs(args, ["id", "name"]);
}

export interface GetStageArgs {
    id?: string;
    name?: string;
}

export interface GetStageResult {
    /** The stage UUID. */
    readonly id: string;
    readonly name: string;
}

export interface GetStageOutputArgs {
    id?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
}
