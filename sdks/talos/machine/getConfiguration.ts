import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";
import * as utilities from "../utilities";

const token = "talos:machine/getConfiguration:getConfiguration";

/**
 * Renders a Talos machine configuration (`talos_machine_configuration` data
 * source). `machineConfiguration` in the result is secret.
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
    return utilities.pickInputs(args, [
        "clusterEndpoint",
        "clusterName",
        "configPatches",
        "docs",
        "examples",
        "kubernetesVersion",
        "machineSecrets",
        "machineType",
        "talosVersion",
    ]);
}

export interface GetConfigurationArgs {
    /** e.g. `https://<vip>:6443`. */
    clusterEndpoint: string;
    clusterName: string;
    configPatches?: string[];
    /** Include documentation comments in the rendered config (default false). */
    docs?: boolean;
    /** Include example values in the rendered config (default false). */
    examples?: boolean;
    kubernetesVersion?: string;
    /** `machine.Secrets.machineSecrets` fits as is. */
    machineSecrets: inputs.machine.MachineSecrets;
    /** `controlplane` or `worker`. */
    machineType: string;
    /** Config version contract, e.g. "v1.12". */
    talosVersion?: string;
}

export interface GetConfigurationResult {
    readonly clusterEndpoint: string;
    readonly clusterName: string;
    readonly configPatches?: string[];
    readonly docs?: boolean;
    readonly examples?: boolean;
    readonly id: string;
    readonly kubernetesVersion?: string;
    /** The rendered machine configuration. Secret. */
    readonly machineConfiguration: string;
    readonly machineSecrets: outputs.machine.MachineSecrets;
    readonly machineType: string;
    readonly talosVersion?: string;
}

export interface GetConfigurationOutputArgs {
    clusterEndpoint: pulumi.Input<string>;
    clusterName: pulumi.Input<string>;
    configPatches?: pulumi.Input<pulumi.Input<string>[]>;
    docs?: pulumi.Input<boolean>;
    examples?: pulumi.Input<boolean>;
    kubernetesVersion?: pulumi.Input<string>;
    machineSecrets: pulumi.Input<inputs.machine.MachineSecretsArgs>;
    machineType: pulumi.Input<string>;
    talosVersion?: pulumi.Input<string>;
}
