import * as pulumi from "@pulumi/pulumi";

/** The pulumi-talos release these bindings mirror; also the plugin version the engine installs. */
export const PACKAGE_VERSION = "0.8.1";

/**
 * Where the engine downloads `pulumi-resource-talos` from. An org-only github://
 * URL resolves to the release assets of `pulumiverse/pulumi-talos`.
 */
export const PLUGIN_DOWNLOAD_URL = "github://api.github.com/pulumiverse";

/** Plugin version, as the generated SDK reports it. */
export function getVersion(): string {
    return PACKAGE_VERSION;
}

/**
 * Options every resource and invoke starts from. They carry enough for the
 * engine to install the right plugin even when no package.json in
 * node_modules announces it.
 */
export function resourceOptsDefaults(): { version: string; pluginDownloadURL: string } {
    return { version: PACKAGE_VERSION, pluginDownloadURL: PLUGIN_DOWNLOAD_URL };
}

/**
 * Throws the same error the generated SDK throws when a required input is
 * missing. Skipped when rehydrating a resource from its URN, where no args exist.
 */
export function requireInputs(
    args: object | undefined,
    names: readonly string[],
    opts: pulumi.CustomResourceOptions,
): void {
    if (opts.urn) {
        return;
    }
    for (const name of names) {
        if ((args as Record<string, unknown> | undefined)?.[name] === undefined) {
            throw new Error(`Missing required property '${name}'`);
        }
    }
}

/** Copies the named properties (of args or looked-up state) into a fresh inputs bag. */
export function pickInputs(source: object | undefined, names: readonly string[]): pulumi.Inputs {
    const bag = (source ?? {}) as Record<string, pulumi.Input<unknown> | undefined>;
    const inputs: pulumi.Inputs = {};
    for (const name of names) {
        inputs[name] = bag[name];
    }
    return inputs;
}

/** Wraps a set input in `pulumi.secret`, as the generated SDK does for secret inputs. */
export function secretIfSet<T>(value: pulumi.Input<T> | undefined): pulumi.Output<pulumi.Unwrap<T>> | undefined {
    return value ? pulumi.secret(value) : undefined;
}

/** A resource class of this package, as the module registry needs it. */
interface ResourceClass {
    readonly __pulumiType: string;
    // Rehydration passes no args, only the URN, so any args type is acceptable here.
    new (name: string, args: any, opts: pulumi.CustomResourceOptions): pulumi.Resource;
}

/**
 * Registers resource classes so the runtime can rebuild references to them
 * (e.g. a resource returned through a component). The module name comes from
 * the token, so `talos:imageFactory/schematic:Schematic` registers
 * `imageFactory/schematic` even though the TS namespace is `imagefactory`.
 */
export function registerModule(classes: readonly ResourceClass[]): void {
    const byType = new Map(classes.map((cls) => [cls.__pulumiType, cls]));
    const module: pulumi.runtime.ResourceModule = {
        version: PACKAGE_VERSION,
        construct: (name, type, urn) => {
            const cls = byType.get(type);
            if (cls === undefined) {
                throw new Error(`unknown resource type ${type}`);
            }
            return new cls(name, undefined, { urn });
        },
    };
    for (const type of byType.keys()) {
        const [pkg, mod] = type.split(":");
        pulumi.runtime.registerResourceModule(pkg!, mod!, module);
    }
}
