import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "description",
    "expression",
    "name",
    "propertyMappingProviderScopeId",
    "scopeName",
] as const;
const stateNames = inputNames;

/**
 * An OAuth2 scope mapping (`authentik_property_mapping_provider_scope`). Its Pulumi `id` is the
 * mapping UUID.
 */
export class PropertyMappingProviderScope extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope";

    /** Looks up an existing PropertyMappingProviderScope by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: PropertyMappingProviderScopeState, opts?: pulumi.CustomResourceOptions): PropertyMappingProviderScope {
        return new PropertyMappingProviderScope(name, state as PropertyMappingProviderScopeArgs, { ...opts, id });
    }

    /** True for a PropertyMappingProviderScope, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is PropertyMappingProviderScope {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === PropertyMappingProviderScope.__pulumiType;
    }

    declare public readonly description: pulumi.Output<string | undefined>;
    /** Python expression returning the claims. */
    declare public readonly expression: pulumi.Output<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    declare public readonly name: pulumi.Output<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly propertyMappingProviderScopeId: pulumi.Output<string>;
    /** The scope clients request, e.g. `groups`. */
    declare public readonly scopeName: pulumi.Output<string>;

    constructor(name: string, args: PropertyMappingProviderScopeArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: PropertyMappingProviderScopeArgs | PropertyMappingProviderScopeState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as PropertyMappingProviderScopeArgs | undefined;
            utilities.requireInputs(args, ["expression", "scopeName"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(PropertyMappingProviderScope.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing PropertyMappingProviderScope, for `PropertyMappingProviderScope.get`. */
export interface PropertyMappingProviderScopeState {
    description?: pulumi.Input<string>;
    expression?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    propertyMappingProviderScopeId?: pulumi.Input<string>;
    scopeName?: pulumi.Input<string>;
}

export interface PropertyMappingProviderScopeArgs {
    description?: pulumi.Input<string>;
    /** Python expression returning the claims. */
    expression: pulumi.Input<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    name?: pulumi.Input<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    propertyMappingProviderScopeId?: pulumi.Input<string>;
    /** The scope clients request, e.g. `groups`. */
    scopeName: pulumi.Input<string>;
}
