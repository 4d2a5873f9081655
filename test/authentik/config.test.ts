// Config of the authentik stack: every mistake is a config error naming its
// path, raised before anything is registered; secrets the config names become
// required. Last, a property test (DESIGN §7): mutated configs are either valid
// or rejected with a ConfigError; nothing else (TypeError, stack overflow) escapes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import authentikStack from "../../core/authentik";
import { ConfigError, formatConfigPath } from "../../core/config/errors";
import { validateConfig } from "../../core/main";
import { toRawConfig } from "../../core/render/project-files";
import { placeholderSecrets } from "../../core/secrets";
import { exampleConfig, render, renderConfigError, renderMissingSecrets } from "../helpers/plan";

const paths = (err: { issues: readonly { path: readonly (string | number)[] }[] }) => err.issues.map((i) => formatConfigPath(i.path));

describe("authentik config", () => {
  it("rejects a confidential client without a client secret name", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        delete c.oidcApps[0].clientSecret;
      },
    });
    expect(paths(err)).toEqual(["homelab:oidcApps[0].clientSecret"]);
    expect(err.message).toContain('confidential client "argocd" needs clientSecret');
  });

  it("rejects a client secret name that is not in the secrets table", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.oidcApps[0].clientSecret = "ARGOCD_SECRET_TYPO";
      },
    });
    expect(paths(err)).toEqual(["homelab:oidcApps[0].clientSecret"]);
    expect(err.message).toContain("core/secrets.ts");
  });

  it("rejects a client secret on a public client", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.oidcApps[2].clientSecret = "GRAFANA_OIDC_CLIENT_SECRET";
      },
    });
    expect(paths(err)).toEqual(["homelab:oidcApps[2].clientSecret"]);
    expect(err.message).toContain('public client "kubectl" has no secret');
  });

  it("rejects token validities Authentik cannot parse", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.oidcApps[1].accessTokenValidity = "10m";
        c.forwardAuth.accessTokenValidity = "hours=";
      },
    });
    expect(paths(err).sort()).toEqual(["homelab:forwardAuth.accessTokenValidity", "homelab:oidcApps[1].accessTokenValidity"]);
    expect(err.message).toContain("minutes=10");
  });

  it("rejects redirect URIs whose wildcard would pick the host, and repeated slugs and client ids", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.oidcApps[1].redirectUris = ["https://*/login/generic_oauth"];
        c.oidcApps[2].slug = "argocd";
        c.oidcApps[2].clientId = "argocd";
      },
    });
    expect(paths(err).sort()).toEqual([
      "homelab:oidcApps[1].redirectUris[0]",
      "homelab:oidcApps[2].clientId",
      "homelab:oidcApps[2].slug",
    ]);
  });

  it("rejects unknown extra scopes, listing the ones that exist", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.oidcApps[0].scopes = ["groups", "roles"];
      },
    });
    expect(paths(err)).toEqual(["homelab:oidcApps[0].scopes[1]"]);
    expect(err.message).toMatch(/groups.*offline_access/);
  });

  it("rejects group references that do not exist and parent cycles", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.groups[0].parent = "homelab-ops";
        c.groups[1].parent = "grafana-editors";
        c.serviceAccount.groups = ["automation", "robots"];
      },
    });
    expect(paths(err).sort()).toEqual(["homelab:groups", "homelab:groups[0].parent", "homelab:serviceAccount.groups[1]"]);
    expect(err.message).toMatch(/parent cycle: (homelab-users → grafana-editors → homelab-users|grafana-editors → homelab-users → grafana-editors)/);
  });

  it("rejects a user matching mode Authentik does not have and a stage id that is not a UUID", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.githubSource.userMatchingMode = "email";
        c.authentik.identificationStage.id = "default-authentication-identification";
      },
    });
    expect(paths(err).sort()).toEqual(["homelab:authentik.identificationStage.id", "homelab:githubSource.userMatchingMode"]);
  });

  it("defaults to matching GitHub users by identifier, never by e-mail", async () => {
    const plan = await render("authentik", {
      config: (c) => {
        delete c.githubSource.userMatchingMode;
        c.oidcApps = [];
      },
    });
    expect(plan.one("github-source").values["userMatchingMode"]).toBe("identifier");
    expect(plan.ofType("authentik:index/providerOauth2:ProviderOauth2")).toHaveLength(0);
  });
});

describe("authentik secrets", () => {
  it("requires the client secret each confidential app names", async () => {
    const env = { ...placeholderSecrets() } as Record<string, string | undefined>;
    delete env["ARGOCD_OIDC_CLIENT_SECRET"];
    delete env["GRAFANA_OIDC_CLIENT_SECRET"];
    const err = await renderMissingSecrets("authentik", env);
    expect(err.missing).toEqual(["ARGOCD_OIDC_CLIENT_SECRET", "GRAFANA_OIDC_CLIENT_SECRET"]);
  });

  it("always requires the API token and the GitHub client secret", async () => {
    const env = { ...placeholderSecrets() } as Record<string, string | undefined>;
    delete env["AUTHENTIK_TOKEN"];
    delete env["GITHUB_OAUTH_CLIENT_SECRET"];
    const err = await renderMissingSecrets("authentik", env);
    expect(err.missing).toEqual(["AUTHENTIK_TOKEN", "GITHUB_OAUTH_CLIENT_SECRET"]);
  });
});

const base = exampleConfig("authentik");
const groupNames = ["homelab-admins", "homelab-users", "grafana-editors", "automation", "authentik Admins", "ghost"];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("redirect" as const), app: fc.nat(2), uri: fc.oneof(fc.string(), fc.constantFrom("https://*.lab.example.com/x", "http://localhost:*/", "https://*/", "*://x", "https://a.b/c#d")) }),
  fc.record({ kind: fc.constant("parent" as const), group: fc.nat(3), parent: fc.option(fc.constantFrom(...groupNames), { nil: undefined }) }),
  fc.record({ kind: fc.constant("clientType" as const), app: fc.nat(2), type: fc.constantFrom("public", "confidential", "hybrid") }),
  fc.record({ kind: fc.constant("dropSecret" as const), app: fc.nat(2) }),
  fc.record({ kind: fc.constant("validity" as const), app: fc.nat(2), value: fc.oneof(fc.string(), fc.constantFrom("hours=1", "minutes=1;seconds=30", "days=-1", "weeks=2")) }),
  fc.record({ kind: fc.constant("scopes" as const), app: fc.nat(2), scopes: fc.array(fc.constantFrom("groups", "offline_access", "roles", "openid"), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant("saGroups" as const), groups: fc.array(fc.constantFrom(...groupNames), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant("slug" as const), app: fc.nat(2), slug: fc.constantFrom("argocd", "forward-auth", "Bad Slug", "new-app") }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function apply(config: Record<string, any>, m: Mutation): void {
  const app = config.oidcApps["app" in m ? m.app : 0];
  switch (m.kind) {
    case "redirect": app.redirectUris = [m.uri]; break;
    case "parent": if (m.parent === undefined) delete config.groups[m.group].parent; else config.groups[m.group].parent = m.parent; break;
    case "clientType": app.clientType = m.type; break;
    case "dropSecret": delete app.clientSecret; break;
    case "validity": app.accessTokenValidity = m.value; break;
    case "scopes": app.scopes = m.scopes; break;
    case "saGroups": config.serviceAccount.groups = m.groups; break;
    case "slug": app.slug = m.slug; break;
  }
}

describe("authentik config validation (property)", () => {
  it("accepts or rejects with a ConfigError, never anything else", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const config = structuredClone(base);
        for (const m of mutations) apply(config, m);
        const raw = toRawConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`homelab:${k}`, v])));
        try {
          validateConfig(authentikStack, raw);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
