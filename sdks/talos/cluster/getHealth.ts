import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";
import * as utilities from "../utilities";

const token = "talos:cluster/getHealth:getHealth";

/**
 * Waits until the cluster is healthy (`talos_cluster_health` data source).
 * There is no health field in the result: an unhealthy cluster makes the
 * invoke fail with an error or a timeout (default 10m).
 */
export function getHealth(args: GetHealthArgs, opts?: pulumi.InvokeOptions): Promise<GetHealthResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invoke(token, invokeArgs(args), opts);
}

/** Output form of {@link getHealth}; accepts Outputs as args. */
export function getHealthOutput(args: GetHealthOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetHealthResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invokeOutput(token, invokeArgs(args), opts);
}

function invokeArgs(args: GetHealthArgs | GetHealthOutputArgs): pulumi.Inputs {
    return utilities.pickInputs(args, [
        "clientConfiguration",
        "controlPlaneNodes",
        "endpoints",
        "skipKubernetesChecks",
        "timeouts",
        "workerNodes",
    ]);
}

export interface GetHealthArgs {
    clientConfiguration: inputs.cluster.GetHealthClientConfiguration;
    controlPlaneNodes: string[];
    endpoints: string[];
    /** Only check Talos-level health (default false). */
    skipKubernetesChecks?: boolean;
    timeouts?: inputs.cluster.GetHealthTimeouts;
    workerNodes?: string[];
}

export interface GetHealthResult {
    readonly clientConfiguration: outputs.cluster.GetHealthClientConfiguration;
    readonly controlPlaneNodes: string[];
    readonly endpoints: string[];
    readonly id: string;
    readonly skipKubernetesChecks?: boolean;
    readonly timeouts?: outputs.cluster.GetHealthTimeouts;
    readonly workerNodes?: string[];
}

export interface GetHealthOutputArgs {
    clientConfiguration: pulumi.Input<inputs.cluster.GetHealthClientConfigurationArgs>;
    controlPlaneNodes: pulumi.Input<pulumi.Input<string>[]>;
    endpoints: pulumi.Input<pulumi.Input<string>[]>;
    skipKubernetesChecks?: pulumi.Input<boolean>;
    timeouts?: pulumi.Input<inputs.cluster.GetHealthTimeoutsArgs>;
    workerNodes?: pulumi.Input<pulumi.Input<string>[]>;
}
