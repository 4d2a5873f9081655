import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";
import * as utilities from "../utilities";

const inputNames = ["talosVersion"] as const;
const stateNames = ["clientConfiguration", "machineSecrets", "talosVersion"] as const;

/**
 * Generates the PKI and tokens of a Talos cluster (`talos_machine_secrets`).
 * The secret parts (keys, tokens) are flagged secret inside the nested objects
 * by the provider, so no `additionalSecretOutputs` is needed here.
 */
export class Secrets extends pulumi.CustomResource {
    public static readonly __pulumiType = "talos:machine/secrets:Secrets";

    /** Looks up an existing Secrets resource by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SecretsState, opts?: pulumi.CustomResourceOptions): Secrets {
        return new Secrets(name, state as SecretsArgs, { ...opts, id });
    }

    /** True for a Secrets, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Secrets {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === Secrets.__pulumiType;
    }

    /** Talos client credentials (for talosctl and the other talos resources). */
    declare public readonly clientConfiguration: pulumi.Output<outputs.machine.ClientConfiguration>;
    /** The cluster secrets bundle; pass it to `machine.getConfiguration`. */
    declare public readonly machineSecrets: pulumi.Output<outputs.machine.MachineSecrets>;
    /** The config "version contract" the secrets were generated for. */
    declare public readonly talosVersion: pulumi.Output<string>;

    constructor(name: string, args?: SecretsArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: SecretsArgs | SecretsState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as SecretsArgs | undefined;
            resourceInputs = utilities.pickInputs(args, inputNames);
            resourceInputs["clientConfiguration"] = undefined /*out*/;
            resourceInputs["machineSecrets"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Secrets.__pulumiType, name, resourceInputs, opts);
    }
}

/** State of an existing Secrets resource, for `Secrets.get`. */
export interface SecretsState {
    clientConfiguration?: pulumi.Input<inputs.machine.ClientConfiguration>;
    machineSecrets?: pulumi.Input<inputs.machine.MachineSecretsArgs>;
    talosVersion?: pulumi.Input<string>;
}

export interface SecretsArgs {
    /**
     * Talos config version contract, e.g. "v1.12". Computed when omitted. It does
     * not choose the installed Talos version (that is the installer image).
     */
    talosVersion?: pulumi.Input<string>;
}
