import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

/**
 * An explicit talos provider (`pulumi:providers:talos`). Resources use the
 * default provider, configured from `talos:*` stack config, unless one of
 * these is passed as `provider`.
 */
export class Provider extends pulumi.ProviderResource {
    public static readonly __pulumiType = "talos";

    /** True for a talos Provider, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Provider {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === "pulumi:providers:" + Provider.__pulumiType;
    }

    declare public readonly imageFactoryUrl: pulumi.Output<string | undefined>;

    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions) {
        const resourceInputs = utilities.pickInputs(args, ["imageFactoryUrl"]);
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
        super(Provider.__pulumiType, name, resourceInputs, opts);
    }
}

export interface ProviderArgs {
    /** Image Factory base URL (default https://factory.talos.dev). */
    imageFactoryUrl?: pulumi.Input<string>;
}
