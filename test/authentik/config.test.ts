// Config of the authentik stack: every mistake is a config error naming its
// path, raised before anything is registered; secrets the config names become
// required. Last, a property test (docs/development.md#tests): mutated configs are either valid
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

describe("authentik access config (deny by default)", () => {
  it("rejects an application that allows no group unless it says public", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.oidcApps[1].allowedGroups = [];
        c.forwardAuth.allowedGroups = [];
      },
    });
    expect(paths(err).sort()).toEqual(["homelab:forwardAuth.allowedGroups", "homelab:oidcApps[1].allowedGroups"]);
    expect(err.message).toContain('application "grafana" allows no group, so nobody could use it');
    expect(err.message).toContain("public: true");
  });

  it("rejects public together with allowedGroups, and groups nobody configured", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.oidcApps[0].public = true;
        c.oidcApps[1].allowedGroups = ["homelab-users", "family"];
      },
    });
    expect(paths(err).sort()).toEqual(["homelab:oidcApps[0].public", "homelab:oidcApps[1].allowedGroups[1]"]);
    expect(err.message).toContain('unknown group "family"');
  });

  it("binds a public application to the explicit any-signed-in-user policy instead of leaving it unbound", async () => {
    const plan = await render("authentik", {
      config: (c) => {
        delete c.oidcApps[1].allowedGroups;
        c.oidcApps[1].public = true;
      },
    });
    const policy = plan.one("any-signed-in-user", "authentik:index/policyExpression:PolicyExpression");
    const binding = plan.one("grafana-access-public", "authentik:index/policyBinding:PolicyBinding");
    expect(plan.dependsOn(binding, policy)).toBe(true);
    expect(plan.dependsOn(binding, plan.one("grafana-application"))).toBe(true);
    expect(binding.values["group"]).toBeUndefined();
  });

  it("creates no any-signed-in-user policy when nothing is public", async () => {
    const plan = await render("authentik");
    expect(plan.find("any-signed-in-user")).toBeUndefined();
  });
});

describe("redirect URI config", () => {
  it("rejects a wildcard outside the project domain and one inside a label, naming each URI", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.oidcApps[1].redirectUris = ["https://*.evil.test/login/generic_oauth", "https://graf*.lab.example.com/login/generic_oauth"];
      },
    });
    expect(paths(err)).toEqual(["homelab:oidcApps[1].redirectUris[0]", "homelab:oidcApps[1].redirectUris[1]"]);
    expect(err.message).toContain('only range over hosts under "lab.example.com" or "grafana.lab.example.com"');
    expect(err.message).toContain("whole host label");
  });
});

describe("GitHub enrollment config", () => {
  it("rejects a GitHub source that admits nobody, and says how to open it on purpose", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.githubSource.allowedOrganizations = [];
        c.githubSource.allowedTeams = [];
        c.githubSource.allowedUsers = [];
      },
    });
    expect(paths(err)).toEqual(["homelab:githubSource"]);
    expect(err.message).toContain("allowAnyGitHubAccount: true");
  });

  it("rejects allowAnyGitHubAccount next to an allow-list, and names repeated only in case", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.githubSource.allowAnyGitHubAccount = true;
        c.githubSource.allowedUsers = ["octocat", "OctoCat"];
      },
    });
    expect(paths(err).sort()).toEqual(["homelab:githubSource.allowAnyGitHubAccount", "homelab:githubSource.allowedUsers[1]"]);
    expect(err.message).toContain("GitHub names ignore case");
  });

  it("rejects a team without its organisation and names GitHub would refuse", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.githubSource.allowedTeams = ["example-org"];
        c.githubSource.allowedUsers = ["-bad-", 'x"; import os'];
      },
    });
    expect(paths(err).sort()).toEqual(["homelab:githubSource.allowedTeams[0]", "homelab:githubSource.allowedUsers[0]", "homelab:githubSource.allowedUsers[1]"]);
    expect(err.message).toContain("<organisation>/<team slug>");
  });

  it("with allowAnyGitHubAccount uses Authentik's own enrollment flow, asks for no read:org, and says so in the outputs", async () => {
    const plan = await render("authentik", {
      config: (c) => {
        c.githubSource = { clientId: c.githubSource.clientId, allowAnyGitHubAccount: true };
      },
    });
    expect(plan.find("github-enrollment-flow")).toBeUndefined();
    expect(plan.find("github-authentication-flow")).toBeUndefined();
    const source = plan.one("github-source", "authentik:index/sourceOauth:SourceOauth");
    expect(source.values["additionalScopes"]).toBeUndefined();
    expect(plan.invokes("authentik:index/getFlow:getFlow").map((i) => i.values["slug"])).toEqual(expect.arrayContaining(["default-source-enrollment", "default-source-authentication"]));
    expect(plan.output("githubEnrollment")).toBe("any GitHub account");
  });

  it("rejects GitHub flow slugs that collide with each other or with Authentik's own flows", async () => {
    const err = await renderConfigError("authentik", {
      config: (c) => {
        c.githubSource.enrollmentFlow = "default-source-enrollment";
        c.githubSource.authenticationFlow = "default-source-enrollment";
      },
    });
    expect(paths(err).sort()).toEqual(["homelab:githubSource.authenticationFlow", "homelab:githubSource.authenticationFlow", "homelab:githubSource.enrollmentFlow"]);
    expect(err.message).toContain("slugs of their own");
  });

  it("asks for read:org only when organisations or teams are checked", async () => {
    const plan = await render("authentik", {
      config: (c) => {
        c.githubSource.allowedOrganizations = [];
        c.githubSource.allowedTeams = [];
      },
    });
    expect(plan.one("github-source", "authentik:index/sourceOauth:SourceOauth").values["additionalScopes"]).toBeUndefined();
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

  it("always requires the GitHub client secret, and no hand-made API token (the bootstrap token comes from the hetzner stack)", async () => {
    const env = { ...placeholderSecrets() } as Record<string, string | undefined>;
    delete env["GITHUB_OAUTH_CLIENT_SECRET"];
    const err = await renderMissingSecrets("authentik", env);
    expect(err.missing).toEqual(["GITHUB_OAUTH_CLIENT_SECRET"]);
    expect(Object.keys(placeholderSecrets())).not.toContain("AUTHENTIK_TOKEN");
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
  fc.record({ kind: fc.constant("access" as const), app: fc.nat(3), groups: fc.option(fc.array(fc.constantFrom(...groupNames), { maxLength: 3 }), { nil: undefined }), public: fc.option(fc.boolean(), { nil: undefined }) }),
  fc.record({
    kind: fc.constant("github" as const),
    list: fc.constantFrom("allowedOrganizations", "allowedTeams", "allowedUsers"),
    names: fc.array(fc.oneof(fc.string(), fc.constantFrom("example-org", "Example-Org", "org/team", "a--b", "x".repeat(40))), { maxLength: 3 }),
    open: fc.option(fc.boolean(), { nil: undefined }),
  }),
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
    case "access": {
      // app index 3 is the forward-auth application.
      const target = m.app === 3 ? config.forwardAuth : app;
      if (m.groups === undefined) delete target.allowedGroups; else target.allowedGroups = m.groups;
      if (m.public === undefined) delete target.public; else target.public = m.public;
      break;
    }
    case "github":
      config.githubSource[m.list] = m.names;
      if (m.open === undefined) delete config.githubSource.allowAnyGitHubAccount; else config.githubSource.allowAnyGitHubAccount = m.open;
      break;
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
