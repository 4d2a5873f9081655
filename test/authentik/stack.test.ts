// The authentik stack's plan for the committed example config: one render,
// then statements about what it registers.
import { beforeAll, describe, expect, it } from "vitest";
import { unboundApplications } from "../../core/authentik/checks";
import { STACK_REFERENCE_OUTPUTS } from "../../core/render/mocks/pulumi";
import { placeholderSecrets } from "../../core/secrets";
import { exampleConfig, render, type PlanView, nonEmpty } from "../helpers/plan";

const T = {
  provider: "pulumi:providers:authentik",
  oauth2: "authentik:index/providerOauth2:ProviderOauth2",
  application: "authentik:index/application:Application",
  source: "authentik:index/sourceOauth:SourceOauth",
  stage: "authentik:index/stageIdentification:StageIdentification",
  proxy: "authentik:index/providerProxy:ProviderProxy",
  outpost: "authentik:index/outpost:Outpost",
  scope: "authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope",
  group: "authentik:index/group:Group",
  user: "authentik:index/user:User",
  token: "authentik:index/token:Token",
  binding: "authentik:index/policyBinding:PolicyBinding",
  expression: "authentik:index/policyExpression:PolicyExpression",
  flow: "authentik:index/flow:Flow",
  stageBinding: "authentik:index/flowStageBinding:FlowStageBinding",
  getStage: "authentik:index/getStage:getStage",
  getFlow: "authentik:index/getFlow:getFlow",
  getScope: "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope",
  getCert: "authentik:index/getCertificateKeyPair:getCertificateKeyPair",
  getGroup: "authentik:index/getGroup:getGroup",
} as const;

const config = exampleConfig("authentik");
const secrets = placeholderSecrets();
let plan: PlanView;

beforeAll(async () => {
  plan = await render("authentik");
});

describe("provider", () => {
  it("talks to the configured Authentik with the hetzner stack's bootstrap token, as a secret", () => {
    const p = plan.one("authentik", T.provider);
    expect(p.values["url"]).toBe(`https://${config.edge.auth}.${config.domain}`);
    expect(plan.isSecretInput(p, "token")).toBe(true);
    expect(p.values["token"]).toBe(STACK_REFERENCE_OUTPUTS["hetzner"]!.outputs["authentikBootstrapToken"]);
    const ref = plan.one("hetzner", "pulumi:pulumi:StackReference");
    expect(ref.values["name"]).toBe(config.stackRefs.hetzner);
    expect(plan.dependsOn(p, ref)).toBe(true);
  });

  it("passes the explicit provider to every authentik resource and look-up", () => {
    const provider = plan.one("authentik", T.provider);
    const resources = plan.resources.filter((r) => r.type.startsWith("authentik:"));
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) expect(r.provider, r.urn).toBe(provider.urn);
    for (const i of nonEmpty(plan.plan.invokes.filter((x) => x.token.startsWith("authentik:")))) expect(i.provider).toBe(provider.urn);
  });

  it("looks up every default flow by its slug from config, except the source flows, which the allow-list flows replace", () => {
    const slugs = plan.invokes(T.getFlow).map((i) => (i.values as { slug: string }).slug).sort();
    const { sourceEnrollment, sourceAuthentication, ...used } = config.authentik.flows as Record<string, string>;
    expect(slugs).toEqual(Object.values(used).sort());
    expect(slugs).not.toContain(sourceEnrollment);
    expect(slugs).not.toContain(sourceAuthentication);
    const stages = plan.invokes(T.getStage).map((i) => (i.values as { name: string }).name).sort();
    expect(stages).toEqual(["default-source-authentication-login", "default-source-enrollment-login", "default-source-enrollment-write"]);
  });

  it("looks up the standard scopes by managed key, the signing key without its private key, the admin group without members", () => {
    const managed = plan.invokes(T.getScope).map((i) => (i.values as { managed: string }).managed).sort();
    expect(managed).toEqual([
      "goauthentik.io/providers/oauth2/scope-email",
      "goauthentik.io/providers/oauth2/scope-offline_access",
      "goauthentik.io/providers/oauth2/scope-openid",
      "goauthentik.io/providers/oauth2/scope-profile",
    ]);
    const [cert] = plan.invokes(T.getCert);
    expect(cert?.values).toMatchObject({ name: "authentik Self-signed Certificate", fetchKey: false });
    const [group] = plan.invokes(T.getGroup);
    expect(group?.values).toMatchObject({ name: "authentik Admins", includeUsers: false });
  });
});

describe("GitHub login", () => {
  it("is a GitHub OAuth source with the configured client id, PKCE S256 and identifier matching", () => {
    const source = plan.one("github-source", T.source);
    expect(source.values).toMatchObject({
      name: "GitHub",
      slug: "github",
      providerType: "github",
      consumerKey: config.githubSource.clientId,
      pkce: "S256",
      userMatchingMode: "identifier",
    });
  });

  it("takes its client secret from GITHUB_OAUTH_CLIENT_SECRET, as a secret", () => {
    const source = plan.one("github-source", T.source);
    expect(plan.isSecretInput(source, "consumerSecret")).toBe(true);
    expect(source.values["consumerSecret"]).toBe(secrets.GITHUB_OAUTH_CLIENT_SECRET);
  });

  it("enrolls new users and logs in linked ones through two different flows", () => {
    const source = plan.one("github-source", T.source);
    expect(source.values["authenticationFlow"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(source.values["enrollmentFlow"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(source.values["enrollmentFlow"]).not.toBe(source.values["authenticationFlow"]);
  });

  it("keeps Authentik's case-insensitive matching on the adopted identification stage (the provider would send false)", () => {
    expect(plan.one("github-identification-stage", T.stage).values["caseInsensitiveMatching"]).toBe(true);
  });

  it("adopts the identification stage by import, keeps it on destroy and shows the source (by UUID) on it", () => {
    const stage = plan.one("github-identification-stage", T.stage);
    expect(stage.importId).toBe(config.authentik.identificationStage.id);
    expect(stage.retainOnDelete).toBe(true);
    expect(stage.values).toMatchObject({ name: "default-authentication-identification", userFields: ["email", "username"] });
    const sources = stage.values["sources"] as string[];
    expect(sources).toHaveLength(1);
    // A UUID, not the source's Pulumi id (its slug "github").
    expect(sources[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(plan.output("githubSourceUuid")).toBe(sources[0]);
    expect(plan.dependsOn(stage, plan.one("github-source", T.source))).toBe(true);
  });

  it("exports the callback URL to enter in the GitHub OAuth App", () => {
    expect(plan.output("githubCallbackUrl")).toBe("https://auth.lab.example.com/source/oauth/callback/github/");
  });
});

describe("OIDC applications", () => {
  const apps = () => config.oidcApps as Array<Record<string, any>>;

  it("registers one provider and one application per configured app, each in its own component", () => {
    expect(plan.ofType(T.oauth2).map((r) => r.name).sort()).toEqual(apps().map((a) => `${a.slug}-provider`).sort());
    expect(plan.ofType(T.application).map((r) => r.name).sort()).toEqual(
      [...apps().map((a) => `${a.slug}-application`), "forward-auth-application"].sort(),
    );
    for (const app of apps()) {
      const component = plan.one(app.slug, "homelab:authentik:OidcApp");
      expect(plan.childrenOf(component).filter((c) => c.type !== T.binding).map((c) => c.name).sort()).toEqual([`${app.slug}-application`, `${app.slug}-provider`]);
    }
  });

  it("gives each application its provider's id as the number the provider expects", () => {
    for (const app of apps()) {
      const application = plan.one(`${app.slug}-application`, T.application);
      const provider = plan.one(`${app.slug}-provider`, T.oauth2);
      expect(typeof application.values["protocolProvider"]).toBe("number");
      expect(plan.dependsOn(application, provider)).toBe(true);
      expect(application.values).toMatchObject({ name: app.name, slug: app.slug });
    }
  });

  it("uses the implicit-consent flow unless the app asks for explicit consent, and the provider invalidation flow", () => {
    const argocd = plan.one("argocd-provider", T.oauth2).values;
    const grafana = plan.one("grafana-provider", T.oauth2).values;
    const kubectl = plan.one("kubectl-provider", T.oauth2).values;
    const forward = plan.one("forward-auth-provider", T.proxy).values;
    expect(argocd["authorizationFlow"]).toBe(grafana["authorizationFlow"]);
    expect(kubectl["authorizationFlow"]).not.toBe(argocd["authorizationFlow"]);
    // The forward-auth provider is implicit too: same flow id as Argo CD's.
    expect(forward["authorizationFlow"]).toBe(argocd["authorizationFlow"]);
    for (const p of [argocd, grafana, kubectl, forward]) {
      expect(p["invalidationFlow"]).toBe(argocd["invalidationFlow"]);
      expect(p["authenticationFlow"]).toBe(argocd["authenticationFlow"]);
    }
    const flowIds = new Set([argocd["authorizationFlow"], kubectl["authorizationFlow"], argocd["invalidationFlow"], argocd["authenticationFlow"]]);
    expect(flowIds.size).toBe(4);
  });

  it("offers openid, email and profile to every app, plus the extra scopes it lists", () => {
    const groupsScope = plan.one("scopes-groups", T.scope);
    expect(groupsScope.values).toMatchObject({ scopeName: "groups" });
    expect(String(groupsScope.values["expression"])).toContain("ak_groups");
    const argocd = plan.one("argocd-provider", T.oauth2).values["propertyMappings"] as string[];
    const grafana = plan.one("grafana-provider", T.oauth2).values["propertyMappings"] as string[];
    // Argo CD: base 3 + groups + offline_access; Grafana: base 3 + groups.
    expect(argocd).toHaveLength(5);
    expect(grafana).toHaveLength(4);
    expect(new Set(argocd).size).toBe(5);
    expect(grafana.every((id) => argocd.includes(id))).toBe(true);
    for (const name of ["argocd-provider", "grafana-provider", "kubectl-provider"])
      expect(plan.dependsOn(plan.one(name, T.oauth2), groupsScope)).toBe(true);
  });

  it("matches redirect URIs strictly, and a wildcard URI with an anchored, escaped regex", () => {
    const argocd = plan.one("argocd-provider", T.oauth2).values["allowedRedirectUris"];
    expect(argocd).toEqual([
      { matching_mode: "strict", url: "https://argocd.lab.example.com/auth/callback" },
      { matching_mode: "regex", url: String.raw`^http://localhost:[0-9]{1,5}/auth/callback$` },
    ]);
    const kubectl = plan.one("kubectl-provider", T.oauth2).values["allowedRedirectUris"] as Array<Record<string, string>>;
    expect(kubectl.every((e) => e["matching_mode"] === "strict")).toBe(true);
  });

  it("keeps confidential client secrets from the secrets table as secrets, and sets none for public clients", () => {
    const argocd = plan.one("argocd-provider", T.oauth2);
    const grafana = plan.one("grafana-provider", T.oauth2);
    expect(plan.isSecretInput(argocd, "clientSecret")).toBe(true);
    expect(plan.isSecretInput(grafana, "clientSecret")).toBe(true);
    expect(argocd.values["clientSecret"]).toBe(secrets.ARGOCD_OIDC_CLIENT_SECRET);
    expect(grafana.values["clientSecret"]).toBe(secrets.GRAFANA_OIDC_CLIENT_SECRET);
    const kubectl = plan.one("kubectl-provider", T.oauth2);
    expect(kubectl.values).toMatchObject({ clientType: "public" });
    expect(kubectl.values["clientSecret"]).toBeUndefined();
    // Provider outputs that carry secrets are declared as such.
    expect(argocd.additionalSecretOutputs).toContain("clientSecret");
  });

  it("sets token validity, the looked-up signing key and per-provider issuers", () => {
    const grafana = plan.one("grafana-provider", T.oauth2).values;
    const kubectl = plan.one("kubectl-provider", T.oauth2).values;
    expect(grafana).toMatchObject({ accessCodeValidity: "minutes=1", accessTokenValidity: "minutes=30", refreshTokenValidity: "days=30", issuerMode: "per_provider" });
    expect(kubectl).toMatchObject({ refreshTokenValidity: "days=7" });
    expect(grafana["signingKey"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(kubectl["signingKey"]).toBe(grafana["signingKey"]);
  });

  it("exports each app's issuer URL and client id", () => {
    expect(plan.output("issuers")).toEqual({
      argocd: "https://auth.lab.example.com/application/o/argocd/",
      grafana: "https://auth.lab.example.com/application/o/grafana/",
      kubectl: "https://auth.lab.example.com/application/o/kubectl/",
    });
    expect(plan.output("clientIds")).toEqual({ argocd: "argocd", grafana: "grafana", kubectl: "kubectl" });
    expect(plan.isSecretOutput("issuers")).toBe(false);
  });
});

describe("groups and the service account", () => {
  it("creates each configured group, with its parent by id (a configured group or the admin group)", () => {
    const users = plan.one("groups-homelab-users", T.group);
    const editors = plan.one("groups-grafana-editors", T.group);
    const admins = plan.one("groups-homelab-admins", T.group);
    expect(plan.ofType(T.group)).toHaveLength(4);
    expect(editors.values["parents"]).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(editors.propertyDependencies["parents"]).toEqual([users.urn]);
    expect(users.values["parents"]).toEqual([]);
    // The admin group is looked up, not created: its id comes from getGroup.
    const adminParent = (admins.values["parents"] as string[])[0];
    expect(adminParent).toMatch(/^[0-9a-f-]{36}$/);
    expect(admins.propertyDependencies["parents"] ?? []).toEqual([]);
    expect(plan.ofType(T.group).some((g) => g.values["name"] === "authentik Admins")).toBe(false);
  });

  it("makes a service-account user in the groups its config names", () => {
    const user = plan.one("homelab-automation-user", T.user);
    expect(user.values).toMatchObject({ username: "homelab-automation", type: "service_account", path: "homelab/service-accounts" });
    expect((user.values["groups"] as string[]).length).toBe(1);
    expect(plan.dependsOn(user, plan.one("groups-automation", T.group))).toBe(true);
  });

  it("gives it a non-expiring app-password token whose key is a secret output", () => {
    const token = plan.one("homelab-automation-token", T.token);
    expect(token.values).toMatchObject({ identifier: "homelab-automation-app-password", intent: "app_password", expiring: false, retrieveKey: true });
    expect(typeof token.values["user"]).toBe("number");
    expect(plan.dependsOn(token, plan.one("homelab-automation-user", T.user))).toBe(true);
    expect(plan.isSecretOutput("serviceAccountToken")).toBe(true);
    expect(plan.output("serviceAccountToken")).toMatch(/^[0-9a-f]{60}$/);
    expect(plan.plan.outputs["serviceAccountToken"]).toBe("[secret]");
  });
});

describe("forward auth", () => {
  it("is a forward_domain proxy provider on Authentik's public host with the project domain as cookie domain", () => {
    const proxy = plan.one("forward-auth-provider", T.proxy);
    expect(proxy.values).toMatchObject({
      mode: "forward_domain",
      externalHost: "https://auth.lab.example.com",
      cookieDomain: config.domain,
      accessTokenValidity: "hours=24",
    });
  });

  it("has an application pointing at the proxy provider by number", () => {
    const app = plan.one("forward-auth-application", T.application);
    expect(typeof app.values["protocolProvider"]).toBe("number");
    expect(plan.dependsOn(app, plan.one("forward-auth-provider", T.proxy))).toBe(true);
    expect(String(app.values["protocolProvider"])).toBe(String(plan.output("forwardAuthProviderId")));
  });

  it("adopts the embedded outpost, which lists the forward-auth provider", () => {
    const outpost = plan.one("forward-auth-outpost", T.outpost);
    expect(outpost.importId).toBe(config.authentik.embeddedOutpost.id);
    expect(outpost.retainOnDelete).toBe(true);
    expect(outpost.values).toMatchObject({ name: "authentik Embedded Outpost", type: "proxy" });
    expect(outpost.values["protocolProviders"]).toEqual([Number(plan.output("forwardAuthProviderId"))]);
    expect(JSON.parse(String(outpost.values["config"]))).toMatchObject({ authentik_host: "https://auth.lab.example.com/" });
  });
});

describe("secrecy", () => {
  it("puts no secret value in plain inputs or outputs", () => {
    const values = Object.entries(secrets)
      .filter(([name]) => ["GITHUB_OAUTH_CLIENT_SECRET", "ARGOCD_OIDC_CLIENT_SECRET", "GRAFANA_OIDC_CLIENT_SECRET"].includes(name))
      .map(([, v]) => v);
    const printed = JSON.stringify({ resources: plan.resources.map((r) => r.inputs), outputs: plan.plan.outputs });
    for (const v of values) expect(printed).not.toContain(v);
    expect(printed).not.toContain(String(STACK_REFERENCE_OUTPUTS["hetzner"]!.outputs["authentikBootstrapToken"]));
    expect(printed).not.toContain(String(plan.output("serviceAccountToken")));
  });
});

describe("deny by default", () => {
  /** Group name of each group binding on an application, resolved through the group ids. */
  const boundGroups = (applicationName: string): string[] => {
    const application = plan.one(applicationName, T.application);
    return plan
      .ofType(T.binding)
      .filter((b) => b.propertyDependencies["target"]?.includes(application.urn))
      .map((b) => {
        expect(b.values["group"]).toMatch(/^[0-9a-f-]{36}$/);
        // A configured group is a resource of this stack; the admin group comes from the getGroup look-up.
        const [groupUrn] = b.propertyDependencies["group"] ?? [];
        return groupUrn === undefined ? "(looked-up admin group)" : String(plan.byUrn(groupUrn).values["name"]);
      })
      .sort();
  };

  it("binds every application, forward auth included, to at least one group: no application is open to every user", () => {
    expect(plan.ofType(T.application)).toHaveLength(4);
    expect(unboundApplications(plan.plan.resources)).toEqual([]);
  });

  it("binds each app to the groups it allows, by group id, and the app without allowedGroups to the admin group only", () => {
    expect(boundGroups("argocd-application")).toEqual(["homelab-admins", "homelab-users"]);
    expect(boundGroups("grafana-application")).toEqual(["homelab-users"]);
    expect(boundGroups("kubectl-application")).toEqual(["(looked-up admin group)"]);
    expect(boundGroups("forward-auth-application")).toEqual(["homelab-users"]);
  });

  it("targets the application's UUID (not its slug) and binds a group, not a policy or user", () => {
    const application = plan.one("grafana-application", T.application);
    const [binding] = plan.ofType(T.binding).filter((b) => plan.dependsOn(b, application));
    // Its value comes from the application's computed uuid output: a UUID, where the Pulumi id would be the slug.
    expect(binding!.propertyDependencies["target"]).toEqual([application.urn]);
    expect(binding!.values["target"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(binding!.values["policy"]).toBeUndefined();
    expect(binding!.values["user"]).toBeUndefined();
    expect(binding!.values["order"]).toBe(0);
  });
});

describe("GitHub enrollment allow-list", () => {
  it("enrolls and logs in through flows of its own whose policies must all pass", () => {
    const source = plan.one("github-source", T.source);
    const enrollment = plan.one("github-enrollment-flow", T.flow);
    const login = plan.one("github-authentication-flow", T.flow);
    expect(enrollment.values).toMatchObject({ slug: "homelab-github-enrollment", designation: "enrollment", policyEngineMode: "all" });
    expect(login.values).toMatchObject({ slug: "homelab-github-authentication", designation: "authentication", policyEngineMode: "all", authentication: "require_unauthenticated" });
    expect(source.propertyDependencies["enrollmentFlow"]).toEqual([enrollment.urn]);
    expect(source.propertyDependencies["authenticationFlow"]).toEqual([login.urn]);
  });

  it("binds the one allow-list policy to both flows, failing closed", () => {
    const policy = plan.one("github-enrollment-allow-list", T.expression);
    for (const role of ["enrollment", "authentication"]) {
      const binding = plan.one(`github-${role}-allow-list`, T.binding);
      expect(binding.propertyDependencies["target"]).toEqual([plan.one(`github-${role}-flow`, T.flow).urn]);
      expect(binding.propertyDependencies["policy"]).toEqual([policy.urn]);
      expect(binding.values).toMatchObject({ order: 0, failureResult: false });
    }
    const expression = String(policy.values["expression"]);
    expect(expression).toContain('ALLOWED_ORGANIZATIONS = {"example-org"}');
    expect(expression).toContain('ALLOWED_TEAMS = {"example-org/homelab"}');
    expect(expression).toContain('ALLOWED_USERS = {"octocat"}');
  });

  it("creates the user and logs them in with Authentik's own source stages, looked up by name", () => {
    const write = plan.one("github-enrollment-write", T.stageBinding);
    const login = plan.one("github-enrollment-login", T.stageBinding);
    for (const b of [write, login]) expect(b.propertyDependencies["target"]).toEqual([plan.one("github-enrollment-flow", T.flow).urn]);
    expect(Number(write.values["order"])).toBeLessThan(Number(login.values["order"]));
    expect(write.values["stage"]).not.toBe(login.values["stage"]);
    const relogin = plan.one("github-authentication-login", T.stageBinding);
    expect(relogin.propertyDependencies["target"]).toEqual([plan.one("github-authentication-flow", T.flow).urn]);
  });

  it("asks GitHub for read:org, which organisation and team checks need", () => {
    expect(plan.one("github-source", T.source).values["additionalScopes"]).toBe("read:org");
  });

  it("exports who may enroll", () => {
    expect(plan.output("githubEnrollment")).toEqual({ organizations: ["example-org"], teams: ["example-org/homelab"], users: ["octocat"] });
  });
});
