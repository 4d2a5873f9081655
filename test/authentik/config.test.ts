// Config of the authentik stack: every mistake is a config error naming its
// path, raised before anything is registered; secrets the config names become required.
import { describe, expect, it } from "vitest";
import { formatConfigPath } from "../../core/config/errors";
import { placeholderSecrets } from "../../core/secrets";
import { render, renderConfigError, renderMissingSecrets } from "../helpers/plan";

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
