/**
 * Hetzner Cloud answers: numeric ids as strings (as the provider returns
 * them), addresses from the documentation ranges (203.0.113.0/24,
 * 2001:db8::/32), all derived from the logical name so renders are stable.
 */
import { stableHex, stableNumber, type ProviderMocks } from "./types";

const id = (seed: string) => String(10_000_000 + stableNumber(seed, 89_999_999));

function ipv6Prefix(seed: string): string {
  return `2001:db8:${stableNumber(seed, 0xfffe).toString(16)}::`;
}

export const hcloudMocks: ProviderMocks = {
  resources: {
    "hcloud:index/primaryIp:PrimaryIp": (args) => {
      const type = String(args.inputs["type"]);
      if (type === "ipv6")
        return { id: id(args.name), state: { ipAddress: ipv6Prefix(args.name), ipNetwork: `${ipv6Prefix(args.name)}/64`, datacenter: `${String(args.inputs["location"])}-dc14` } };
      return { id: id(args.name), state: { ipAddress: `203.0.113.${stableNumber(args.name, 240) + 9}`, ipNetwork: "", datacenter: `${String(args.inputs["location"])}-dc14` } };
    },
    "hcloud:index/server:Server": (args) => {
      const prefix = ipv6Prefix(`${args.name}-ipv6`);
      return {
        id: id(args.name),
        state: {
          ipv4Address: `203.0.113.${stableNumber(`${args.name}-ipv4`, 240) + 9}`,
          ipv6Address: `${prefix}1`,
          ipv6Network: `${prefix}/64`,
          status: "running",
          primaryDiskSize: 40,
        },
      };
    },
    "hcloud:index/firewall:Firewall": (args) => ({ id: id(args.name) }),
    "hcloud:index/sshKey:SshKey": (args) => ({
      id: id(args.name),
      state: { fingerprint: stableHex(args.name, 32).replace(/(..)(?!$)/g, "$1:") },
    }),
  },
  invokes: {
    "hcloud:index/getSshKey:getSshKey": (args) => {
      const name = String(args.inputs["name"] ?? "existing-key");
      return {
        id: Number(id(`ssh-key-${name}`)),
        name,
        fingerprint: stableHex(name, 32).replace(/(..)(?!$)/g, "$1:"),
        publicKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${stableHex(name, 43)} ${name}`,
        labels: {},
      };
    },
  },
};
