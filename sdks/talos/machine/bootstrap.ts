import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";
import * as utilities from "../utilities";

const inputNames = ["clientConfiguration", "endpoint", "node", "timeouts"] as const;
const stateNames = [...inputNames, "clientConfigurationWo"];

/**
 * Bootstraps etcd on one control-plane node (`talos_machine_bootstrap`).
 * Give exactly one of `clientConfiguration` and `clientConfigurationWo`.
 */
export class Bootstrap extends pulumi.CustomResource {
    public static readonly __pulumiType = "talos:machine/bootstrap:Bootstrap";

    /** Looks up an existing Bootstrap by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: BootstrapState, opts?: pulumi.CustomResourceOptions): Bootstrap {
        return new Bootstrap(name, state as BootstrapArgs, { ...opts, id });
    }

    /** True for a Bootstrap, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Bootstrap {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === Bootstrap.__pulumiType;
    }

    declare public readonly clientConfiguration: pulumi.Output<outputs.machine.ClientConfiguration | undefined>;
    declare public readonly clientConfigurationWo: pulumi.Output<outputs.machine.BootstrapClientConfigurationWo | undefined>;
    declare public readonly endpoint: pulumi.Output<string>;
    declare public readonly node: pulumi.Output<string>;
    declare public readonly timeouts: pulumi.Output<outputs.machine.BootstrapTimeouts | undefined>;

    constructor(name: string, args: BootstrapArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: BootstrapArgs | BootstrapState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as BootstrapArgs | undefined;
            utilities.requireInputs(args, ["node"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
            resourceInputs["clientConfigurationWo"] = utilities.secretIfSet(args?.clientConfigurationWo);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        opts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["clientConfigurationWo"] });
        super(Bootstrap.__pulumiType, name, resourceInputs, opts);
    }
}

/** State of an existing Bootstrap, for `Bootstrap.get`. */
export interface BootstrapState {
    clientConfiguration?: pulumi.Input<inputs.machine.ClientConfiguration>;
    clientConfigurationWo?: pulumi.Input<inputs.machine.BootstrapClientConfigurationWo>;
    endpoint?: pulumi.Input<string>;
    node?: pulumi.Input<string>;
    timeouts?: pulumi.Input<inputs.machine.BootstrapTimeouts>;
}

export interface BootstrapArgs {
    /** Talos client credentials; `machine.Secrets.clientConfiguration` fits as is. */
    clientConfiguration?: pulumi.Input<inputs.machine.ClientConfiguration>;
    /** Write-only variant of `clientConfiguration`. Wrapped as secret. */
    clientConfigurationWo?: pulumi.Input<inputs.machine.BootstrapClientConfigurationWo>;
    /** Address talosctl connects to; defaults to `node`. */
    endpoint?: pulumi.Input<string>;
    /** The control-plane node to bootstrap. */
    node: pulumi.Input<string>;
    timeouts?: pulumi.Input<inputs.machine.BootstrapTimeouts>;
}
