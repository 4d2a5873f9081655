import * as pulumi from "@pulumi/pulumi";
import * as utilities from "../utilities";

/**
 * Registers a schematic (extensions, kernel args, overlay) with Image Factory
 * (`talos_image_factory_schematic`). The resource `id` is the schematic ID;
 * pass it to `imagefactory.getUrls` as `schematicId`.
 */
export class Schematic extends pulumi.CustomResource {
    // The token module is `imageFactory` although the TS namespace is `imagefactory`.
    public static readonly __pulumiType = "talos:imageFactory/schematic:Schematic";

    /** Looks up an existing Schematic by id (the schematic ID). */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SchematicState, opts?: pulumi.CustomResourceOptions): Schematic {
        return new Schematic(name, state as SchematicArgs, { ...opts, id });
    }

    /** True for a Schematic, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Schematic {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === Schematic.__pulumiType;
    }

    /** The schematic YAML, if one was given. */
    declare public readonly schematic: pulumi.Output<string | undefined>;

    constructor(name: string, args?: SchematicArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: SchematicArgs | SchematicState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        const resourceInputs = utilities.pickInputs(argsOrState, ["schematic"]);
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Schematic.__pulumiType, name, resourceInputs, opts);
    }
}

/** State of an existing Schematic, for `Schematic.get`. */
export interface SchematicState {
    schematic?: pulumi.Input<string>;
}

export interface SchematicArgs {
    /** Schematic YAML (`customization:` with extensions, extraKernelArgs, …). Omit it for a vanilla image. */
    schematic?: pulumi.Input<string>;
}
