import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "accessTokenUrl",
    "additionalScopes",
    "authenticationFlow",
    "authorizationCodeAuthMethod",
    "authorizationUrl",
    "consumerKey",
    "enabled",
    "enrollmentFlow",
    "groupMatchingMode",
    "name",
    "oidcJwks",
    "oidcJwksUrl",
    "oidcWellKnownUrl",
    "pkce",
    "policyEngineMode",
    "profileUrl",
    "promoted",
    "propertyMappings",
    "propertyMappingsGroups",
    "providerType",
    "requestTokenUrl",
    "slug",
    "sourceOauthId",
    "userMatchingMode",
    "userPathTemplate",
    "uuid",
] as const;
const stateNames = [...inputNames, "consumerSecret", "callbackUri"];

/**
 * An OAuth/OIDC login source (`authentik_source_oauth`). Its Pulumi `id` is the
 * **slug**; use `uuid` wherever a source UUID is needed (e.g. `StageIdentification.sources`).
 */
export class SourceOauth extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/sourceOauth:SourceOauth";

    /** Looks up an existing SourceOauth by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SourceOauthState, opts?: pulumi.CustomResourceOptions): SourceOauth {
        return new SourceOauth(name, state as SourceOauthArgs, { ...opts, id });
    }

    /** True for a SourceOauth, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is SourceOauth {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === SourceOauth.__pulumiType;
    }

    /** Needed for OAuth1 only. */
    declare public readonly accessTokenUrl: pulumi.Output<string | undefined>;
    declare public readonly additionalScopes: pulumi.Output<string | undefined>;
    /** Flow UUID. */
    declare public readonly authenticationFlow: pulumi.Output<string | undefined>;
    /** `basic_auth` (default) or `post_body`. */
    declare public readonly authorizationCodeAuthMethod: pulumi.Output<string | undefined>;
    declare public readonly authorizationUrl: pulumi.Output<string | undefined>;
    /** Redirect URI to register at the upstream IdP. */
    declare public readonly callbackUri: pulumi.Output<string>;
    declare public readonly consumerKey: pulumi.Output<string>;
    /** Secret. */
    declare public readonly consumerSecret: pulumi.Output<string>;
    /** Default true. */
    declare public readonly enabled: pulumi.Output<boolean | undefined>;
    /** Flow UUID. */
    declare public readonly enrollmentFlow: pulumi.Output<string | undefined>;
    /** `identifier` (default), `name_link` or `name_deny`. */
    declare public readonly groupMatchingMode: pulumi.Output<string | undefined>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    declare public readonly name: pulumi.Output<string>;
    /** JSON text (computed from `oidcJwksUrl`). */
    declare public readonly oidcJwks: pulumi.Output<string>;
    declare public readonly oidcJwksUrl: pulumi.Output<string | undefined>;
    declare public readonly oidcWellKnownUrl: pulumi.Output<string | undefined>;
    /** `none` (default), `plain` or `S256`. */
    declare public readonly pkce: pulumi.Output<string | undefined>;
    /** `all` or `any`. */
    declare public readonly policyEngineMode: pulumi.Output<string | undefined>;
    declare public readonly profileUrl: pulumi.Output<string | undefined>;
    /** Default false. */
    declare public readonly promoted: pulumi.Output<boolean | undefined>;
    declare public readonly propertyMappings: pulumi.Output<string[] | undefined>;
    /** Terraform `property_mappings_group` (pluralized by the bridge). */
    declare public readonly propertyMappingsGroups: pulumi.Output<string[] | undefined>;
    /** e.g. `openidconnect`, `github`, `google`, `gitlab`, `entraid`. */
    declare public readonly providerType: pulumi.Output<string>;
    declare public readonly requestTokenUrl: pulumi.Output<string | undefined>;
    declare public readonly slug: pulumi.Output<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly sourceOauthId: pulumi.Output<string>;
    /** `identifier` (default), `email_link`, `email_deny`, `username_link` or `username_deny`. */
    declare public readonly userMatchingMode: pulumi.Output<string | undefined>;
    /** Default `goauthentik.io/sources/%(slug)s`. */
    declare public readonly userPathTemplate: pulumi.Output<string | undefined>;
    /** Source UUID (computed). */
    declare public readonly uuid: pulumi.Output<string>;

    constructor(name: string, args: SourceOauthArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: SourceOauthArgs | SourceOauthState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as SourceOauthArgs | undefined;
            utilities.requireInputs(args, ["consumerKey", "consumerSecret", "providerType", "slug"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
            resourceInputs["consumerSecret"] = utilities.secretIfSet(args?.consumerSecret);
            resourceInputs["callbackUri"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        opts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["consumerSecret"] });
        super(SourceOauth.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing SourceOauth, for `SourceOauth.get`. */
export interface SourceOauthState {
    accessTokenUrl?: pulumi.Input<string>;
    additionalScopes?: pulumi.Input<string>;
    authenticationFlow?: pulumi.Input<string>;
    authorizationCodeAuthMethod?: pulumi.Input<string>;
    authorizationUrl?: pulumi.Input<string>;
    callbackUri?: pulumi.Input<string>;
    consumerKey?: pulumi.Input<string>;
    consumerSecret?: pulumi.Input<string>;
    enabled?: pulumi.Input<boolean>;
    enrollmentFlow?: pulumi.Input<string>;
    groupMatchingMode?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    oidcJwks?: pulumi.Input<string>;
    oidcJwksUrl?: pulumi.Input<string>;
    oidcWellKnownUrl?: pulumi.Input<string>;
    pkce?: pulumi.Input<string>;
    policyEngineMode?: pulumi.Input<string>;
    profileUrl?: pulumi.Input<string>;
    promoted?: pulumi.Input<boolean>;
    propertyMappings?: pulumi.Input<pulumi.Input<string>[]>;
    propertyMappingsGroups?: pulumi.Input<pulumi.Input<string>[]>;
    providerType?: pulumi.Input<string>;
    requestTokenUrl?: pulumi.Input<string>;
    slug?: pulumi.Input<string>;
    sourceOauthId?: pulumi.Input<string>;
    userMatchingMode?: pulumi.Input<string>;
    userPathTemplate?: pulumi.Input<string>;
    uuid?: pulumi.Input<string>;
}

export interface SourceOauthArgs {
    /** Needed for OAuth1 only. */
    accessTokenUrl?: pulumi.Input<string>;
    additionalScopes?: pulumi.Input<string>;
    /** Flow UUID. */
    authenticationFlow?: pulumi.Input<string>;
    /** `basic_auth` (default) or `post_body`. */
    authorizationCodeAuthMethod?: pulumi.Input<string>;
    authorizationUrl?: pulumi.Input<string>;
    consumerKey: pulumi.Input<string>;
    /** Secret. */
    consumerSecret: pulumi.Input<string>;
    /** Default true. */
    enabled?: pulumi.Input<boolean>;
    /** Flow UUID. */
    enrollmentFlow?: pulumi.Input<string>;
    /** `identifier` (default), `name_link` or `name_deny`. */
    groupMatchingMode?: pulumi.Input<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    name?: pulumi.Input<string>;
    /** JSON text (computed from `oidcJwksUrl`). */
    oidcJwks?: pulumi.Input<string>;
    oidcJwksUrl?: pulumi.Input<string>;
    oidcWellKnownUrl?: pulumi.Input<string>;
    /** `none` (default), `plain` or `S256`. */
    pkce?: pulumi.Input<string>;
    /** `all` or `any`. */
    policyEngineMode?: pulumi.Input<string>;
    profileUrl?: pulumi.Input<string>;
    /** Default false. */
    promoted?: pulumi.Input<boolean>;
    propertyMappings?: pulumi.Input<pulumi.Input<string>[]>;
    /** Terraform `property_mappings_group` (pluralized by the bridge). */
    propertyMappingsGroups?: pulumi.Input<pulumi.Input<string>[]>;
    /** e.g. `openidconnect`, `github`, `google`, `gitlab`, `entraid`. */
    providerType: pulumi.Input<string>;
    requestTokenUrl?: pulumi.Input<string>;
    slug: pulumi.Input<string>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    sourceOauthId?: pulumi.Input<string>;
    /** `identifier` (default), `email_link`, `email_deny`, `username_link` or `username_deny`. */
    userMatchingMode?: pulumi.Input<string>;
    /** Default `goauthentik.io/sources/%(slug)s`. */
    userPathTemplate?: pulumi.Input<string>;
    /** Source UUID (computed). */
    uuid?: pulumi.Input<string>;
}
