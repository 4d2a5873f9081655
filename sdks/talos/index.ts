// Hand-written bindings for @pulumiverse/talos 0.8.1, laid out like the
// generated SDK so that swapping in the published package changes no imports.
import * as pulumi from "@pulumi/pulumi";
import * as client from "./client";
import * as cluster from "./cluster";
import * as config from "./config";
import * as imagefactory from "./imagefactory";
import * as machine from "./machine";
import { Provider } from "./provider";
import * as types from "./types";
import * as utilities from "./utilities";

export * from "./provider";
export { client, cluster, config, imagefactory, machine, types };

pulumi.runtime.registerResourcePackage("talos", {
    version: utilities.getVersion(),
    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {
        if (type !== "pulumi:providers:talos") {
            throw new Error(`unknown provider type ${type}`);
        }
        return new Provider(name, undefined, { urn });
    },
});
