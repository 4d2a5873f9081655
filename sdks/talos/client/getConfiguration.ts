import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";
import * as utilities from "../utilities";

const token = "talos:client/getConfiguration:getConfiguration";

/**
 * Renders a talosconfig for talosctl (`talos_client_configuration` data
 * source). `talosConfig` in the result is secret.
 */
export function getConfiguration(args: GetConfigurationArgs, opts?: pulumi.InvokeOptions): Promise<GetConfigurationResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invoke(token, invokeArgs(args), opts);
}

/** Output form of {@link getConfiguration}; accepts Outputs as args. */
export function getConfigurationOutput(args: GetConfigurationOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetConfigurationResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invokeOutput(token, invokeArgs(args), opts);
}

function invokeArgs(args: GetConfigurationArgs | GetConfigurationOutputArgs): pulumi.Inputs {
    return utilities.pickInputs(args, ["clientConfiguration", "clusterName", "endpoints", "nodes"]);
}

export interface GetConfigurationArgs {
    /** `machine.Secrets.clientConfiguration` has this shape. */
    clientConfiguration: inputs.client.GetConfigurationClientConfiguration;
    clusterName: string;
    endpoints?: string[];
    nodes?: string[];
}

export interface GetConfigurationResult {
    readonly clientConfiguration: outputs.client.GetConfigurationClientConfiguration;
    readonly clusterName: string;
    readonly endpoints?: string[];
    readonly id: string;
    readonly nodes?: string[];
    /** The talosconfig YAML. Secret. */
    readonly talosConfig: string;
}

export interface GetConfigurationOutputArgs {
    clientConfiguration: pulumi.Input<inputs.client.GetConfigurationClientConfigurationArgs>;
    clusterName: pulumi.Input<string>;
    endpoints?: pulumi.Input<pulumi.Input<string>[]>;
    nodes?: pulumi.Input<pulumi.Input<string>[]>;
}
