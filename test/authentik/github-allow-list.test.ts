// The enrollment allow-list expression generated from homelab:githubSource.
import { describe, expect, it } from "vitest";
import { additionalScopes, githubEnrollmentExpression } from "../../core/authentik/github-allow-list";

const none = { organizations: [], teams: [], users: [] };

describe("githubEnrollmentExpression", () => {
  it("lists the allowed names lower-cased (GitHub names ignore case) in Python sets, empty ones as set()", () => {
    const text = githubEnrollmentExpression("github", { ...none, users: ["OctoCat", "hubot"] });
    expect(text).toContain('ALLOWED_USERS = {"hubot", "octocat"}');
    expect(text).toContain("ALLOWED_ORGANIZATIONS = set()");
    expect(text).toContain("ALLOWED_TEAMS = set()");
  });

  it("refuses every other source and ends denying", () => {
    const text = githubEnrollmentExpression("gh", { ...none, organizations: ["example-org"] });
    expect(text).toContain('if source is None or source.slug != "gh":');
    expect(text.trimEnd().endsWith("return False")).toBe(true);
    // Organisation and team membership come from GitHub's API with the user's token.
    expect(text).toContain("https://api.github.com/user/orgs");
    expect(text).toContain("https://api.github.com/user/teams");
    expect(text).toContain("raise_for_status()");
  });

  it("refuses to quote anything that is not a GitHub name", () => {
    expect(() => githubEnrollmentExpression("github", { ...none, users: ['x"); import os #'] })).toThrow("not a GitHub name");
  });
});

describe("additionalScopes", () => {
  it("asks for read:org only for organisation or team checks", () => {
    expect(additionalScopes({ ...none, users: ["octocat"] })).toBeUndefined();
    expect(additionalScopes({ ...none, organizations: ["o"] })).toBe("read:org");
    expect(additionalScopes({ ...none, teams: ["o/t"] })).toBe("read:org");
  });
});
