/**
 * Config of the `authentik` stack (keys of Pulumi.authentik.yaml): where
 * Authentik is, which of its built-in objects to look up or adopt, the GitHub
 * login, the OIDC applications, groups, the service account and forward auth.
 * Schema first, then the cross-field rules, then the secrets the config names.
 */
import { z } from "zod";
import type { ConfigIssue } from "../config/errors";
import { describe, dnsLabel, duplicates, httpUrl } from "../config/primitives";
import { isSecretName, secretRef, type SecretName } from "../secrets";
import { redirectUriProblem, wildcardDomains } from "./redirect-uris";


/**
 * A duration as Authentik parses it (`timedelta` keyword arguments joined by
 * `;`), like `minutes=10` or `hours=1;minutes=30`. Checked here because a bad
 * value only fails at deploy time, after other objects were already changed.
 */
export const timedelta = z
  .string()
  .regex(/^(weeks|days|hours|minutes|seconds|milliseconds|microseconds)=\d+(\.\d+)?(;(weeks|days|hours|minutes|seconds|milliseconds|microseconds)=\d+(\.\d+)?)*$/, {
    error: (issue) => `expected a duration like minutes=10 or hours=1;minutes=30 (units: weeks, days, hours, minutes, seconds), got ${describe(issue.input)}`,
  });

const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    error: (issue) => `expected a lower-case UUID like 3f2b6c1e-8a4d-4c2b-9e7f-1a2b3c4d5e6f (copy it from the Authentik admin UI or API), got ${describe(issue.input)}`,
  });

/** Authentik object names are free text; keep them printable and trimmed. */
const objectName = z
  .string()
  .regex(/^\S(.{0,253}\S)?$/, { error: (issue) => `expected a non-empty name without leading or trailing spaces, got ${describe(issue.input)}` });

/** Authentik slugs: lower-case letters, digits, '-' and '_'. */
const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, { error: (issue) => `expected a slug (lower-case letters, digits, '-' and '_'), got ${describe(issue.input)}` });

/**
 * Who may use an application. Authentik lets every user into an application
 * that has no policy binding, so every application here is bound to groups:
 * `allowedGroups` names them (groups from homelab:groups, or
 * homelab:authentik.adminGroup); left out, only the admin group gets in.
 * `public: true` is the explicit opposite: every signed-in user, including
 * anyone who enrolled through GitHub.
 */
const accessFields = {
  allowedGroups: z
    .array(objectName)
    .optional()
    .describe("Names of groups from homelab:groups (or homelab:authentik.adminGroup) whose members may use it. Default: the admin group only."),
  public: z.boolean().default(false).describe("Every signed-in user may use it, including anyone who enrolled through GitHub. Must be said explicitly; excludes allowedGroups."),
};

/** Who an application admits once config defaults are applied: named groups, or every signed-in user. */
export type Access = { readonly kind: "groups"; readonly groups: readonly string[] } | { readonly kind: "public" };

/** The access an app or the forward-auth application gets (the rules reject the contradictory combinations first). */
export function accessOf(entry: { readonly allowedGroups?: readonly string[] | undefined; readonly public: boolean }, adminGroup: string): Access {
  if (entry.public) return { kind: "public" };
  return { kind: "groups", groups: [...new Set(entry.allowedGroups ?? [adminGroup])] };
}

/** GitHub logins: letters, digits and single hyphens, at most 39 characters. */
const githubLogin = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, {
  error: (issue) => `expected a GitHub user or organisation name like octo-org, got ${describe(issue.input)}`,
});

/** `<organisation>/<team slug>`, as in GitHub's team URLs. */
const githubTeam = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9_-]{1,100}$/, {
  error: (issue) => `expected <organisation>/<team slug> like octo-org/homelab (the slug from the team's URL), got ${describe(issue.input)}`,
});

/** Slugs of the flows Authentik ships; rename only if you renamed them in Authentik. */
export const flowsSchema = z
  .object({
    authentication: slug.default("default-authentication-flow").describe("Log-in flow (holds the identification stage); providers use it for unauthenticated users."),
    invalidation: slug.default("default-provider-invalidation-flow").describe("What a provider runs on logout. Providers take the provider-specific flow, not `default-invalidation-flow`, which is the brand's logout and would end the whole Authentik session instead of showing \"logged out of <app>\"."),
    implicitConsent: slug.default("default-provider-authorization-implicit-consent").describe("Authorization without a consent screen (apps we run ourselves)."),
    explicitConsent: slug.default("default-provider-authorization-explicit-consent").describe("Authorization that asks the user once per app."),
    sourceAuthentication: slug.default("default-source-authentication").describe("Log-in through a source (GitHub) for users that are already linked."),
    sourceEnrollment: slug.default("default-source-enrollment").describe("First log-in through a source: creates the user."),
  })
  .strict();

export const FLOW_DEFAULTS = flowsSchema.parse({});
export type FlowKey = keyof typeof FLOW_DEFAULTS;

export const authentikSchema = z
  .object({
    url: httpUrl.optional().describe("API base URL the provider talks to. Default `https://<edge.auth>.<domain>` (the public hostname on bifrost). Issuer URLs always use the public host."),
    flows: flowsSchema.default(FLOW_DEFAULTS).describe("Slugs of the flows Authentik ships; rename only if you renamed them in Authentik."),
    signingKey: objectName.default("authentik Self-signed Certificate").describe("Certificate-key pair that signs ID tokens, by name."),
    adminGroup: objectName.default("authentik Admins").describe("Authentik's built-in admin group, by name. Groups may name it as their parent."),
    identificationStage: z
      .object({
        id: uuid.describe("UUID of the stage in Authentik."),
        name: objectName.default("default-authentication-identification").describe("Its name, written back to the adopted stage."),
        userFields: z.array(z.enum(["email", "username", "upn"])).default(["email", "username"]).describe("What a user may type to identify themselves. Written to the adopted stage."),
      })
      .strict().describe("The identification stage of the log-in flow, adopted (imported) so the GitHub button can be bound to it. `id` is its UUID (Admin → Flows and Stages → Stages, or `GET /api/v3/stages/identification/?name=…`). `name` and `userFields` must match what the stage has today: they are the fields the import compares."),
    embeddedOutpost: z
      .object({
        id: uuid.describe("UUID of the outpost in Authentik."),
        name: objectName.default("authentik Embedded Outpost").describe("Its name, written back to the adopted outpost."),
      })
      .strict().describe("The outpost built into the Authentik server (it answers forward-auth at `http://<authentik server>:9000/outpost.goauthentik.io/auth/traefik`), adopted by its UUID so it can serve the forward-auth provider."),
    enrollmentStages: z
      .object({
        userWrite: objectName.default("default-source-enrollment-write").describe("The user-write stage that creates the enrolling user."),
        userLogin: objectName.default("default-source-enrollment-login").describe("The user-login stage that logs the new user in."),
      })
      .strict()
      .default({ userWrite: "default-source-enrollment-write", userLogin: "default-source-enrollment-login" }).describe("Stages Authentik ships with its source enrollment flow, by name: the GitHub enrollment flow of this stack reuses them (create the user, log them in) behind its allow-list."),
    authenticationStages: z
      .object({
        userLogin: objectName.default("default-source-authentication-login").describe("The user-login stage that logs a linked user in."),
      })
      .strict()
      .default({ userLogin: "default-source-authentication-login" }).describe("The stage Authentik ships with its source authentication flow, by name: the GitHub log-in flow of this stack reuses it behind the same allow-list."),
  })
  .strict();

/**
 * How a GitHub login is matched to an existing Authentik user. `identifier`
 * (default) links by GitHub's immutable user id, recorded on first log-in, so
 * nobody can take over an account. The `*_link` modes link to any existing user
 * with the same e-mail or username: GitHub lets people put unverified
 * addresses and any free username on their account, so whoever controls a
 * matching GitHub account would log in as that user (an account takeover).
 * The `*_deny` modes refuse such logins instead of linking.
 */
export const userMatchingModes = ["identifier", "email_deny", "username_deny", "email_link", "username_link"] as const;

export const githubSourceSchema = z
  .object({
    clientId: z.string().regex(/^[A-Za-z0-9._-]{8,64}$/, {
      error: (issue) => `expected a GitHub OAuth App client id like Ov23li1a2b3c4d5e6f7g, got ${describe(issue.input)}`,
    }).describe("Client id of the GitHub OAuth App (not a secret; its secret is GITHUB_OAUTH_CLIENT_SECRET)."),
    name: objectName.default("GitHub").describe("Shown on the login button."),
    slug: slug.default("github").describe("In the callback URL `https://<auth host>/source/oauth/callback/<slug>/`: changing it breaks the GitHub App."),
    userMatchingMode: z.enum(userMatchingModes).default("identifier").describe("How a GitHub login is matched to an existing Authentik user. `identifier` (default) links by GitHub's immutable user id, so nobody can take over an account; the `*_link` modes link by e-mail or username, which whoever controls a matching GitHub account could use to log in as that user, and the `*_deny` modes refuse such logins."),
    allowedOrganizations: z.array(githubLogin).default([]).describe("Who may create an account by logging in with GitHub: members of these GitHub organisations (asks GitHub for the `read:org` scope) ..."),
    allowedTeams: z.array(githubTeam).default([]).describe("... members of these teams, as `<organisation>/<team slug>` (also `read:org`) ..."),
    allowedUsers: z.array(githubLogin).default([]).describe("... and these GitHub users. Everyone else gets no account. At least one entry is required."),
    allowAnyGitHubAccount: z.boolean().default(false).describe("Lets ANY GitHub account enroll (Authentik's default source enrollment flow, no allow-list). Only for a deliberately open instance; excludes the three lists above."),
    enrollmentFlow: slug.default("homelab-github-enrollment").describe("Slug of the enrollment flow this stack creates for the allow-list."),
    authenticationFlow: slug.default("homelab-github-authentication").describe("Slug of the log-in flow this stack creates for users already linked to GitHub: the allow-list is checked on every log-in, so someone who leaves the organisation or team can no longer sign in through GitHub."),
  })
  .strict();

/** Scopes an app may ask for on top of openid, email and profile. */
export const EXTRA_SCOPES = ["groups", "offline_access"] as const;
export type ExtraScope = (typeof EXTRA_SCOPES)[number];

export const oidcAppSchema = z
  .object({
    name: objectName.describe("Display name of the application (and its provider)."),
    slug: slug.describe("URL part: issuer `https://<auth host>/application/o/<slug>/`. Changing it replaces the application."),
    clientId: z.string().regex(/^[A-Za-z0-9._~-]{1,255}$/, { error: (issue) => `expected a client id (letters, digits, '.', '_', '~', '-'), got ${describe(issue.input)}` }).describe("The client id the app is configured with."),
    clientType: z.enum(["public", "confidential"]).describe("`confidential` apps authenticate with a secret (name it in clientSecret); `public` ones (CLIs, SPAs) use PKCE."),
    clientSecret: secretRef.optional().describe("Name of the secret in core/secrets.ts holding the client secret. Required for confidential clients."),
    redirectUris: z.array(z.string()).min(1, { error: "expected at least one redirect URI" }).describe("Exact URIs; or with `*` for whole host labels under the project domain or the launchUrl host (https://*.lab.example.com/cb), or for the port of a loopback host (http://localhost:*\\/cb). See redirect-uris.ts."),
    launchUrl: httpUrl.optional().describe("URL the Authentik user dashboard opens for the app. Redirect-URI wildcards may also range under its host."),
    description: z.string().max(200).optional().describe("Short text under the app on the Authentik user dashboard."),
    scopes: z.array(z.enum(EXTRA_SCOPES)).default([]).describe("Extra scopes on top of openid, email and profile."),
    consent: z.enum(["implicit", "explicit"]).default("implicit").describe("`implicit` skips the consent screen (apps we run); `explicit` asks once."),
    accessCodeValidity: timedelta.default("minutes=1").describe("Lifetime of an authorization code, as an Authentik duration (`minutes=1`, `hours=1;minutes=30`)."),
    accessTokenValidity: timedelta.default("minutes=10").describe("Lifetime of an access token, as an Authentik duration."),
    refreshTokenValidity: timedelta.default("days=30").describe("Lifetime of a refresh token (with the offline_access scope), as an Authentik duration."),
    ...accessFields,
  })
  .strict();

export type OidcAppConfig = z.output<typeof oidcAppSchema>;

const groupName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$/, { error: (issue) => `expected a group name (letters, digits, spaces, '.', '_', '-'), got ${describe(issue.input)}` });

export const groupSchema = z
  .object({
    name: groupName.describe("Group name in Authentik. Renaming a group re-creates it under the new name."),
    superuser: z.boolean().default(false).describe("Members are Authentik superusers."),
    parent: objectName.optional().describe("Name of another configured group, or of homelab:authentik.adminGroup. Members inherit the parent's rights."),
  })
  .strict();

export type GroupConfig = z.output<typeof groupSchema>;

export const serviceAccountSchema = z
  .object({
    username: dnsLabel.describe("Username of the service account. Changing it replaces the account and its token."),
    name: objectName.describe("Display name."),
    path: z.string().regex(/^[a-z0-9][a-z0-9_./-]*$/, { error: (issue) => `expected a path like homelab/service-accounts, got ${describe(issue.input)}` }).default("homelab/service-accounts").describe("Directory path the user is filed under."),
    groups: z.array(objectName).default([]).describe("Names of groups from homelab:groups (or the admin group)."),
    tokenIdentifier: slug.describe("Identifier of its app-password token (unique in Authentik)."),
  })
  .strict();

export const forwardAuthSchema = z
  .object({
    name: objectName.default("Forward auth").describe("Display name of the forward-auth application and its proxy provider."),
    slug: slug.default("forward-auth").describe("Slug of the forward-auth application. Changing it replaces the application and its provider."),
    accessTokenValidity: timedelta.default("hours=24").describe("How long a forward-auth session lasts before the user logs in again."),
    consent: z.enum(["implicit", "explicit"]).default("implicit").describe("`implicit` skips the consent screen; `explicit` asks once."),
    ...accessFields,
  })
  .strict();

export const authentikShape = {
  authentik: authentikSchema.describe("The Authentik instance on bifrost: API URL, the flows and stages it ships, and the objects this stack adopts."),
  githubSource: githubSourceSchema.describe("Log-in with GitHub, restricted to the organisations, teams and users listed."),
  oidcApps: z.array(oidcAppSchema).default([]).describe("OpenID Connect applications: each gets an OAuth2 provider and an application, open only to its allowed groups (or, with `public`, to every signed-in user)."),
  groups: z.array(groupSchema).default([]).describe("Authentik groups this stack manages."),
  serviceAccount: serviceAccountSchema.describe("A service account with an app-password token, for automation."),
  forwardAuth: forwardAuthSchema.default(forwardAuthSchema.parse({})).describe("The forward-auth application Traefik on bifrost asks (through the embedded outpost) before serving a public service with forwardAuth."),
} as const;

/** The parts of the stack config the rules read (the full config satisfies it). */
export interface AuthentikConfigView {
  /** The project domain: host wildcards in redirect URIs may range under it. */
  readonly domain: string;
  readonly authentik: z.output<typeof authentikSchema>;
  readonly githubSource: z.output<typeof githubSourceSchema>;
  readonly oidcApps: readonly OidcAppConfig[];
  readonly groups: readonly GroupConfig[];
  readonly serviceAccount: z.output<typeof serviceAccountSchema>;
  readonly forwardAuth: z.output<typeof forwardAuthSchema>;
}

/** A Pulumi logical-name part from a display name: `Grafana Editors` → `grafana-editors`. */
export function logicalName(displayName: string): string {
  return displayName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Cross-field rules: secrets for confidential clients, unique names, group references. */
export function validateAuthentik(c: AuthentikConfigView): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  c.oidcApps.forEach((app, i) => {
    if (app.clientType === "confidential" && app.clientSecret === undefined)
      issues.push({
        path: ["oidcApps", i, "clientSecret"],
        message: `confidential client "${app.slug}" needs clientSecret: the name of a secret in core/secrets.ts (like GRAFANA_OIDC_CLIENT_SECRET), or set clientType: public`,
      });
    if (app.clientType === "public" && app.clientSecret !== undefined)
      issues.push({ path: ["oidcApps", i, "clientSecret"], message: `public client "${app.slug}" has no secret; remove clientSecret or set clientType: confidential` });
    app.redirectUris.forEach((uri, u) => {
      const problem = redirectUriProblem(uri, wildcardDomains(c.domain, app.launchUrl));
      if (problem) issues.push({ path: ["oidcApps", i, "redirectUris", u], message: problem });
    });
  });
  issues.push(...duplicates(c.oidcApps, (a) => a.slug, "slug", ["oidcApps"], "application slug"));
  issues.push(...duplicates(c.oidcApps, (a) => a.clientId, "clientId", ["oidcApps"], "client id"));
  issues.push(...duplicates(c.oidcApps, (a) => a.name, "name", ["oidcApps"], "application name"));
  c.oidcApps.forEach((a, i) => {
    if (a.slug === c.forwardAuth.slug)
      issues.push({ path: ["oidcApps", i, "slug"], message: `"${a.slug}" is already the forward-auth application (homelab:forwardAuth.slug)` });
    if (a.name === c.forwardAuth.name)
      issues.push({ path: ["oidcApps", i, "name"], message: `"${a.name}" is already the forward-auth provider name (homelab:forwardAuth.name)` });
  });

  issues.push(...duplicates(c.groups, (g) => g.name, "name", ["groups"], "group name"));
  // Logical names come from group names; two names that differ only in case or punctuation would collide.
  issues.push(
    ...duplicates(c.groups, (g) => (c.groups.some((o) => o.name === g.name && o !== g) ? undefined : logicalName(g.name)), "name", ["groups"], "group name (ignoring case and punctuation)"),
  );
  const known = new Set([...c.groups.map((g) => g.name), c.authentik.adminGroup]);
  c.groups.forEach((g, i) => {
    if (g.name === c.authentik.adminGroup)
      issues.push({ path: ["groups", i, "name"], message: `"${g.name}" is Authentik's built-in admin group (homelab:authentik.adminGroup); name it as a parent instead` });
    if (g.parent === undefined) return;
    if (g.parent === g.name) issues.push({ path: ["groups", i, "parent"], message: "a group cannot be its own parent" });
    else if (!known.has(g.parent))
      issues.push({ path: ["groups", i, "parent"], message: `unknown group "${g.parent}": expected one of homelab:groups[*].name or "${c.authentik.adminGroup}"` });
  });
  const cycle = parentCycle(c.groups);
  if (cycle) issues.push({ path: ["groups"], message: `groups form a parent cycle: ${cycle.join(" → ")}` });
  const checkAccess = (entry: { readonly allowedGroups?: readonly string[] | undefined; readonly public: boolean }, path: (string | number)[], what: string) => {
    if (entry.public && entry.allowedGroups !== undefined)
      issues.push({
        path: [...path, "public"],
        message: `${what} is public (every signed-in user) and also lists allowedGroups; remove one of them`,
      });
    else if (!entry.public && entry.allowedGroups?.length === 0)
      issues.push({
        path: [...path, "allowedGroups"],
        message: `${what} allows no group, so nobody could use it: name groups from homelab:groups (or "${c.authentik.adminGroup}"), leave allowedGroups out for the admin group only, or set public: true to let every signed-in user in`,
      });
    (entry.allowedGroups ?? []).forEach((name, g) => {
      if (!known.has(name))
        issues.push({ path: [...path, "allowedGroups", g], message: `unknown group "${name}": expected one of homelab:groups[*].name or "${c.authentik.adminGroup}"` });
    });
  };
  c.oidcApps.forEach((app, i) => checkAccess(app, ["oidcApps", i], `application "${app.slug}"`));
  checkAccess(c.forwardAuth, ["forwardAuth"], "the forward-auth application");

  const gh = c.githubSource;
  const listed = gh.allowedOrganizations.length + gh.allowedTeams.length + gh.allowedUsers.length;
  if (gh.allowAnyGitHubAccount && listed > 0)
    issues.push({
      path: ["githubSource", "allowAnyGitHubAccount"],
      message: "allowAnyGitHubAccount lets every GitHub account enroll, which contradicts allowedOrganizations/allowedTeams/allowedUsers; remove one of them",
    });
  else if (!gh.allowAnyGitHubAccount && listed === 0)
    issues.push({
      path: ["githubSource"],
      message:
        "no GitHub account may enroll: list allowedOrganizations, allowedTeams (<org>/<team slug>) or allowedUsers, " +
        "or set allowAnyGitHubAccount: true to let anyone with a GitHub account create an account",
    });
  // GitHub names are case-insensitive: `Octo-Org` and `octo-org` are the same organisation.
  for (const list of ["allowedOrganizations", "allowedTeams", "allowedUsers"] as const) {
    const first = new Map<string, number>();
    gh[list].forEach((name, i) => {
      const seenAt = first.get(name.toLowerCase());
      if (seenAt === undefined) first.set(name.toLowerCase(), i);
      else issues.push({ path: ["githubSource", list, i], message: `"${name}" is already listed at homelab:githubSource.${list}[${seenAt}] (GitHub names ignore case)` });
    });
  }
  for (const key of ["enrollmentFlow", "authenticationFlow"] as const)
    if (Object.values(c.authentik.flows).includes(gh[key]))
      issues.push({ path: ["githubSource", key], message: `"${gh[key]}" is one of Authentik's own flows (homelab:authentik.flows); the GitHub flows need slugs of their own` });
  if (gh.enrollmentFlow === gh.authenticationFlow)
    issues.push({ path: ["githubSource", "authenticationFlow"], message: `"${gh.authenticationFlow}" is already the enrollment flow (homelab:githubSource.enrollmentFlow); use another slug` });

  c.serviceAccount.groups.forEach((name, i) => {
    if (!known.has(name))
      issues.push({ path: ["serviceAccount", "groups", i], message: `unknown group "${name}": expected one of homelab:groups[*].name or "${c.authentik.adminGroup}"` });
  });
  return issues;
}

/** The first cycle in the parent relation, as names, or undefined. */
function parentCycle(groups: readonly GroupConfig[]): string[] | undefined {
  const parentOf = new Map(groups.map((g) => [g.name, g.parent]));
  for (const start of parentOf.keys()) {
    const path: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && parentOf.has(at)) {
      const seenAt = path.indexOf(at);
      if (seenAt >= 0) return seenAt === 0 && path.length > 1 ? [...path, at] : undefined;
      path.push(at);
      at = parentOf.get(at);
    }
  }
  return undefined;
}

/** Client secrets that confidential apps name: required once the config names them. */
export function requiredAuthentikSecrets(c: Pick<AuthentikConfigView, "oidcApps">): SecretName[] {
  return [...new Set(c.oidcApps.flatMap((a) => (a.clientSecret !== undefined && isSecretName(a.clientSecret) ? [a.clientSecret] : [])))].sort();
}
