/**
 * Stack-level config of `cloudflare` (Pulumi.cloudflare.yaml) and its
 * cross-field rules. Which hostnames exist is NOT configured here: that is the
 * project-level `edge` and `publicServices` (Pulumi.yaml), the same list the
 * hetzner stack turns into Traefik routers, so DNS and the edge cannot drift.
 */
import { z } from "zod";
import type { ConfigIssue } from "../config/errors";
import { hostname, httpUrl, isEmailLike } from "../config/primitives";
import type { StackConfig } from "../stack";
import { planHosts, planCaa, MAX_HOSTNAME_LENGTH } from "./plan";

/** Where CAs report requests that break the CAA policy (RFC 8659 §4.4): mailto: or http(s) URL. */
const iodefUrl = z.string().refine(
  (v) => (v.startsWith("mailto:") && isEmailLike(v.slice("mailto:".length))) || httpUrl.safeParse(v).success,
  { error: (issue) => `expected mailto:hostmaster@example.com or an https:// URL, got ${JSON.stringify(issue.input)}` },
);

/**
 * Everything sits under one object key: Pulumi hands top-level scalars to the
 * program as strings, while objects arrive as JSON with their types intact.
 */
export const dnsSchema = z
  .object({
    zone: hostname.optional().describe("Name of the Cloudflare zone that holds homelab:domain, looked up by name. Default: the domain itself. Set it when the domain is a subdomain of the zone (domain lab.example.com in zone example.com)."),
    zoneId: z
      .string()
      .regex(/^[0-9a-f]{32}$/, { error: (issue) => `expected a Cloudflare zone id (32 lower-case hex digits), got ${JSON.stringify(issue.input)}` })
      .optional().describe("Zone id (32 hex digits, Cloudflare dashboard → zone → Overview → API). Skips the look-up; use it when the token may edit DNS but not read zones."),
    ipv6: z.boolean().default(true).describe("Publish AAAA records for bifrost (default true). Needs the hetzner stack to export `ipv6`; set false only when bifrost runs IPv4-only. A config flag rather than a guess from the stack reference: whether a record exists must be known at preview, and the reference's values are only known at deploy time (resources are never created inside `apply`)."),
    caa: z
      .object({
        enabled: z.boolean().default(true).describe("Default true. Turn off only if another CA must issue for names under the domain."),
        iodef: iodefUrl.optional().describe("Where CAs report refused requests (`mailto:` or https URL). Optional."),
      })
      .strict()
      .default({ enabled: true }).describe("CAA policy: only Let's Encrypt may issue certificates for the domain."),
    commentMaxLength: z.number().int().min(20).max(500).default(100).describe("Longest record comment Cloudflare accepts on this zone's plan: 100 characters on Free, 500 on paid plans. Checked before anything is registered, because the API would reject the record only at deploy time."),
  })
  .strict();

export type DnsConfig = z.infer<typeof dnsSchema>;

export const cloudflareShape = {
  dns: dnsSchema
    .default({ ipv6: true, caa: { enabled: true }, commentMaxLength: 100 })
    .describe("The Cloudflare zone and the records this stack keeps in it: the always-public edge hostnames and the public services, pointing at bifrost."),
} as const;

export type CloudflareConfig = StackConfig<typeof cloudflareShape>;

/** Rules beyond the schema; project rules (labels, duplicates, edge collisions) already ran. */
export function cloudflareRules(c: CloudflareConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const zone = c.dns.zone ?? c.domain;
  if (c.domain !== zone && !c.domain.endsWith(`.${zone}`))
    issues.push({
      path: ["dns", "zone"],
      message: `zone "${zone}" does not contain homelab:domain "${c.domain}"; expected the domain itself or a parent of it`,
    });

  for (const record of [...planHosts(c), ...planCaa(c.domain, c.dns.caa)]) {
    if (record.hostname.length > MAX_HOSTNAME_LENGTH)
      issues.push({
        path: record.source,
        message: `hostname ${record.hostname} is ${record.hostname.length} characters; DNS allows ${MAX_HOSTNAME_LENGTH}`,
      });
    if (/[\r\n]/.test(record.comment))
      issues.push({ path: record.commentSource, message: "must be one line: it becomes a DNS record comment, and Cloudflare rejects line breaks" });
    if (record.comment.length > c.dns.commentMaxLength)
      issues.push({
        path: record.commentSource,
        message: `the DNS record comment "${record.comment}" is ${record.comment.length} characters, over homelab:dns.commentMaxLength (${c.dns.commentMaxLength}); shorten it, or raise the limit to 500 on a paid Cloudflare plan`,
      });
  }
  return issues;
}
