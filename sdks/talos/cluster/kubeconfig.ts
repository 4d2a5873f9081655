import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";
import * as utilities from "../utilities";

const inputNames = ["certificateRenewalDuration", "clientConfiguration", "endpoint", "node", "timeouts"] as const;
const outputOnlyNames = ["kubeconfigRaw", "kubernetesClientConfiguration"] as const;
const stateNames = [...inputNames, ...outputOnlyNames];

/**
 * Retrieves an admin kubeconfig from a control-plane node (`talos_cluster_kubeconfig`)
 * and renews its client certificate before it expires.
 */
export class Kubeconfig extends pulumi.CustomResource {
    public static readonly __pulumiType = "talos:cluster/kubeconfig:Kubeconfig";

    /** Looks up an existing Kubeconfig by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: KubeconfigState, opts?: pulumi.CustomResourceOptions): Kubeconfig {
        return new Kubeconfig(name, state as KubeconfigArgs, { ...opts, id });
    }

    /** True for a Kubeconfig, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Kubeconfig {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === Kubeconfig.__pulumiType;
    }

    /** Renew the client certificate when less than this is left (default `720h`). */
    declare public readonly certificateRenewalDuration: pulumi.Output<string>;
    declare public readonly clientConfiguration: pulumi.Output<outputs.cluster.KubeconfigClientConfiguration>;
    declare public readonly endpoint: pulumi.Output<string>;
    /** The kubeconfig YAML. Secret. */
    declare public readonly kubeconfigRaw: pulumi.Output<string>;
    /** The same credentials as separate fields; `clientKey` is secret. */
    declare public readonly kubernetesClientConfiguration: pulumi.Output<outputs.cluster.KubeconfigKubernetesClientConfiguration>;
    declare public readonly node: pulumi.Output<string>;
    declare public readonly timeouts: pulumi.Output<outputs.cluster.KubeconfigTimeouts | undefined>;

    constructor(name: string, args: KubeconfigArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: KubeconfigArgs | KubeconfigState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as KubeconfigArgs | undefined;
            utilities.requireInputs(args, ["clientConfiguration", "node"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
            for (const key of outputOnlyNames) {
                resourceInputs[key] = undefined /*out*/;
            }
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        opts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["kubeconfigRaw"] });
        super(Kubeconfig.__pulumiType, name, resourceInputs, opts);
    }
}

/** State of an existing Kubeconfig, for `Kubeconfig.get`. */
export interface KubeconfigState {
    certificateRenewalDuration?: pulumi.Input<string>;
    clientConfiguration?: pulumi.Input<inputs.cluster.KubeconfigClientConfiguration>;
    endpoint?: pulumi.Input<string>;
    kubeconfigRaw?: pulumi.Input<string>;
    kubernetesClientConfiguration?: pulumi.Input<inputs.cluster.KubeconfigKubernetesClientConfiguration>;
    node?: pulumi.Input<string>;
    timeouts?: pulumi.Input<inputs.cluster.KubeconfigTimeouts>;
}

export interface KubeconfigArgs {
    /** Renew the client certificate when less than this is left (default `720h`). */
    certificateRenewalDuration?: pulumi.Input<string>;
    /** Talos client credentials; `machine.Secrets.clientConfiguration` fits as is. */
    clientConfiguration: pulumi.Input<inputs.cluster.KubeconfigClientConfiguration>;
    /** Address talosctl connects to; defaults to `node`. */
    endpoint?: pulumi.Input<string>;
    /** A control-plane node. */
    node: pulumi.Input<string>;
    timeouts?: pulumi.Input<inputs.cluster.KubeconfigTimeouts>;
}
