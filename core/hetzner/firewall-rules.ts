/**
 * The bifrost firewall as data: one inbound rule per purpose, each with a
 * description saying why it is open. Hetzner firewalls deny every inbound
 * packet no rule allows and allow all outbound traffic when there are no
 * outbound rules, which is what the edge needs (ACME, image pulls, NetBird).
 */
import type { HetznerConfig } from "./config";

export interface FirewallRule {
  readonly direction: "in";
  readonly protocol: "tcp" | "udp" | "icmp";
  /** A port or a range `from-to`; absent for ICMP. */
  readonly port?: string;
  readonly sourceIps: string[];
  readonly description: string;
}

export const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** Inbound rules derived from config; SSH appears only when admin CIDRs are set. */
export function planFirewallRules(c: Pick<HetznerConfig, "firewall" | "netbird">): FirewallRule[] {
  const rules: FirewallRule[] = [
    { direction: "in", protocol: "tcp", port: "80", sourceIps: ANYWHERE, description: "HTTP: ACME fallback and redirect to HTTPS (Traefik)" },
    { direction: "in", protocol: "tcp", port: "443", sourceIps: ANYWHERE, description: "HTTPS: public services, Authentik, NetBird management/signal/relay (Traefik)" },
  ];
  if (c.firewall.adminCidrs.length > 0)
    rules.push({
      direction: "in",
      protocol: "tcp",
      port: "22",
      sourceIps: [...c.firewall.adminCidrs],
      description: "SSH for admins and Pulumi delivery, from homelab:firewall.adminCidrs only",
    });
  for (const p of c.netbird.stunPorts)
    rules.push({ direction: "in", protocol: "udp", port: String(p), sourceIps: ANYWHERE, description: "NetBird STUN: peers discover their public address for NAT traversal" });
  if (c.netbird.agent)
    rules.push({
      direction: "in",
      protocol: "udp",
      port: String(c.netbird.peerPort),
      sourceIps: ANYWHERE,
      description: "NetBird WireGuard of the bifrost routing peer: direct peer connections instead of relayed ones",
    });
  const range = c.netbird.relayPortRange;
  if (range)
    rules.push({
      direction: "in",
      protocol: "udp",
      port: range.from === range.to ? String(range.from) : `${range.from}-${range.to}`,
      sourceIps: ANYWHERE,
      description: "TURN relay port range (homelab:netbird.relayPortRange) for peers that cannot connect directly",
    });
  if (c.firewall.allowIcmp)
    rules.push({ direction: "in", protocol: "icmp", sourceIps: ANYWHERE, description: "ICMP: ping and path-MTU discovery (IPv6 needs packet-too-big)" });
  return rules;
}
