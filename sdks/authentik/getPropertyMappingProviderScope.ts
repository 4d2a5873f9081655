import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const token = "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope";

/**
 * Looks up scope mappings (`authentik_property_mapping_provider_scope` data
 * source), e.g. the managed `goauthentik.io/providers/oauth2/scope-openid`.
 * With `managedLists`, `ids` holds the UUIDs in the order asked and `id` is `"-1"`.
 */
export function getPropertyMappingProviderScope(
    args?: GetPropertyMappingProviderScopeArgs,
    opts?: pulumi.InvokeOptions,
): Promise<GetPropertyMappingProviderScopeResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invoke(token, invokeArgs(args), opts, utilities.getPackage());
}

/** Output form of {@link getPropertyMappingProviderScope}; accepts Outputs as args. */
export function getPropertyMappingProviderScopeOutput(
    args?: GetPropertyMappingProviderScopeOutputArgs,
    opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetPropertyMappingProviderScopeResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invokeOutput(token, invokeArgs(args), opts, utilities.getPackage());
}

function invokeArgs(
    args: GetPropertyMappingProviderScopeArgs | GetPropertyMappingProviderScopeOutputArgs | undefined,
): pulumi.Inputs {
    return utilities.pickInputs(args, ["id", "ids", "managed", "managedLists", "name", "scopeName"]);
}

export interface GetPropertyMappingProviderScopeArgs {
    id?: string;
    ids?: string[];
    /** A managed mapping, e.g. `goauthentik.io/providers/oauth2/scope-email`. */
    managed?: string;
    /** Several managed mappings (Terraform `managed_list`); conflicts with `name`. */
    managedLists?: string[];
    name?: string;
    scopeName?: string;
}

export interface GetPropertyMappingProviderScopeResult {
    readonly description: string;
    readonly expression: string;
    /** The mapping UUID, or `"-1"` when `managedLists` is used. */
    readonly id: string;
    /** Mapping UUIDs, in the order of `managedLists`. */
    readonly ids: string[];
    readonly managed?: string;
    readonly managedLists?: string[];
    readonly name?: string;
    readonly scopeName: string;
}

export interface GetPropertyMappingProviderScopeOutputArgs {
    id?: pulumi.Input<string>;
    ids?: pulumi.Input<pulumi.Input<string>[]>;
    managed?: pulumi.Input<string>;
    managedLists?: pulumi.Input<pulumi.Input<string>[]>;
    name?: pulumi.Input<string>;
    scopeName?: pulumi.Input<string>;
}
