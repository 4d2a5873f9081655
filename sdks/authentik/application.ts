import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "applicationId",
    "backchannelProviders",
    "group",
    "metaDescription",
    "metaHide",
    "metaIcon",
    "metaLaunchUrl",
    "metaPublisher",
    "name",
    "openInNewTab",
    "policyEngineMode",
    "protocolProvider",
    "slug",
    "uuid",
] as const;
const stateNames = inputNames;

/** An authentik application (`authentik_application`). Its Pulumi `id` is the **slug**. */
export class Application extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/application:Application";

    /** Looks up an existing Application by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ApplicationState, opts?: pulumi.CustomResourceOptions): Application {
        return new Application(name, state as ApplicationArgs, { ...opts, id });
    }

    /** True for a Application, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Application {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === Application.__pulumiType;
    }

    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly applicationId: pulumi.Output<string>;
    /** Integer pks of backchannel providers. */
    declare public readonly backchannelProviders: pulumi.Output<number[] | undefined>;
    /** Free-text group label shown in the library. */
    declare public readonly group: pulumi.Output<string | undefined>;
    declare public readonly metaDescription: pulumi.Output<string | undefined>;
    /** Hide from the user library (default false). */
    declare public readonly metaHide: pulumi.Output<boolean | undefined>;
    declare public readonly metaIcon: pulumi.Output<string | undefined>;
    declare public readonly metaLaunchUrl: pulumi.Output<string | undefined>;
    declare public readonly metaPublisher: pulumi.Output<string | undefined>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    declare public readonly name: pulumi.Output<string>;
    /** Default false. */
    declare public readonly openInNewTab: pulumi.Output<boolean | undefined>;
    /** `all` or `any` (default `any`). */
    declare public readonly policyEngineMode: pulumi.Output<string | undefined>;
    /** Integer pk of a ProviderOauth2 or ProviderProxy: `provider.id.apply(Number)`. */
    declare public readonly protocolProvider: pulumi.Output<number | undefined>;
    /** URL slug; also the Pulumi `id`. */
    declare public readonly slug: pulumi.Output<string>;
    /** Application UUID (computed). */
    declare public readonly uuid: pulumi.Output<string>;

    constructor(name: string, args: ApplicationArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: ApplicationArgs | ApplicationState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as ApplicationArgs | undefined;
            utilities.requireInputs(args, ["slug"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Application.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing Application, for `Application.get`. */
export interface ApplicationState {
    applicationId?: pulumi.Input<string>;
    backchannelProviders?: pulumi.Input<pulumi.Input<number>[]>;
    group?: pulumi.Input<string>;
    metaDescription?: pulumi.Input<string>;
    metaHide?: pulumi.Input<boolean>;
    metaIcon?: pulumi.Input<string>;
    metaLaunchUrl?: pulumi.Input<string>;
    metaPublisher?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    openInNewTab?: pulumi.Input<boolean>;
    policyEngineMode?: pulumi.Input<string>;
    protocolProvider?: pulumi.Input<number>;
    slug?: pulumi.Input<string>;
    uuid?: pulumi.Input<string>;
}

export interface ApplicationArgs {
    /** Mirrors the Pulumi `id`; leave it unset. */
    applicationId?: pulumi.Input<string>;
    /** Integer pks of backchannel providers. */
    backchannelProviders?: pulumi.Input<pulumi.Input<number>[]>;
    /** Free-text group label shown in the library. */
    group?: pulumi.Input<string>;
    metaDescription?: pulumi.Input<string>;
    /** Hide from the user library (default false). */
    metaHide?: pulumi.Input<boolean>;
    metaIcon?: pulumi.Input<string>;
    metaLaunchUrl?: pulumi.Input<string>;
    metaPublisher?: pulumi.Input<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    name?: pulumi.Input<string>;
    /** Default false. */
    openInNewTab?: pulumi.Input<boolean>;
    /** `all` or `any` (default `any`). */
    policyEngineMode?: pulumi.Input<string>;
    /** Integer pk of a ProviderOauth2 or ProviderProxy: `provider.id.apply(Number)`. */
    protocolProvider?: pulumi.Input<number>;
    /** URL slug; also the Pulumi `id`. */
    slug: pulumi.Input<string>;
    /** Application UUID (computed). */
    uuid?: pulumi.Input<string>;
}
