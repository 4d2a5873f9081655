import * as pulumi from "@pulumi/pulumi";

const authentikConfig = new pulumi.Config("authentik");

// Stack config the default provider reads. Each is read on access, like the
// generated SDK, so it sees the current stack config.

/** `authentik:headers`: extra HTTP headers. */
export declare const headers: { [key: string]: string } | undefined;
/** `authentik:insecure`: skip TLS verification. */
export declare const insecure: boolean | undefined;
/** `authentik:token`: API token (set it with `--secret`). */
export declare const token: string | undefined;
/** `authentik:url`: base URL of authentik. */
export declare const url: string | undefined;

Object.defineProperties(exports, {
    headers: { get: () => authentikConfig.getObject<{ [key: string]: string }>("headers"), enumerable: true },
    insecure: { get: () => authentikConfig.getObject<boolean>("insecure"), enumerable: true },
    token: { get: () => authentikConfig.get("token"), enumerable: true },
    url: { get: () => authentikConfig.get("url"), enumerable: true },
});
