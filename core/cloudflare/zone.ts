/**
 * The zone the records go into: the configured id, or a look-up by name with
 * the stack's provider (so it uses the same token and fails with the same
 * permissions the records would need).
 */
import * as cloudflare from "@pulumi/cloudflare";
import type * as pulumi from "@pulumi/pulumi";

export interface ZoneArgs {
  /** Zone name to look up, like example.com. */
  readonly name: string;
  /** Known zone id; skips the look-up. */
  readonly zoneId?: string | undefined;
  readonly provider: cloudflare.Provider;
}

export function zoneId(args: ZoneArgs): pulumi.Input<string> {
  if (args.zoneId !== undefined) return args.zoneId;
  return cloudflare.getZoneOutput({ filter: { name: args.name } }, { provider: args.provider }).id;
}
