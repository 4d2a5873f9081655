import * as pulumi from "@pulumi/pulumi";

const talosConfig = new pulumi.Config("talos");

/**
 * Stack config `talos:imageFactoryUrl`: the Image Factory base URL the default
 * provider uses (the provider's own default is https://factory.talos.dev).
 * Read on each access, like the generated SDK, so it sees the current stack config.
 */
export declare const imageFactoryUrl: string | undefined;
Object.defineProperty(exports, "imageFactoryUrl", {
    get(): string | undefined {
        return talosConfig.get("imageFactoryUrl");
    },
    enumerable: true,
});
