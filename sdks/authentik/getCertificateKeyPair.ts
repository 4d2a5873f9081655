import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const token = "authentik:index/getCertificateKeyPair:getCertificateKeyPair";

/**
 * Looks up a certificate-key pair (`authentik_certificate_key_pair` data
 * source). `id` is the keypair UUID. Pass `fetchKey: false` when only the id is
 * needed, so the private key stays out of state.
 */
export function getCertificateKeyPair(args: GetCertificateKeyPairArgs, opts?: pulumi.InvokeOptions): Promise<GetCertificateKeyPairResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invoke(token, invokeArgs(args), opts, utilities.getPackage());
}

/** Output form of {@link getCertificateKeyPair}; accepts Outputs as args. */
export function getCertificateKeyPairOutput(
    args: GetCertificateKeyPairOutputArgs,
    opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetCertificateKeyPairResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invokeOutput(token, invokeArgs(args), opts, utilities.getPackage());
}

function invokeArgs(args: GetCertificateKeyPairArgs | GetCertificateKeyPairOutputArgs): pulumi.Inputs {
    return utilities.pickInputs(args, ["fetchCertificate", "fetchKey", "keyData", "name"]);
}

export interface GetCertificateKeyPairArgs {
    /** Default true. */
    fetchCertificate?: boolean;
    /** Default true. Set false unless the private key is needed. */
    fetchKey?: boolean;
    keyData?: string;
    name: string;
}

export interface GetCertificateKeyPairResult {
    readonly certificateData: string;
    readonly expiry: string;
    readonly fetchCertificate?: boolean;
    readonly fetchKey?: boolean;
    readonly fingerprint1: string;
    readonly fingerprint256: string;
    /** The keypair UUID. */
    readonly id: string;
    /** The private key. Secret. */
    readonly keyData: string;
    readonly name: string;
    readonly subject: string;
}

export interface GetCertificateKeyPairOutputArgs {
    fetchCertificate?: pulumi.Input<boolean>;
    fetchKey?: pulumi.Input<boolean>;
    keyData?: pulumi.Input<string>;
    name: pulumi.Input<string>;
}
