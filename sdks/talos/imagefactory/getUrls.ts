import * as pulumi from "@pulumi/pulumi";
import * as outputs from "../types/output";
import * as utilities from "../utilities";

const token = "talos:imageFactory/getUrls:getUrls";

/**
 * Image Factory URLs (installer image, ISO, disk image, …) for a schematic,
 * Talos version and platform (`talos_image_factory_urls` data source).
 * Give exactly one of `platform` and `sbc`.
 */
export function getUrls(args: GetUrlsArgs, opts?: pulumi.InvokeOptions): Promise<GetUrlsResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invoke(token, invokeArgs(args), opts);
}

/** Output form of {@link getUrls}; accepts Outputs as args. */
export function getUrlsOutput(args: GetUrlsOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetUrlsResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invokeOutput(token, invokeArgs(args), opts);
}

function invokeArgs(args: GetUrlsArgs | GetUrlsOutputArgs): pulumi.Inputs {
    return utilities.pickInputs(args, ["architecture", "platform", "sbc", "schematicId", "talosVersion"]);
}

export interface GetUrlsArgs {
    /** `amd64` (default) or `arm64`. */
    architecture?: string;
    /** e.g. `metal`, `nocloud`, `hcloud`. Exactly one of `platform` and `sbc`. */
    platform?: string;
    /** Single-board computer name. Exactly one of `platform` and `sbc`. */
    sbc?: string;
    /** `imagefactory.Schematic.id`. */
    schematicId: string;
    /** Talos version, e.g. `v1.13.0`. */
    talosVersion: string;
}

export interface GetUrlsResult {
    readonly architecture: string;
    readonly id: string;
    readonly platform?: string;
    readonly sbc?: string;
    readonly schematicId: string;
    readonly talosVersion: string;
    readonly urls: outputs.imageFactory.GetUrlsUrls;
}

export interface GetUrlsOutputArgs {
    architecture?: pulumi.Input<string>;
    platform?: pulumi.Input<string>;
    sbc?: pulumi.Input<string>;
    schematicId: pulumi.Input<string>;
    talosVersion: pulumi.Input<string>;
}
