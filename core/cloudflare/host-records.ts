/**
 * The address records of one hostname: an A record and, when the target has
 * IPv6, an AAAA record with the same settings. One component per hostname, named
 * after it, so a record's identity follows its name and never a list position.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

/** Cloudflare's "automatic" TTL (300 s): short enough that a bifrost rebuild is picked up quickly. */
export const AUTOMATIC_TTL = 1;

export interface HostRecordsArgs {
  readonly zoneId: pulumi.Input<string>;
  /** Fully qualified name, like grafana.lab.example.com. Changing it replaces the records. */
  readonly hostname: string;
  readonly ipv4: pulumi.Input<string>;
  /** No AAAA record when undefined. */
  readonly ipv6?: pulumi.Input<string>;
  /** Orange cloud: traffic goes through Cloudflare's proxy. */
  readonly proxied: boolean;
  /** Which service the records serve and why they exist. */
  readonly comment: string;
  readonly provider: cloudflare.Provider;
}

export class HostRecords extends pulumi.ComponentResource {
  readonly a: cloudflare.DnsRecord;
  readonly aaaa?: cloudflare.DnsRecord;

  constructor(name: string, args: HostRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:cloudflare:HostRecords", name, {}, opts);
    this.a = this.record(name, "A", args.ipv4, args);
    if (args.ipv6 !== undefined) this.aaaa = this.record(name, "AAAA", args.ipv6, args);
    this.registerOutputs({ hostname: args.hostname });
  }

  private record(name: string, type: "A" | "AAAA", content: pulumi.Input<string>, args: HostRecordsArgs) {
    return new cloudflare.DnsRecord(
      `${name}-${type.toLowerCase()}`,
      {
        zoneId: args.zoneId,
        // The full name, never a bare label or "@": provider v5 stores what the
        // API returns (the FQDN), so a short name would drift after every
        // refresh (cloudflare/terraform-provider-cloudflare#7289).
        name: args.hostname,
        type,
        content,
        ttl: AUTOMATIC_TTL,
        proxied: args.proxied,
        comment: args.comment,
      },
      { parent: this, provider: args.provider },
    );
  }
}
