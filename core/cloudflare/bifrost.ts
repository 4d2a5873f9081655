/**
 * bifrost's public addresses, read from the hetzner stack's outputs. That
 * stack owns Primary IPs that outlive the server, so these stay valid across a
 * rebuild and this stack only changes when the addresses really do.
 */
import * as pulumi from "@pulumi/pulumi";
import { isIPv4, isIPv6 } from "../net/ipv4";

export interface BifrostAddresses {
  readonly ipv4: pulumi.Output<string>;
  /** Undefined when IPv6 records are turned off. */
  readonly ipv6?: pulumi.Output<string>;
}

export interface BifrostArgs {
  /** Fully qualified hetzner stack name (homelab:stackRefs.hetzner). */
  readonly stack: string;
  readonly ipv6: boolean;
}

export function bifrostAddresses(name: string, args: BifrostArgs): BifrostAddresses {
  const ref = new pulumi.StackReference(name, { name: args.stack });
  const address = (key: "ipv4" | "ipv6", valid: (v: string) => boolean, example: string) =>
    // requireOutput fails the deployment when the output is missing, instead of
    // publishing an empty record; the check catches a changed output shape
    // (a CIDR instead of an address) before Cloudflare sees it.
    ref.requireOutput(key).apply((value: unknown) => {
      if (typeof value !== "string" || !valid(value))
        throw new Error(
          `stack ${args.stack} output "${key}" must be a single address like ${example}, got ${JSON.stringify(value)}`,
        );
      return value;
    });
  return {
    ipv4: address("ipv4", isIPv4, "203.0.113.10"),
    ...(args.ipv6 ? { ipv6: address("ipv6", isIPv6, "2001:db8::1") } : {}),
  };
}
