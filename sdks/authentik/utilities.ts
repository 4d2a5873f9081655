import * as pulumi from "@pulumi/pulumi";

/**
 * How this package identifies itself to the engine. authentik has no native
 * Pulumi provider: it is the Terraform provider `goauthentik/authentik`
 * 2026.5.0 served by the `terraform-provider` plugin 1.1.3, parameterized with
 * the base64 of the compact JSON
 * `{"remote":{"url":"registry.opentofu.org/goauthentik/authentik","version":"2026.5.0"}}`.
 * Pulumi.yaml `packages.authentik` and package.json `pulumi.parameterization`
 * must agree with these values.
 */
export const registerPackageArgs: Readonly<pulumi.runtime.RegisterPackageArgs> = Object.freeze({
    baseProviderName: "terraform-provider",
    baseProviderVersion: "1.1.3",
    // Empty: the base plugin comes from Pulumi's default plugin server.
    baseProviderDownloadUrl: "",
    packageName: "authentik",
    packageVersion: "2026.5.0",
    base64Parameter:
        "eyJyZW1vdGUiOnsidXJsIjoicmVnaXN0cnkub3BlbnRvZnUub3JnL2dvYXV0aGVudGlrL2F1dGhlbnRpayIsInZlcnNpb24iOiIyMDI2LjUuMCJ9fQ==",
});

/** The Terraform provider version mirrored, which is also this package's version. */
export const PACKAGE_VERSION = registerPackageArgs.packageVersion;

export function getVersion(): string {
    return PACKAGE_VERSION;
}

/**
 * Registers the parameterized package and resolves to the engine's package
 * ref. Called when a resource or invoke is created, never at import: the
 * runtime caches the registration per deployment (and `setMocks` resets that
 * cache), so module-load registration would hit the wrong monitor or none.
 */
export function getPackage(): Promise<string | undefined> {
    return pulumi.runtime.registerPackage({ ...registerPackageArgs });
}

/**
 * Option defaults, as the generated SDK has them. Once the package ref
 * resolves the runtime clears `version`, so it has no effect on the wire.
 */
export function resourceOptsDefaults(): { version: string } {
    return { version: PACKAGE_VERSION };
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
 * (module `index/<camelName>`, from the token).
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
