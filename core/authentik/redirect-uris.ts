/**
 * Redirect-URI matching for OIDC providers. A URI without `*` is matched
 * exactly (Authentik's `strict` mode). A URI with `*` becomes an anchored
 * regular expression (`regex` mode) in which every literal character is
 * escaped and each `*` matches part of ONE URL component.
 *
 * Why `*` is `[^/?#@\\\s]*` and not `.*`: a redirect URI decides where
 * Authentik sends the authorization code. With `.*`, the pattern for
 * `https://*.lab.example.com/cb` would also accept
 * `https://evil.test/?.lab.example.com/cb` (host evil.test, the rest a query)
 * and leak codes to another host. Stopping at `/`, `?`, `#`, `@`, `\`
 * (browsers read it as `/`) and whitespace keeps the wildcard inside the host
 * label, port or path segment it was written in.
 */

/** What a wildcard may stand for. */
export const WILDCARD_PATTERN = "[^/?#@\\\\\\s]*";

/** One entry of ProviderOauth2.allowedRedirectUris (the provider's snake_case keys). */
export interface RedirectUriEntry {
  readonly matching_mode: "strict" | "regex";
  readonly url: string;
}

/** Escapes every character that means something in a (Python or JS) regular expression. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The provider entry for one configured redirect URI. */
export function redirectUriEntry(uri: string): RedirectUriEntry {
  if (!uri.includes("*")) return { matching_mode: "strict", url: uri };
  return { matching_mode: "regex", url: `^${uri.split("*").map(escapeRegex).join(WILDCARD_PATTERN)}$` };
}

/** Why a configured redirect URI is unusable, or undefined when it is fine. */
export function redirectUriProblem(uri: string): string | undefined {
  // A wildcard must still leave a parseable URL; "1" is valid in hosts, ports and paths.
  let parsed: URL;
  try {
    parsed = new URL(uri.replaceAll("*", "1"));
  } catch {
    return `expected an absolute URI like https://app.lab.example.com/callback (a * may stand for part of a host label, port or path segment), got ${JSON.stringify(uri)}`;
  }
  if (/\s/.test(uri)) return `redirect URI ${JSON.stringify(uri)} contains whitespace`;
  if (uri.includes("#")) return `redirect URI ${JSON.stringify(uri)} has a fragment, which OAuth forbids`;
  const schemeEnd = uri.indexOf(":");
  if (uri.slice(0, schemeEnd).includes("*")) return `redirect URI ${JSON.stringify(uri)} has a wildcard in its scheme`;
  if (parsed.protocol === "http:" || parsed.protocol === "https:") {
    const hostPart = uri.slice(uri.indexOf("//") + 2).split(/[/?]/)[0]!.replace(/:[^:]*$/, "");
    // `https://*/cb` or `https://*.com/cb` would accept codes for any host (or any host under a TLD).
    if (hostPart === "*" || /^\*\.[^.]+$/.test(hostPart))
      return `redirect URI ${JSON.stringify(uri)} lets the wildcard choose the host; pin at least the domain, like https://*.lab.example.com/callback`;
  }
  return undefined;
}
