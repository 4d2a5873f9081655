/**
 * CAA records at the domain: which CA may issue certificates for it and every
 * name below it (CAs look up CAA from the certificate's name upwards, RFC 8659
 * §3, so one set at the domain covers the wildcard and every service). Proxied
 * records still get Cloudflare's edge certificates: Cloudflare adds CAA
 * entries for its own CAs automatically when Universal SSL is on.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { AUTOMATIC_TTL } from "./host-records";
import type { CaaPlan } from "./plan";

export interface CaaPolicyArgs {
  readonly zoneId: pulumi.Input<string>;
  readonly records: readonly CaaPlan[];
  readonly provider: cloudflare.Provider;
}

export class CaaPolicy extends pulumi.ComponentResource {
  readonly records: cloudflare.DnsRecord[];

  constructor(name: string, args: CaaPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:cloudflare:CaaPolicy", name, {}, opts);
    this.records = args.records.map(
      (r) =>
        new cloudflare.DnsRecord(
          `${name}-${r.tag}`,
          {
            zoneId: args.zoneId,
            name: r.hostname, // the FQDN, as for the address records (see host-records.ts)
            type: "CAA",
            // flags 0: not critical, so a CA that does not know a tag ignores it.
            data: { flags: 0, tag: r.tag, value: r.value },
            ttl: AUTOMATIC_TTL,
            comment: r.comment,
          },
          { parent: this, provider: args.provider },
        ),
    );
    this.registerOutputs({});
  }
}
