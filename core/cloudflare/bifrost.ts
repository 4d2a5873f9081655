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
  // requireOutput fails the deployment when the output is missing, instead of
  // publishing an empty record; checkAddress catches a changed output shape
  // (a CIDR instead of an address) before Cloudflare sees it.
  const address = (key: AddressKey) => ref.requireOutput(key).apply((value: unknown) => checkAddress(args.stack, key, value));
  return {
    ipv4: address("ipv4"),
    ...(args.ipv6 ? { ipv6: address("ipv6") } : {}),
  };
}

type AddressKey = "ipv4" | "ipv6";

const ADDRESS_FORMS: Record<AddressKey, { valid: (v: string) => boolean; example: string }> = {
  ipv4: { valid: isIPv4, example: "203.0.113.10" },
  ipv6: { valid: isIPv6, example: "2001:db8::1" },
};

/** The output value when it is a single address of the right family; a clear error otherwise. */
export function checkAddress(stack: string, key: AddressKey, value: unknown): string {
  const form = ADDRESS_FORMS[key];
  if (typeof value !== "string" || !form.valid(value))
    throw new Error(`stack ${stack} output "${key}" must be a single address like ${form.example}, got ${JSON.stringify(value)}`);
  return value;
}
