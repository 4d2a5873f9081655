import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";
import * as utilities from "../utilities";

const token = "talos:cluster/getKubeconfig:getKubeconfig";

/**
 * Reads an admin kubeconfig (`talos_cluster_kubeconfig` data source).
 * Prefer the `cluster.Kubeconfig` resource, which renews the certificate.
 */
export function getKubeconfig(args: GetKubeconfigArgs, opts?: pulumi.InvokeOptions): Promise<GetKubeconfigResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invoke(token, invokeArgs(args), opts);
}

/** Output form of {@link getKubeconfig}; accepts Outputs as args. */
export function getKubeconfigOutput(args: GetKubeconfigOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetKubeconfigResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invokeOutput(token, invokeArgs(args), opts);
}

function invokeArgs(args: GetKubeconfigArgs | GetKubeconfigOutputArgs): pulumi.Inputs {
    return utilities.pickInputs(args, ["clientConfiguration", "endpoint", "node", "timeouts", "wait"]);
}

export interface GetKubeconfigArgs {
    clientConfiguration: inputs.cluster.GetKubeconfigClientConfiguration;
    endpoint?: string;
    node: string;
    timeouts?: inputs.cluster.GetKubeconfigTimeouts;
    /** @deprecated Upstream deprecated this flag; it has no effect. */
    wait?: boolean;
}

export interface GetKubeconfigResult {
    readonly clientConfiguration: outputs.cluster.GetKubeconfigClientConfiguration;
    readonly endpoint: string;
    readonly id: string;
    /** The kubeconfig YAML. Secret. */
    readonly kubeconfigRaw: string;
    readonly kubernetesClientConfiguration: outputs.cluster.GetKubeconfigKubernetesClientConfiguration;
    readonly node: string;
    readonly timeouts?: outputs.cluster.GetKubeconfigTimeouts;
    /** @deprecated Upstream deprecated this flag; it has no effect. */
    readonly wait?: boolean;
}

export interface GetKubeconfigOutputArgs {
    clientConfiguration: pulumi.Input<inputs.cluster.GetKubeconfigClientConfigurationArgs>;
    endpoint?: pulumi.Input<string>;
    node: pulumi.Input<string>;
    timeouts?: pulumi.Input<inputs.cluster.GetKubeconfigTimeoutsArgs>;
    /** @deprecated Upstream deprecated this flag; it has no effect. */
    wait?: pulumi.Input<boolean>;
}
