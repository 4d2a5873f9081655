/**
 * Reusable config field schemas. Each one says, in its error, the form it
 * expects, because that message is what the user reads.
 */
import { z } from "zod";
import { isIPv4, isIPv6, isIPv6Cidr, parseCidr } from "../net/ipv4";
import { formatConfigPath, type ConfigIssue, type ConfigPath } from "./errors";

/** A config value as it appears in an error message: JSON, cut after 80 characters. */
export const describe = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 80 ? text : `${text.slice(0, 60)}… (${text.length} characters)`;
};

/**
 * `local@domain` with a dot inside the domain (not first or last), where
 * neither part holds a character `disallowed` matches (a one-character
 * class, which must include "@"). Decided in one pass over each part: the
 * regex /^[^@]+@[^@]+\.[^@]+$/ says the same but backtracks quadratically on
 * a long domain full of dots that does not match (a 100 KB value took 20 s).
 */
export function isEmailLike(text: string, disallowed: RegExp = /[@\s]/): boolean {
  const at = text.indexOf("@");
  if (at <= 0) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  return !disallowed.test(local) && !disallowed.test(domain) && domain.slice(1, -1).includes(".");
}

export const ipv4 = z
  .string()
  .refine(isIPv4, { error: (issue) => `expected an IPv4 address like 192.168.1.10, got ${describe(issue.input)}` });

export const ipv6 = z
  .string()
  .refine(isIPv6, { error: (issue) => `expected an IPv6 address like 2001:db8::1, got ${describe(issue.input)}` });

/** An IPv4 CIDR. Host bits may be set (`10.0.0.5/24` names an address in a network). */
export const ipv4Cidr = z
  .string()
  .refine(
    (v) => parseCidr(v) !== undefined,
    { error: (issue) => `expected an IPv4 CIDR like 10.10.0.0/24, got ${describe(issue.input)}` }
  );

/** An IPv4 network: a CIDR whose host bits are zero. One message per problem. */
export const ipv4Network = z.string().superRefine((v, ctx) => {
  const c = parseCidr(v);
  if (c === undefined)
    ctx.addIssue({ code: "custom", message: `expected an IPv4 CIDR like 10.10.0.0/24, got ${describe(v)}` });
  else if (c.address !== c.network)
    ctx.addIssue({
      code: "custom",
      message: `expected a network address with host bits zero (like 10.10.0.0/24), got ${describe(v)}`,
    });
});

/** IPv4 or IPv6 CIDR, for firewall source lists. */
export const anyCidr = z
  .string()
  .refine(
    (v) => parseCidr(v) !== undefined || isIPv6Cidr(v),
    { error: (issue) => `expected an IPv4 or IPv6 CIDR like 203.0.113.7/32 or 2001:db8::/48, got ${describe(issue.input)}` }
  );

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isDnsLabel(v: string): boolean {
  return LABEL.test(v);
}

export function isHostname(v: string): boolean {
  return v.length <= 253 && v.split(".").every((l) => LABEL.test(l));
}

/** One DNS label (RFC 1123): lower-case letters, digits and hyphens, 1–63 characters. */
export const dnsLabel = z
  .string()
  .refine(
    isDnsLabel,
    { error: (issue) => `expected a DNS label (lower-case letters, digits and '-', 1-63 characters, no leading or trailing '-'), got ${describe(issue.input)}` }
  );

/** A fully qualified host or domain name in lower case, like `example.com`. */
export const hostname = z
  .string()
  .refine(
    (v) => isHostname(v) && v.includes("."),
    { error: (issue) => `expected a lower-case domain name like lab.example.com, got ${describe(issue.input)}` }
  );

/** A Kubernetes-style name (DNS-1123 label), used for node names and namespaces. */
export const k8sName = dnsLabel;

/** https:// or http:// URL. */
export const httpUrl = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "https:" || u.protocol === "http:") && u.hostname.length > 0;
    } catch {
      return false;
    }
  },
  { error: (issue) => `expected an http(s) URL like https://pve.example.com:8006/, got ${describe(issue.input)}` },
);

/** A git remote: https URL or scp-like `git@host:org/repo.git`. */
export const gitUrl = z
  .string()
  .refine(
    (v) => /^https:\/\/[^\s/]+\/\S+$/.test(v) || /^git@[^\s:]+:\S+$/.test(v) || /^ssh:\/\/\S+$/.test(v),
    { error: (issue) => `expected a git URL like https://github.com/org/repo.git, got ${describe(issue.input)}` }
  );

/** Semantic version with a leading `v`, as Talos and Kubernetes spell it: `v1.13.3`. */
export const vVersion = z
  .string()
  .regex(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: (issue) => `expected a version like v1.13.3, got ${describe(issue.input)}` });

/** Semantic version without `v`, as Helm charts spell it: `1.18.2`. */
export const chartVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: (issue) => `expected a pinned chart version like 1.18.2, got ${describe(issue.input)}` });

/**
 * An image reference exactly as the grammar of github.com/distribution/reference
 * (regexp.go) allows it: `[domain[:port]/]path[:tag][@sha256:digest]`, lower-case
 * path components. Nothing else: no `${…}` that compose would substitute, no
 * spaces, no shell characters.
 */
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*` +
    "(?::(?<tag>[\\w][\\w.-]{0,127}))?(?<digest>@sha256:[0-9a-f]{64})?$",
);

/** Pure rule: a reference by that grammar, pinned by a tag other than `latest` or by digest. */
export function isPinnedImage(v: string): boolean {
  const m = IMAGE_REFERENCE.exec(v);
  if (!m) return false;
  const { tag, digest } = m.groups ?? {};
  return digest !== undefined || (tag !== undefined && tag !== "latest");
}

/** A container image pinned by tag or digest: `traefik:v3.5.0`, `ghcr.io/x/y@sha256:…`. */
export const pinnedImage = z.string().refine(isPinnedImage, {
  error: (issue) =>
    `expected a container image reference name[:tag][@sha256:digest] pinned to a tag (not "latest") or digest, like traefik:v3.5.1, got ${describe(issue.input)}`,
});

/** PCI address as Proxmox takes it: `0000:01:00.0` or `01:00.0` (function optional for all functions: `01:00`). */
export const pciId = z
  .string()
  .regex(/^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}(\.[0-7])?$/, {
    error: (issue) => `expected a PCI address like 0000:01:00.0, got ${describe(issue.input)}`,
  });

export const port = z.number().int().min(1).max(65535);

/** Environment-variable style secret name, like CLOUDFLARE_API_TOKEN. */
export const secretName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, { error: (issue) => `expected a secret name like GRAFANA_OIDC_CLIENT_SECRET, got ${describe(issue.input)}` });

/** Pulumi stack reference: `org/project/stack` or `project/stack` or `stack`. */
export const stackRefName = z
  .string()
  .regex(/^([\w.-]+\/){0,2}[\w.-]+$/, { error: (issue) => `expected a stack reference like myorg/homelab/talos, got ${describe(issue.input)}` });

/** Values that must be unique within a list: one issue per repeat, naming the first use. */
export function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string | number | undefined,
  field: string,
  listPath: ConfigPath,
  what: string,
): ConfigIssue[] {
  const seen = new Map<string | number, number>();
  const issues: ConfigIssue[] = [];
  items.forEach((item, index) => {
    const k = key(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else
      issues.push({
        path: [...listPath, index, field],
        message: `duplicate ${what} ${describe(k)}, already used by ${formatConfigPath([...listPath, first, field])}`,
      });
  });
  return issues;
}
