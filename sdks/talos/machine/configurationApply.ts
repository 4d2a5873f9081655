import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";
import * as utilities from "../utilities";

const inputNames = [
    "applyMode",
    "clientConfiguration",
    "configPatches",
    "endpoint",
    "node",
    "onDestroy",
    "timeouts",
] as const;
const secretInputNames = ["clientConfigurationWo", "machineConfigurationInput", "machineConfigurationInputWo"] as const;
const outputOnlyNames = ["machineConfiguration", "machineConfigurationHash", "resolvedApplyMode"] as const;
const stateNames = [...inputNames, ...secretInputNames, ...outputOnlyNames];

/**
 * Applies a machine configuration to a Talos node
 * (`talos_machine_configuration_apply`). Give exactly one of
 * `clientConfiguration`/`clientConfigurationWo` and exactly one of
 * `machineConfigurationInput`/`machineConfigurationInputWo`.
 */
export class ConfigurationApply extends pulumi.CustomResource {
    public static readonly __pulumiType = "talos:machine/configurationApply:ConfigurationApply";

    /** Looks up an existing ConfigurationApply by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ConfigurationApplyState, opts?: pulumi.CustomResourceOptions): ConfigurationApply {
        return new ConfigurationApply(name, state as ConfigurationApplyArgs, { ...opts, id });
    }

    /** True for a ConfigurationApply, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is ConfigurationApply {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === ConfigurationApply.__pulumiType;
    }

    declare public readonly applyMode: pulumi.Output<string>;
    declare public readonly clientConfiguration: pulumi.Output<outputs.machine.ClientConfiguration | undefined>;
    declare public readonly clientConfigurationWo: pulumi.Output<outputs.machine.ConfigurationApplyClientConfigurationWo | undefined>;
    declare public readonly configPatches: pulumi.Output<string[] | undefined>;
    declare public readonly endpoint: pulumi.Output<string>;
    /** The rendered configuration after patches. Secret. */
    declare public readonly machineConfiguration: pulumi.Output<string>;
    /** sha256 (hex) of the rendered configuration. */
    declare public readonly machineConfigurationHash: pulumi.Output<string>;
    declare public readonly machineConfigurationInput: pulumi.Output<string | undefined>;
    declare public readonly machineConfigurationInputWo: pulumi.Output<string | undefined>;
    declare public readonly node: pulumi.Output<string>;
    declare public readonly onDestroy: pulumi.Output<outputs.machine.ConfigurationApplyOnDestroy | undefined>;
    /** `auto` or `staged` after the dry run, when applyMode is `staged_if_needing_reboot`. */
    declare public readonly resolvedApplyMode: pulumi.Output<string>;
    declare public readonly timeouts: pulumi.Output<outputs.machine.Timeout | undefined>;

    constructor(name: string, args: ConfigurationApplyArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: ConfigurationApplyArgs | ConfigurationApplyState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as ConfigurationApplyArgs | undefined;
            utilities.requireInputs(args, ["node"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
            // The machine config carries cluster secrets, so it is secret from the moment it enters.
            for (const key of secretInputNames) {
                resourceInputs[key] = utilities.secretIfSet(args?.[key]);
            }
            for (const key of outputOnlyNames) {
                resourceInputs[key] = undefined /*out*/;
            }
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        opts = pulumi.mergeOptions(opts, {
            additionalSecretOutputs: [
                "clientConfigurationWo",
                "machineConfiguration",
                "machineConfigurationInput",
                "machineConfigurationInputWo",
            ],
        });
        super(ConfigurationApply.__pulumiType, name, resourceInputs, opts);
    }
}

/** State of an existing ConfigurationApply, for `ConfigurationApply.get`. */
export interface ConfigurationApplyState {
    applyMode?: pulumi.Input<string>;
    clientConfiguration?: pulumi.Input<inputs.machine.ClientConfiguration>;
    clientConfigurationWo?: pulumi.Input<inputs.machine.ConfigurationApplyClientConfigurationWo>;
    configPatches?: pulumi.Input<pulumi.Input<string>[]>;
    endpoint?: pulumi.Input<string>;
    machineConfiguration?: pulumi.Input<string>;
    machineConfigurationHash?: pulumi.Input<string>;
    machineConfigurationInput?: pulumi.Input<string>;
    machineConfigurationInputWo?: pulumi.Input<string>;
    node?: pulumi.Input<string>;
    onDestroy?: pulumi.Input<inputs.machine.ConfigurationApplyOnDestroy>;
    resolvedApplyMode?: pulumi.Input<string>;
    timeouts?: pulumi.Input<inputs.machine.Timeout>;
}

export interface ConfigurationApplyArgs {
    /** `auto` (default), `reboot`, `no_reboot`, `staged` or `staged_if_needing_reboot`. */
    applyMode?: pulumi.Input<string>;
    /** Talos client credentials; `machine.Secrets.clientConfiguration` fits as is. */
    clientConfiguration?: pulumi.Input<inputs.machine.ClientConfiguration>;
    /** Write-only variant of `clientConfiguration`; prefer the plain one under Pulumi. */
    clientConfigurationWo?: pulumi.Input<inputs.machine.ConfigurationApplyClientConfigurationWo>;
    /** YAML/JSON patches applied on top of `machineConfigurationInput`. */
    configPatches?: pulumi.Input<pulumi.Input<string>[]>;
    /** Address talosctl connects to; defaults to `node`. */
    endpoint?: pulumi.Input<string>;
    /** The machine configuration, e.g. from `machine.getConfiguration`. Wrapped as secret. */
    machineConfigurationInput?: pulumi.Input<string>;
    /** Write-only variant of `machineConfigurationInput`. */
    machineConfigurationInputWo?: pulumi.Input<string>;
    /** The node to configure. */
    node: pulumi.Input<string>;
    /** What to do with the node on delete. */
    onDestroy?: pulumi.Input<inputs.machine.ConfigurationApplyOnDestroy>;
    timeouts?: pulumi.Input<inputs.machine.Timeout>;
}
