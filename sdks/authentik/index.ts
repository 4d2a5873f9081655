// Hand-written bindings for @pulumi/authentik 2026.5.0 (goauthentik/authentik
// on the terraform-provider 1.1.3 plugin), laid out like the generated SDK so
// that swapping in a generated package changes no imports.
import * as pulumi from "@pulumi/pulumi";
import { Application } from "./application";
import * as config from "./config";
import { Flow } from "./flow";
import { FlowStageBinding } from "./flowStageBinding";
import { Group } from "./group";
import { Outpost } from "./outpost";
import { PolicyBinding } from "./policyBinding";
import { PolicyExpression } from "./policyExpression";
import { PropertyMappingProviderScope } from "./propertyMappingProviderScope";
import { Provider } from "./provider";
import { ProviderOauth2 } from "./providerOauth2";
import { ProviderProxy } from "./providerProxy";
import { SourceOauth } from "./sourceOauth";
import { StageIdentification } from "./stageIdentification";
import { Token } from "./token";
import * as types from "./types";
import { User } from "./user";
import * as utilities from "./utilities";

export * from "./application";
export * from "./flow";
export * from "./flowStageBinding";
export * from "./getCertificateKeyPair";
export * from "./getFlow";
export * from "./getGroup";
export * from "./getPropertyMappingProviderScope";
export * from "./getStage";
export * from "./group";
export * from "./outpost";
export * from "./policyBinding";
export * from "./policyExpression";
export * from "./propertyMappingProviderScope";
export * from "./provider";
export * from "./providerOauth2";
export * from "./providerProxy";
export * from "./sourceOauth";
export * from "./stageIdentification";
export * from "./token";
export * from "./user";
export { config, types };

/**
 * Not in the generated SDK: the registerPackage identity (base plugin,
 * package name/version, base64 parameter), exported so the project can check
 * Pulumi.yaml and package.json against it.
 */
export { registerPackageArgs } from "./utilities";

utilities.registerModule([
    Application,
    Flow,
    FlowStageBinding,
    Group,
    Outpost,
    PolicyBinding,
    PolicyExpression,
    PropertyMappingProviderScope,
    ProviderOauth2,
    ProviderProxy,
    SourceOauth,
    StageIdentification,
    Token,
    User,
]);

pulumi.runtime.registerResourcePackage("authentik", {
    version: utilities.getVersion(),
    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {
        if (type !== "pulumi:providers:authentik") {
            throw new Error(`unknown provider type ${type}`);
        }
        return new Provider(name, undefined, { urn });
    },
});
