import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "accessCodeValidity",
    "accessTokenValidity",
    "allowedRedirectUris",
    "authenticationFlow",
    "authorizationFlow",
    "clientId",
    "clientType",
    "encryptionKey",
    "grantTypes",
    "includeClaimsInIdToken",
    "invalidationFlow",
    "issuerMode",
    "jwksSources",
    "jwtFederationProviders",
    "jwtFederationSources",
    "logoutMethod",
    "logoutUri",
    "name",
    "propertyMappings",
    "providerOauth2Id",
    "refreshTokenThreshold",
    "refreshTokenValidity",
    "signingKey",
    "subMode",
] as const;
const stateNames = [...inputNames, "clientSecret"];

/**
 * An OAuth2/OpenID provider (`authentik_provider_oauth2`). Its Pulumi `id` is the
 * integer pk as a string; use `id.apply(Number)` where a pk is needed.
 */
export class ProviderOauth2 extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/providerOauth2:ProviderOauth2";

    /** Looks up an existing ProviderOauth2 by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ProviderOauth2State, opts?: pulumi.CustomResourceOptions): ProviderOauth2 {
        return new ProviderOauth2(name, state as ProviderOauth2Args, { ...opts, id });
    }

    /** True for a ProviderOauth2, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is ProviderOauth2 {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === ProviderOauth2.__pulumiType;
    }

    /** Format `hours=1;minutes=2;seconds=3` (default `minutes=1`). */
    declare public readonly accessCodeValidity: pulumi.Output<string | undefined>;
    /** Default `minutes=10`. */
    declare public readonly accessTokenValidity: pulumi.Output<string | undefined>;
    /**
     * Each entry keeps the provider's **snake_case** keys: `matching_mode` (`strict` or `regex`),
     * `url`, optional `redirect_uri_type`.
     */
    declare public readonly allowedRedirectUris: pulumi.Output<{[key: string]: string}[] | undefined>;
    /** Flow UUID. */
    declare public readonly authenticationFlow: pulumi.Output<string | undefined>;
    /** Flow UUID (`getFlow().id`). */
    declare public readonly authorizationFlow: pulumi.Output<string>;
    declare public readonly clientId: pulumi.Output<string>;
    /** Generated when omitted. Secret. */
    declare public readonly clientSecret: pulumi.Output<string>;
    /** `confidential` (default) or `public`. */
    declare public readonly clientType: pulumi.Output<string | undefined>;
    /** Certificate-key-pair UUID. */
    declare public readonly encryptionKey: pulumi.Output<string | undefined>;
    /** Leave unset so the server derives it. */
    declare public readonly grantTypes: pulumi.Output<string[]>;
    /** Default true. */
    declare public readonly includeClaimsInIdToken: pulumi.Output<boolean | undefined>;
    /** Flow UUID (`getFlow().id`). */
    declare public readonly invalidationFlow: pulumi.Output<string>;
    /** `global` or `per_provider` (default). */
    declare public readonly issuerMode: pulumi.Output<string | undefined>;
    /** @deprecated Upstream deprecated it; use `jwtFederationSources`. */
    declare public readonly jwksSources: pulumi.Output<string[] | undefined>;
    /** Integer provider pks. */
    declare public readonly jwtFederationProviders: pulumi.Output<number[] | undefined>;
    declare public readonly jwtFederationSources: pulumi.Output<string[] | undefined>;
    /** `backchannel` (default) or `frontchannel`. */
    declare public readonly logoutMethod: pulumi.Output<string | undefined>;
    declare public readonly logoutUri: pulumi.Output<string | undefined>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    declare public readonly name: pulumi.Output<string>;
    /** Scope-mapping UUIDs. */
    declare public readonly propertyMappings: pulumi.Output<string[] | undefined>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly providerOauth2Id: pulumi.Output<string>;
    /** Default `seconds=0`. */
    declare public readonly refreshTokenThreshold: pulumi.Output<string | undefined>;
    /** Default `days=30`. */
    declare public readonly refreshTokenValidity: pulumi.Output<string | undefined>;
    /** Certificate-key-pair UUID. */
    declare public readonly signingKey: pulumi.Output<string | undefined>;
    /**
     * `hashed_user_id` (default), `user_id`, `user_uuid`, `user_username`, `user_email` or
     * `user_upn`.
     */
    declare public readonly subMode: pulumi.Output<string | undefined>;

    constructor(name: string, args: ProviderOauth2Args, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: ProviderOauth2Args | ProviderOauth2State, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as ProviderOauth2Args | undefined;
            utilities.requireInputs(args, ["authorizationFlow", "clientId", "invalidationFlow"], opts);
            resourceInputs = utilities.pickInputs(args, inputNames);
            resourceInputs["clientSecret"] = utilities.secretIfSet(args?.clientSecret);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        opts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["clientSecret"] });
        super(ProviderOauth2.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing ProviderOauth2, for `ProviderOauth2.get`. */
export interface ProviderOauth2State {
    accessCodeValidity?: pulumi.Input<string>;
    accessTokenValidity?: pulumi.Input<string>;
    allowedRedirectUris?: pulumi.Input<pulumi.Input<{[key: string]: pulumi.Input<string>}>[]>;
    authenticationFlow?: pulumi.Input<string>;
    authorizationFlow?: pulumi.Input<string>;
    clientId?: pulumi.Input<string>;
    clientSecret?: pulumi.Input<string>;
    clientType?: pulumi.Input<string>;
    encryptionKey?: pulumi.Input<string>;
    grantTypes?: pulumi.Input<pulumi.Input<string>[]>;
    includeClaimsInIdToken?: pulumi.Input<boolean>;
    invalidationFlow?: pulumi.Input<string>;
    issuerMode?: pulumi.Input<string>;
    jwksSources?: pulumi.Input<pulumi.Input<string>[]>;
    jwtFederationProviders?: pulumi.Input<pulumi.Input<number>[]>;
    jwtFederationSources?: pulumi.Input<pulumi.Input<string>[]>;
    logoutMethod?: pulumi.Input<string>;
    logoutUri?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    propertyMappings?: pulumi.Input<pulumi.Input<string>[]>;
    providerOauth2Id?: pulumi.Input<string>;
    refreshTokenThreshold?: pulumi.Input<string>;
    refreshTokenValidity?: pulumi.Input<string>;
    signingKey?: pulumi.Input<string>;
    subMode?: pulumi.Input<string>;
}

export interface ProviderOauth2Args {
    /** Format `hours=1;minutes=2;seconds=3` (default `minutes=1`). */
    accessCodeValidity?: pulumi.Input<string>;
    /** Default `minutes=10`. */
    accessTokenValidity?: pulumi.Input<string>;
    /**
     * Each entry keeps the provider's **snake_case** keys: `matching_mode` (`strict` or `regex`),
     * `url`, optional `redirect_uri_type`.
     */
    allowedRedirectUris?: pulumi.Input<pulumi.Input<{[key: string]: pulumi.Input<string>}>[]>;
    /** Flow UUID. */
    authenticationFlow?: pulumi.Input<string>;
    /** Flow UUID (`getFlow().id`). */
    authorizationFlow: pulumi.Input<string>;
    clientId: pulumi.Input<string>;
    /** Generated when omitted. Secret. */
    clientSecret?: pulumi.Input<string>;
    /** `confidential` (default) or `public`. */
    clientType?: pulumi.Input<string>;
    /** Certificate-key-pair UUID. */
    encryptionKey?: pulumi.Input<string>;
    /** Leave unset so the server derives it. */
    grantTypes?: pulumi.Input<pulumi.Input<string>[]>;
    /** Default true. */
    includeClaimsInIdToken?: pulumi.Input<boolean>;
    /** Flow UUID (`getFlow().id`). */
    invalidationFlow: pulumi.Input<string>;
    /** `global` or `per_provider` (default). */
    issuerMode?: pulumi.Input<string>;
    /** @deprecated Upstream deprecated it; use `jwtFederationSources`. */
    jwksSources?: pulumi.Input<pulumi.Input<string>[]>;
    /** Integer provider pks. */
    jwtFederationProviders?: pulumi.Input<pulumi.Input<number>[]>;
    jwtFederationSources?: pulumi.Input<pulumi.Input<string>[]>;
    /** `backchannel` (default) or `frontchannel`. */
    logoutMethod?: pulumi.Input<string>;
    logoutUri?: pulumi.Input<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    name?: pulumi.Input<string>;
    /** Scope-mapping UUIDs. */
    propertyMappings?: pulumi.Input<pulumi.Input<string>[]>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    providerOauth2Id?: pulumi.Input<string>;
    /** Default `seconds=0`. */
    refreshTokenThreshold?: pulumi.Input<string>;
    /** Default `days=30`. */
    refreshTokenValidity?: pulumi.Input<string>;
    /** Certificate-key-pair UUID. */
    signingKey?: pulumi.Input<string>;
    /**
     * `hashed_user_id` (default), `user_id`, `user_uuid`, `user_username`, `user_email` or
     * `user_upn`.
     */
    subMode?: pulumi.Input<string>;
}
