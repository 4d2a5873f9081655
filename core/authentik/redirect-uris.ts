/**
 * Redirect-URI matching for OIDC providers. A redirect URI decides where
 * Authentik sends the authorization code, so a wildcard may widen it only in
 * ways that keep the code inside hosts the operator controls:
 *
 * - A URI without `*` is matched exactly (Authentik's `strict` mode).
 * - In the host, `*` stands for one whole DNS label, to the left of a
 *   domain that is the project domain or the app's own host (from its
 *   launchUrl) or lies under one of them, and that is not a public suffix
 *   (`*.co.uk`, `*.github.io` would hand codes to anyone who registers a name
 *   there). `https://*.lab.example.com/cb` admits `https://grafana.lab.example.com/cb`,
 *   never `https://evillab.example.com/cb` (a wildcard inside a label) or
 *   `https://x.lab.example.com.evil.test/cb`.
 * - In the port, `*` stands for the whole port, and only on a loopback host
 *   (`http://localhost:*\/cb`): CLIs such as `argocd login --sso` listen on a
 *   port of their choice (RFC 8252 §7.3).
 * - Nowhere else: not in the scheme, user info, path or query.
 *
 * Such a URI becomes an anchored regular expression (`regex` mode) built from
 * its parsed parts: each literal part escaped, each host wildcard a DNS-label
 * class (no '.', '/', '@', ':', '\' or whitespace can match), the port
 * wildcard digits only. Authentik tests a client's redirect_uri with Python's
 * `re.fullmatch(url, redirect_uri)` (goauthentik/authentik,
 * authentik/providers/oauth2/views/authorize.py), so the pattern must hold on
 * its own; the leading `^` and trailing `$` keep it anchored in any engine.
 */
import { getPublicSuffix } from "tldts";

/** What a host wildcard matches: one DNS label (letters, digits, inner hyphens, 1-63 characters). */
export const LABEL_PATTERN = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
/** What a port wildcard matches. */
export const PORT_PATTERN = "[0-9]{1,5}";

/** One entry of ProviderOauth2.allowedRedirectUris (the provider's snake_case keys). */
export interface RedirectUriEntry {
  readonly matching_mode: "strict" | "regex";
  readonly url: string;
}

/** Escapes every character that means something in a (Python or JS) regular expression. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Hosts a port wildcard may follow: the loopback interface, where only the user's own programs listen. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A URI reference split into its RFC 3986 components (the regular expression of its appendix B). */
interface UriParts {
  readonly scheme?: string;
  readonly authority?: string;
  /** Path and query as written (`/cb?x=1`). */
  readonly rest: string;
  readonly fragment?: string;
}

function splitUri(uri: string): UriParts {
  const m = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*(?:\?[^#]*)?)(?:#(.*))?$/s.exec(uri)!;
  return {
    ...(m[1] !== undefined ? { scheme: m[1] } : {}),
    ...(m[2] !== undefined ? { authority: m[2] } : {}),
    rest: m[3] ?? "",
    ...(m[4] !== undefined ? { fragment: m[4] } : {}),
  };
}

/** A wildcard URI, checked and taken apart. */
interface WildcardUri {
  readonly scheme: string;
  /** Host labels as written; `*` for a wildcard label. */
  readonly labels: readonly string[];
  /** The bracketed IPv6 literal or dotted host, when no label is a wildcard. */
  readonly host: string;
  readonly port?: string;
  readonly rest: string;
}

/** Checks a URI and returns either the reason it is unusable or, for a wildcard URI, its parts. */
function analyse(uri: string, allowedDomains: readonly string[]): { problem: string } | { wildcard?: WildcardUri } {
  const quoted = JSON.stringify(uri);
  if (/\s/.test(uri)) return { problem: `redirect URI ${quoted} contains whitespace` };
  const parts = splitUri(uri);
  if (parts.scheme === undefined || !/^[A-Za-z*][A-Za-z0-9+.*-]*$/.test(parts.scheme))
    return { problem: `expected an absolute URI like https://app.lab.example.com/callback, got ${quoted}` };
  if (parts.fragment !== undefined) return { problem: `redirect URI ${quoted} has a fragment, which OAuth forbids` };
  if (parts.scheme.includes("*")) return { problem: `redirect URI ${quoted} has a wildcard in its scheme` };

  if (!uri.includes("*")) {
    try {
      new URL(uri);
    } catch {
      return { problem: `expected an absolute URI like https://app.lab.example.com/callback, got ${quoted}` };
    }
    return {};
  }

  const scheme = parts.scheme.toLowerCase();
  if ((scheme !== "http" && scheme !== "https") || parts.authority === undefined)
    return { problem: `redirect URI ${quoted}: a wildcard is only allowed in the host or port of an http(s) URI` };
  if (parts.rest.includes("*"))
    return { problem: `redirect URI ${quoted} has a wildcard after the host (path or query); write the path out in full` };
  if (parts.authority.includes("@")) return { problem: `redirect URI ${quoted} has user info (user@host); a redirect URI names only a host` };

  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(parts.authority);
  if (hostPort === null) return { problem: `expected an absolute URI like https://app.lab.example.com/callback, got ${quoted}` };
  const host = hostPort[1]!.toLowerCase();
  const port = hostPort[2];

  if (port !== undefined && port.includes("*")) {
    if (port !== "*") return { problem: `redirect URI ${quoted}: a port wildcard must be the whole port, like http://localhost:*/callback` };
    if (!LOOPBACK_HOSTS.has(host))
      return { problem: `redirect URI ${quoted}: a port wildcard is only allowed on localhost, 127.0.0.1 or [::1], where CLIs pick their own port` };
  }

  const labels = host.split(".");
  if (host.includes("*")) {
    if (host.startsWith("[")) return { problem: `redirect URI ${quoted} has a wildcard in an IP address` };
    const partial = labels.find((l) => l.includes("*") && l !== "*");
    if (partial !== undefined)
      return { problem: `redirect URI ${quoted}: a wildcard must be a whole host label like *.lab.example.com, not part of one ("${partial}")` };
    if (labels.some((l) => l === "")) return { problem: `expected a host like *.lab.example.com in ${quoted}` };
    const pinned = labels.slice(labels.lastIndexOf("*") + 1);
    if (pinned.length === 0 || /^[0-9.]+$/.test(pinned.join(".")))
      return { problem: `redirect URI ${quoted} lets the wildcard choose the host; pin the domain, like https://*.lab.example.com/callback` };
    const problem = domainProblem(quoted, pinned, allowedDomains);
    if (problem !== undefined) return { problem };
  }

  // The concrete shape must be a URL: fill each wildcard with a value it may stand for.
  const concrete = `${scheme}://${labels.map((l) => (l === "*" ? "a" : l)).join(".")}${port !== undefined ? `:${port === "*" ? "1" : port}` : ""}${parts.rest}`;
  try {
    new URL(concrete);
  } catch {
    return { problem: `expected an absolute URI like https://app.lab.example.com/callback, got ${quoted}` };
  }
  return { wildcard: { scheme, labels, host, ...(port !== undefined ? { port } : {}), rest: parts.rest } };
}

/** Why the literal domain right of a host wildcard is not one the wildcard may range under, or undefined. */
function domainProblem(quoted: string, pinned: readonly string[], allowedDomains: readonly string[]): string | undefined {
  const domain = pinned.join(".");
  // allowPrivateDomains: suffixes like github.io, where anyone can register a name, count too.
  const suffix = getPublicSuffix(domain, { allowPrivateDomains: true });
  if (suffix === null || suffix === domain)
    return `redirect URI ${quoted}: the wildcard stands in front of the public suffix "${domain}", where anyone can register a name; pin a domain you own, like *.lab.example.com`;
  const inside = allowedDomains.some((allowed) => {
    const a = allowed.toLowerCase().split(".");
    return a.length <= pinned.length && a.every((label, i) => pinned[pinned.length - a.length + i] === label);
  });
  if (!inside)
    return `redirect URI ${quoted}: a wildcard may only range over hosts under ${allowedDomains.map((d) => `"${d}"`).join(" or ")} (the project domain or the app's launchUrl host)`;
  return undefined;
}

/**
 * The provider entry for one configured redirect URI. Validate it first with
 * {@link redirectUriProblem}; a URI that fails validation here throws.
 */
export function redirectUriEntry(uri: string, allowedDomains: readonly string[]): RedirectUriEntry {
  const result = analyse(uri, allowedDomains);
  if ("problem" in result) throw new Error(result.problem);
  const w = result.wildcard;
  if (w === undefined) return { matching_mode: "strict", url: uri };
  const host = w.labels.map((l) => (l === "*" ? LABEL_PATTERN : escapeRegex(l))).join("\\.");
  const port = w.port === undefined ? "" : `:${w.port === "*" ? PORT_PATTERN : escapeRegex(w.port)}`;
  return { matching_mode: "regex", url: `^${escapeRegex(w.scheme)}://${host}${port}${escapeRegex(w.rest)}$` };
}

/**
 * Why a configured redirect URI is unusable, or undefined when it is fine.
 * `allowedDomains`: the project domain and the app's own host; a host
 * wildcard must range under one of them.
 */
export function redirectUriProblem(uri: string, allowedDomains: readonly string[]): string | undefined {
  const result = analyse(uri, allowedDomains);
  return "problem" in result ? result.problem : undefined;
}

/** The domains an app's host wildcards may range under: the project domain and its launchUrl host. */
export function wildcardDomains(projectDomain: string, launchUrl: string | undefined): string[] {
  const domains = [projectDomain.toLowerCase()];
  if (launchUrl !== undefined) {
    try {
      const host = new URL(launchUrl).hostname;
      if (!domains.includes(host)) domains.push(host);
    } catch {
      // An invalid launchUrl is reported by its own schema check.
    }
  }
  return domains;
}

/**
 * Why a provider entry (as it appears in a plan) is not one these rules
 * produce, or undefined. A regex entry must be exactly what
 * {@link redirectUriEntry} makes of some acceptable URI: the pattern is read
 * back into a URI (label and port classes become `*`, escapes are undone) and
 * must round-trip. Anything hand-written (`.*`, unanchored, a wildcard in a
 * path) fails.
 */
export function redirectEntryProblem(entry: RedirectUriEntry, allowedDomains: readonly string[]): string | undefined {
  if (entry.matching_mode === "strict") {
    if (entry.url.includes("*")) return `strict redirect URI ${JSON.stringify(entry.url)} contains "*", which Authentik would compare literally`;
    return redirectUriProblem(entry.url, allowedDomains);
  }
  const body = /^\^(.*)\$$/s.exec(entry.url)?.[1];
  if (body === undefined) return `redirect pattern ${JSON.stringify(entry.url)} is not anchored with ^ and $`;
  const uri = body
    .split(LABEL_PATTERN)
    .map((part) => part.split(PORT_PATTERN).map(unescapeRegex).join("*"))
    .join("*");
  if (uri.includes("\u0000")) return `redirect pattern ${JSON.stringify(entry.url)} is not a wildcard URI`;
  const problem = redirectUriProblem(uri, allowedDomains);
  if (problem !== undefined) return problem;
  let rebuilt: string;
  try {
    rebuilt = redirectUriEntry(uri, allowedDomains).url;
  } catch (err) {
    return (err as Error).message;
  }
  return rebuilt === entry.url ? undefined : `redirect pattern ${JSON.stringify(entry.url)} is not one the wildcard rules produce (expected a form like ${JSON.stringify(rebuilt)})`;
}

/** Undoes {@link escapeRegex}; a lone metacharacter (unescaped) becomes NUL so the round-trip fails. */
function unescapeRegex(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length && /[.*+?^${}()|[\]\\]/.test(text[i + 1]!)) out += text[++i];
    else if (/[.*+?^${}()|[\]\\]/.test(c)) out += "\u0000";
    else out += c;
  }
  return out;
}
