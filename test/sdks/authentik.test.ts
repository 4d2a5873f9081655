// The @pulumi/authentik bindings (sdks/authentik) against the upstream facts
// (goauthentik/terraform-provider-authentik v2026.5.0, pulumi-terraform-bridge naming): the parameterized package identity,
// tokens, required inputs, numeric ids and secrets.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as authentik from "@pulumi/authentik";
import { describe, expect, it, vi } from "vitest";
import { drain, installMocks, itRegistersEveryResourceUnderItsToken, settle, type MockHarness } from "./mock-harness";

const expectedParameter = {
    remote: { url: "registry.opentofu.org/goauthentik/authentik", version: "2026.5.0" },
};
const flowUuid = "9b1d7a3e-1111-4c2b-8e0f-000000000001";

// Mocks go in before anything is constructed: describe bodies below build resources.
const mocks: MockHarness = installMocks({
    // What the real provider computes; secretness comes from additionalSecretOutputs.
    outputs: {
        "authentik:index/token:Token": () => ({ key: "ak-token-value", expiresIn: 0 }),
        "authentik:index/sourceOauth:SourceOauth": (inputs) => ({
            uuid: "5f0c0000-0000-4000-8000-000000000001",
            callbackUri: `/source/oauth/callback/${String(inputs["slug"])}/`,
        }),
    },
    // The provider returns these results with the schema's secret fields marked secret.
    invokes: {
        "authentik:index/getFlow:getFlow": (args) => ({
            id: flowUuid,
            name: "Authorize",
            slug: args["slug"] ?? "default-provider-authorization-implicit-consent",
            title: "Redirecting",
            designation: "authorization",
            authentication: "none",
        }),
        "authentik:index/getCertificateKeyPair:getCertificateKeyPair": (args) => ({
            ...args,
            id: "c0ffee00-0000-4000-8000-000000000001",
            certificateData: "-----BEGIN CERTIFICATE-----",
            keyData: pulumi.secret("-----BEGIN PRIVATE KEY-----"),
            expiry: "2027-01-01T00:00:00Z",
            subject: "CN=authentik",
            fingerprint1: "aa",
            fingerprint256: "bb",
        }),
        "authentik:index/getGroup:getGroup": (args) => ({
            ...args,
            id: "6a000000-0000-4000-8000-000000000001",
            numPk: 7,
            isSuperuser: true,
            parentName: "",
            parents: [],
            attributes: "{}",
            users: [1, 4],
            usersObjs: [],
        }),
        "authentik:index/getStage:getStage": (args) => ({ id: "5a000000-0000-4000-8000-000000000003", name: args["name"] }),
        "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope": (args) => ({
            ...args,
            id: "-1",
            ids: ["m-openid", "m-email"],
            scopeName: "",
            expression: "",
            description: "",
        }),
    },
});

/** One instance of every class the bindings cover, with its token from the facts file. */
function constructEveryResource() {
    const provider = new authentik.Provider("ak", { url: "https://auth.example.test", token: "api-token", insecure: false });
    const opts = { provider };
    return [
        { token: "pulumi:providers:authentik", resource: provider },
        {
            token: "authentik:index/providerOauth2:ProviderOauth2",
            resource: new authentik.ProviderOauth2(
                "grafana",
                {
                    name: "grafana",
                    clientId: "grafana",
                    clientSecret: "oauth-client-secret",
                    authorizationFlow: flowUuid,
                    invalidationFlow: flowUuid,
                    allowedRedirectUris: [{ matching_mode: "strict", url: "https://grafana.example.test/login/generic_oauth" }],
                    jwtFederationProviders: [3],
                },
                opts,
            ),
        },
        {
            token: "authentik:index/providerProxy:ProviderProxy",
            resource: new authentik.ProviderProxy(
                "whoami",
                { name: "whoami", authorizationFlow: flowUuid, invalidationFlow: flowUuid, externalHost: "https://whoami.example.test", mode: "forward_single" },
                opts,
            ),
        },
        {
            token: "authentik:index/application:Application",
            resource: new authentik.Application("grafana-app", { name: "Grafana", slug: "grafana", protocolProvider: 3, backchannelProviders: [4] }, opts),
        },
        {
            token: "authentik:index/outpost:Outpost",
            resource: new authentik.Outpost("proxy", { name: "proxy", protocolProviders: [4], config: JSON.stringify({ log_level: "info" }) }, opts),
        },
        {
            token: "authentik:index/sourceOauth:SourceOauth",
            resource: new authentik.SourceOauth(
                "github",
                { name: "GitHub", slug: "github", providerType: "github", consumerKey: "gh-id", consumerSecret: "gh-secret" },
                opts,
            ),
        },
        {
            token: "authentik:index/stageIdentification:StageIdentification",
            resource: new authentik.StageIdentification("identify", { name: "identify", userFields: ["username", "email"], sources: ["s-uuid"] }, opts),
        },
        {
            token: "authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope",
            resource: new authentik.PropertyMappingProviderScope(
                "groups-scope",
                { name: "groups", scopeName: "groups", expression: "return {'groups': [g.name for g in request.user.ak_groups.all()]}" },
                opts,
            ),
        },
        { token: "authentik:index/group:Group", resource: new authentik.Group("admins", { name: "admins", isSuperuser: true, users: [1] }, opts) },
        {
            token: "authentik:index/user:User",
            resource: new authentik.User("svc", { username: "svc", name: "Service", password: "hunter2", type: "service_account" }, opts),
        },
        {
            token: "authentik:index/token:Token",
            resource: new authentik.Token("svc-token", { identifier: "svc-token", user: 5, intent: "api", retrieveKey: true }, opts),
        },
        // terraform-provider-authentik v2026.5.0, pkg/provider/resource_policy_binding.go and friends.
        {
            token: "authentik:index/policyBinding:PolicyBinding",
            resource: new authentik.PolicyBinding("app-access", { target: "a9000000-0000-4000-8000-000000000001", group: "6a000000-0000-4000-8000-000000000002", order: 0 }, opts),
        },
        {
            token: "authentik:index/policyExpression:PolicyExpression",
            resource: new authentik.PolicyExpression("allow-list", { name: "allow-list", expression: "return True", executionLogging: false }, opts),
        },
        {
            token: "authentik:index/flow:Flow",
            resource: new authentik.Flow("enroll", { name: "Enroll", slug: "enroll", title: "Welcome", designation: "enrollment", policyEngineMode: "all" }, opts),
        },
        {
            token: "authentik:index/flowStageBinding:FlowStageBinding",
            resource: new authentik.FlowStageBinding("enroll-write", { target: flowUuid, stage: "5a000000-0000-4000-8000-000000000003", order: 10 }, opts),
        },
    ];
}

describe("authentik package identity", () => {
    it("decodes its base64 parameter to the exact remote registry address and version", () => {
        const decoded = Buffer.from(authentik.registerPackageArgs.base64Parameter, "base64").toString("utf8");
        expect(decoded).toBe(JSON.stringify(expectedParameter));
        expect(decoded).toBe('{"remote":{"url":"registry.opentofu.org/goauthentik/authentik","version":"2026.5.0"}}');
    });

    it("names the base plugin and the package like a generated SDK", () => {
        expect(authentik.registerPackageArgs).toEqual({
            baseProviderName: "terraform-provider",
            baseProviderVersion: "1.1.3",
            baseProviderDownloadUrl: "",
            packageName: "authentik",
            packageVersion: "2026.5.0",
            base64Parameter: authentik.registerPackageArgs.base64Parameter,
        });
    });

    it("announces the same plugin and parameter in its package.json pulumi block", () => {
        const manifest = JSON.parse(readFileSync(path.join(__dirname, "../../sdks/authentik/package.json"), "utf8")) as {
            version: string;
            pulumi: { resource: boolean; name: string; version: string; parameterization: { name: string; version: string; value: string } };
        };
        expect(manifest.version).toBe("2026.5.0");
        expect(manifest.pulumi).toEqual({
            resource: true,
            name: "terraform-provider",
            version: "1.1.3",
            parameterization: { name: "authentik", version: "2026.5.0", value: authentik.registerPackageArgs.base64Parameter },
        });
    });

    it("registers the package when a resource is created, never at import time", () => {
        // Load a fresh copy of the compiled package while watching registerPackage.
        const requireFresh = createRequire(__filename);
        const binDir = path.dirname(requireFresh.resolve("@pulumi/authentik"));
        for (const key of Object.keys(requireFresh.cache)) {
            if (key.startsWith(binDir)) {
                delete requireFresh.cache[key];
            }
        }
        const spy = vi.spyOn(pulumi.runtime, "registerPackage");
        try {
            const fresh = requireFresh("@pulumi/authentik") as typeof authentik;
            expect(spy).not.toHaveBeenCalled();
            new fresh.Group("lazy", { name: "lazy" });
            expect(spy).toHaveBeenCalledWith(authentik.registerPackageArgs);
        } finally {
            spy.mockRestore();
        }
    });
});

describe("authentik resources", () => {
    const cases = constructEveryResource();

    itRegistersEveryResourceUnderItsToken(cases, mocks, authentik.Provider);

    it("registers the parameterized package exactly once, with the exact parameter", async () => {
        await drain(cases.map((c) => c.resource));
        await authentik.getFlow({ slug: "default-authentication-flow" });
        expect(mocks.packageRequests).toEqual([
            {
                name: "terraform-provider",
                version: "1.1.3",
                downloadUrl: "",
                parameterization: {
                    name: "authentik",
                    version: "2026.5.0",
                    base64Value: Buffer.from(JSON.stringify(expectedParameter)).toString("base64"),
                },
            },
        ]);
    });

    it("sends every resource, the provider included, with the package ref", async () => {
        await drain(cases.map((c) => c.resource));
        const requests = mocks.resourceRequests.filter((r) => r.type.startsWith("authentik:") || r.type === "pulumi:providers:authentik");
        expect(requests.length).toBeGreaterThanOrEqual(cases.length);
        for (const request of requests) {
            // With a ref, the runtime clears version and download URL: the ref identifies the plugin.
            expect(request, request.type).toMatchObject({ packageRef: "mock-uuid", version: "", pluginDownloadUrl: "" });
        }
    });

    it("sends the additionalSecretOutputs the generated SDK sends", async () => {
        await drain(cases.map((c) => c.resource));
        const secretOutputs = Object.fromEntries(mocks.resourceRequests.map((r) => [r.name, r.additionalSecretOutputs]));
        expect(secretOutputs).toMatchObject({
            ak: ["token"],
            grafana: ["clientSecret"],
            github: ["consumerSecret"],
            svc: ["password"],
            "svc-token": ["key"],
            whoami: [],
            "grafana-app": [],
            proxy: [],
            identify: [],
            "groups-scope": [],
            admins: [],
            "app-access": [],
            "allow-list": [],
            enroll: [],
            "enroll-write": [],
        });
    });

    it("keeps nested redirect-URI keys in snake_case and ids as numbers", async () => {
        await drain(cases.map((c) => c.resource));
        const inputsOf = (name: string) => mocks.resources.find((r) => r.name === name)?.inputs;
        expect(inputsOf("grafana")?.["allowedRedirectUris"]).toEqual([
            { matching_mode: "strict", url: "https://grafana.example.test/login/generic_oauth" },
        ]);
        expect(inputsOf("grafana-app")).toMatchObject({ protocolProvider: 3, backchannelProviders: [4] });
        expect(inputsOf("proxy")).toMatchObject({ protocolProviders: [4] });
        expect(inputsOf("admins")).toMatchObject({ users: [1] });
        expect(inputsOf("svc-token")).toMatchObject({ user: 5 });
    });

    it("reads an existing resource by id under the same token, with the package ref", async () => {
        const group = authentik.Group.get("existing-group", "6a000000-0000-4000-8000-000000000002");
        expect((await settle(group.id)).value).toBe("6a000000-0000-4000-8000-000000000002");
        expect(mocks.resources.find((r) => r.name === "existing-group")?.type).toBe("authentik:index/group:Group");
    });
});

describe("authentik provider config", () => {
    it("sends insecure and headers as JSON strings, token and headers as secrets", async () => {
        const provider = new authentik.Provider("ak-config", {
            url: "https://auth.example.test",
            token: "api-token",
            insecure: true,
            headers: { "X-Homelab": "1" },
        });
        await drain([provider]);
        const inputs = mocks.resources.find((r) => r.name === "ak-config")?.inputs ?? {};
        expect(inputs["url"]).toBe("https://auth.example.test");
        expect(inputs["insecure"]).toBe("true");
        // A secret input reaches the mocks as the secret envelope, value inside.
        expect(inputs["token"]).toMatchObject({ value: "api-token" });
        expect(inputs["headers"]).toMatchObject({ value: JSON.stringify({ "X-Homelab": "1" }) });
        expect((await settle(provider.token)).secret).toBe(true);
    });
});

describe("authentik secrets", () => {
    it("marks the OAuth2 client secret secret", async () => {
        const oauth = new authentik.ProviderOauth2("secret-oauth", {
            name: "secret-oauth",
            clientId: "x",
            clientSecret: "s3cret",
            authorizationFlow: flowUuid,
            invalidationFlow: flowUuid,
        });
        expect(await settle(oauth.clientSecret)).toEqual({ value: "s3cret", secret: true });
    });

    it("marks the OAuth source consumer secret secret", async () => {
        const source = new authentik.SourceOauth("secret-source", {
            name: "s",
            slug: "s",
            providerType: "openidconnect",
            consumerKey: "k",
            consumerSecret: "c",
        });
        expect(await settle(source.consumerSecret)).toEqual({ value: "c", secret: true });
        expect((await settle(source.uuid)).secret).toBe(false);
    });

    it("marks the user password secret", async () => {
        const user = new authentik.User("secret-user", { username: "u", name: "U", password: "pw" });
        expect(await settle(user.password)).toEqual({ value: "pw", secret: true });
    });

    it("marks the token key secret", async () => {
        const token = new authentik.Token("secret-token", { identifier: "t", user: 1, retrieveKey: true });
        expect(await settle(token.key)).toEqual({ value: "ak-token-value", secret: true });
        expect(await settle(token.expiresIn)).toEqual({ value: 0, secret: false });
    });

    it("keeps the private key of a certificate pair secret through the Output form", async () => {
        const pair = authentik.getCertificateKeyPairOutput({ name: "authentik Self-signed Certificate" });
        expect((await settle(pair.keyData)).secret).toBe(true);
    });
});

describe("authentik functions", () => {
    const cases: { token: string; run: () => Promise<unknown> }[] = [
        { token: "authentik:index/getFlow:getFlow", run: () => authentik.getFlow({ slug: "default-provider-authorization-implicit-consent" }) },
        { token: "authentik:index/getFlow:getFlow", run: () => settle(authentik.getFlowOutput({ slug: pulumi.output("default-invalidation-flow") })) },
        {
            token: "authentik:index/getCertificateKeyPair:getCertificateKeyPair",
            run: () => authentik.getCertificateKeyPair({ name: "authentik Self-signed Certificate", fetchKey: false }),
        },
        {
            token: "authentik:index/getCertificateKeyPair:getCertificateKeyPair",
            run: () => settle(authentik.getCertificateKeyPairOutput({ name: "authentik Self-signed Certificate", fetchKey: false })),
        },
        { token: "authentik:index/getGroup:getGroup", run: () => authentik.getGroup({ name: "authentik Admins" }) },
        { token: "authentik:index/getGroup:getGroup", run: () => settle(authentik.getGroupOutput({ name: "authentik Admins", includeUsers: false })) },
        {
            token: "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope",
            run: () => authentik.getPropertyMappingProviderScope({ managedLists: ["goauthentik.io/providers/oauth2/scope-openid"] }),
        },
        {
            token: "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope",
            run: () => settle(authentik.getPropertyMappingProviderScopeOutput({ managed: "goauthentik.io/providers/oauth2/scope-email" })),
        },
        { token: "authentik:index/getStage:getStage", run: () => authentik.getStage({ name: "default-source-enrollment-write" }) },
        { token: "authentik:index/getStage:getStage", run: () => settle(authentik.getStageOutput({ name: pulumi.output("default-source-enrollment-login") })) },
    ];

    it.each(cases)("invokes $token with the package ref", async ({ token, run }) => {
        const before = mocks.invokeRequests.length;
        await run();
        expect(mocks.invokeRequests.slice(before)).toEqual([{ token, version: "", pluginDownloadUrl: "", packageRef: "mock-uuid" }]);
    });

    it("returns integer pks as numbers and keeps Terraform list names pluralized", async () => {
        const group = await authentik.getGroup({ name: "authentik Admins" });
        expect(group.numPk).toBe(7);
        expect(group.users).toEqual([1, 4]);
        await authentik.getPropertyMappingProviderScope({ managedLists: ["a", "b"] });
        expect(mocks.invokes.at(-1)?.inputs).toEqual({ managedLists: ["a", "b"] });
    });

    it("still registers the package only once after every invoke", () => {
        expect(mocks.packageRequests).toHaveLength(1);
    });

    it("fails loudly on an invoke the mocks do not know", async () => {
        await expect(pulumi.runtime.invoke("authentik:index/getUser:getUser", {})).rejects.toThrow("unmocked invoke authentik:index/getUser:getUser");
    });
});

describe("authentik required inputs", () => {
    // Each @ts-expect-error fails `tsc` if the input ever becomes optional (or changes type).
    it.each([
        {
            missing: "slug",
            // @ts-expect-error slug is required
            build: () => new authentik.Application("x", { name: "x" }),
        },
        {
            missing: "clientId",
            // @ts-expect-error clientId is required
            build: () => new authentik.ProviderOauth2("x", { authorizationFlow: flowUuid, invalidationFlow: flowUuid }),
        },
        {
            missing: "externalHost",
            // @ts-expect-error externalHost is required
            build: () => new authentik.ProviderProxy("x", { authorizationFlow: flowUuid, invalidationFlow: flowUuid }),
        },
        {
            missing: "protocolProviders",
            // @ts-expect-error protocolProviders is required
            build: () => new authentik.Outpost("x", { name: "x" }),
        },
        {
            missing: "consumerSecret",
            // @ts-expect-error consumerSecret is required
            build: () => new authentik.SourceOauth("x", { slug: "x", providerType: "github", consumerKey: "k" }),
        },
        {
            missing: "expression",
            // @ts-expect-error expression is required
            build: () => new authentik.PropertyMappingProviderScope("x", { scopeName: "groups" }),
        },
        {
            missing: "username",
            // @ts-expect-error username is required
            build: () => new authentik.User("x", { name: "x" }),
        },
        {
            missing: "user",
            // @ts-expect-error user is required
            build: () => new authentik.Token("x", { identifier: "x" }),
        },
        {
            missing: "target",
            // @ts-expect-error target is required
            build: () => new authentik.PolicyBinding("x", { group: "g", order: 0 }),
        },
        {
            missing: "order",
            // @ts-expect-error order is required
            build: () => new authentik.PolicyBinding("x", { target: "t", group: "g" }),
        },
        {
            missing: "expression",
            // @ts-expect-error expression is required
            build: () => new authentik.PolicyExpression("x", { name: "x" }),
        },
        {
            missing: "designation",
            // @ts-expect-error designation is required
            build: () => new authentik.Flow("x", { name: "x", slug: "x", title: "x" }),
        },
        {
            missing: "stage",
            // @ts-expect-error stage is required
            build: () => new authentik.FlowStageBinding("x", { target: "t", order: 0 }),
        },
    ])("rejects a resource without $missing", ({ missing, build }) => {
        expect(build).toThrow(`Missing required property '${missing}'`);
    });

    it("types numbers, lists and maps the way the provider takes them", () => {
        // Group, StageIdentification and Provider have no required input; pin their types instead.
        const typeOnly = (): unknown[] => [
            // @ts-expect-error Group.users are integer pks, not strings
            new authentik.Group("x", { users: ["1"] }),
            // @ts-expect-error StageIdentification.userFields is a list
            new authentik.StageIdentification("x", { userFields: "email" }),
            // @ts-expect-error Provider.insecure is a boolean (the binding JSON-encodes it)
            new authentik.Provider("x", { insecure: "true" }),
            // @ts-expect-error Application.protocolProvider is an integer pk
            new authentik.Application("x", { slug: "x", protocolProvider: "3" }),
            // @ts-expect-error Token.user is an integer pk
            new authentik.Token("x", { identifier: "x", user: "5" }),
            // @ts-expect-error allowedRedirectUris entries are string maps
            new authentik.ProviderOauth2("x", { clientId: "x", authorizationFlow: "f", invalidationFlow: "f", allowedRedirectUris: ["https://x"] }),
            // @ts-expect-error getCertificateKeyPair needs a name
            authentik.getCertificateKeyPair({ fetchKey: false }),
            // @ts-expect-error PolicyBinding.user is an integer pk
            new authentik.PolicyBinding("x", { target: "t", user: "5", order: 0 }),
            // @ts-expect-error PolicyBinding.order is an integer
            new authentik.PolicyBinding("x", { target: "t", group: "g", order: "0" }),
            // @ts-expect-error Flow.uuid is computed, not an input
            new authentik.Flow("x", { slug: "x", title: "x", designation: "enrollment", uuid: "u" }),
        ];
        expect(typeof typeOnly).toBe("function");
    });

    it("accepts a provider id converted to a number where a pk is needed", () => {
        const wire = (oauth: authentik.ProviderOauth2, user: authentik.User): unknown[] => [
            new authentik.Application("wired", { name: "w", slug: "w", protocolProvider: oauth.id.apply(Number) }),
            new authentik.Outpost("wired", { name: "w", protocolProviders: [oauth.id.apply(Number)] }),
            new authentik.Token("wired", { identifier: "w", user: user.id.apply(Number) }),
        ];
        expect(typeof wire).toBe("function");
    });
});

describe("authentik package registration", () => {
    it("can rebuild references to its resources and provider", () => {
        for (const mod of ["index/application", "index/providerOauth2", "index/token", "index/group", "index/policyBinding", "index/policyExpression", "index/flow", "index/flowStageBinding"]) {
            expect(pulumi.runtime.getResourceModule("authentik", mod, "2026.5.0"), mod).toBeDefined();
        }
        expect(pulumi.runtime.getResourcePackage("authentik", "2026.5.0")).toBeDefined();
    });
});
