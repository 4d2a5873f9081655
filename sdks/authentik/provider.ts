import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

/**
 * An explicit authentik provider (`pulumi:providers:authentik`, served by the
 * parameterized `terraform-provider` plugin). Pass it as `provider` to every
 * authentik resource and invoke so that they talk to the intended instance.
 */
export class Provider extends pulumi.ProviderResource {
    public static readonly __pulumiType = "authentik";

    /** True for an authentik Provider, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is Provider {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === "pulumi:providers:" + Provider.__pulumiType;
    }

    /** The API token. Secret. */
    declare public readonly token: pulumi.Output<string | undefined>;
    declare public readonly url: pulumi.Output<string | undefined>;

    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions) {
        const resourceInputs: pulumi.Inputs = {
            // Provider config travels as strings: objects and booleans are JSON-encoded,
            // and the headers may carry credentials, so they stay secret.
            headers: pulumi.output(utilities.secretIfSet(args?.headers)).apply(JSON.stringify),
            insecure: pulumi.output(args?.insecure).apply(JSON.stringify),
            token: utilities.secretIfSet(args?.token),
            url: args?.url,
        };
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
        opts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["token"] });
        super(Provider.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface ProviderArgs {
    /** Extra HTTP headers sent with every request (config `authentik:headers`). Sent as a secret. */
    headers?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** Skip TLS verification (config `authentik:insecure`, env `AUTHENTIK_INSECURE`). */
    insecure?: pulumi.Input<boolean>;
    /** API token (config `authentik:token`, env `AUTHENTIK_TOKEN`). Wrapped as secret. */
    token?: pulumi.Input<string>;
    /** Base URL of authentik (config `authentik:url`, env `AUTHENTIK_URL`). */
    url?: pulumi.Input<string>;
}
