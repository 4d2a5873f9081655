/**
 * The bifrost VPS on Hetzner Cloud: SSH key, primary IPv4/IPv6 that outlive
 * the server, a least-privilege firewall and the server itself.
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { renderCloudInit } from "./cloud-init";
import type { FirewallRule } from "./firewall-rules";

export interface EdgeServerArgs {
  /** Server name and hostname. */
  readonly name: string;
  readonly location: string;
  readonly serverType: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Register this public key in Hetzner… */
  readonly publicKey?: string;
  /** …or use a key already in the project, looked up by name. */
  readonly existingKeyName?: string;
  readonly adminUser: string;
  readonly docker: "distro" | "upstream";
  readonly extraPackages: readonly string[];
  readonly firewallRules: readonly FirewallRule[];
  /** Size in GB of the state volume. */
  readonly volumeSize: number;
  /** Hetzner's daily server backups. */
  readonly backups: boolean;
  /** Lift the server's protection so a replacing change can run. */
  readonly allowReplace: boolean;
  readonly provider: hcloud.Provider;
}

export class EdgeServer extends pulumi.ComponentResource {
  /** The primary IPv4 address (stable across server replacement). */
  readonly ipv4: pulumi.Output<string>;
  /** The server's IPv6 address (`::1` of the primary IPv6 /64, stable likewise). */
  readonly ipv6: pulumi.Output<string>;
  readonly serverId: pulumi.Output<string>;
  /** bifrost's SSH host public key (`ssh-ed25519 AAAA…`): every SSH connection pins it. */
  readonly hostKey: pulumi.Output<string>;
  readonly server: hcloud.Server;
  /** The state volume, attached to the server. */
  readonly volume: hcloud.Volume;
  /** Its device path on the server, by id (`/dev/disk/by-id/scsi-0HC_Volume_<id>`). */
  readonly stateDevice: pulumi.Output<string>;

  constructor(name: string, args: EdgeServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:hetzner:EdgeServer", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const labels = { ...args.labels, role: "edge", "managed-by": "pulumi" };

    const key = this.sshKey(name, args, labels, child);
    const [ipv4, ipv6] = (["ipv4", "ipv6"] as const).map(
      (type) =>
        new hcloud.PrimaryIp(
          `${name}-${type}`,
          {
            name: `${args.name}-${type}`,
            type,
            location: args.location,
            assigneeType: "server",
            // The addresses DNS points at must survive a server rebuild or
            // replacement: never deleted with the server, and protected.
            autoDelete: false,
            deleteProtection: true,
            labels,
          },
          { ...child, protect: true },
        ),
    ) as [hcloud.PrimaryIp, hcloud.PrimaryIp];

    const firewall = new hcloud.Firewall(
      `${name}-firewall`,
      { name: `${args.name}-edge`, labels, rules: args.firewallRules.map((r) => ({ ...r })) },
      child,
    );

    // bifrost's SSH host key, generated here so Pulumi knows it before the
    // server exists and can pin it on every connection (hostKey) instead of
    // trusting whatever answers first on the address. The trade-off: the
    // private host key lives in the Pulumi state (a secret, encrypted with
    // the stack's secrets provider) and in the server's Hetzner user data,
    // which Hetzner keeps and serves to the server from its metadata
    // service; anyone who can read either can impersonate bifrost to an SSH
    // client, though not log in to it. The alternative, trusting the first
    // key seen, leaves the first connection (which carries every secret)
    // open to a machine in the middle. The key outlives server replacement,
    // so a rebuilt bifrost presents the same key.
    const hostKey = new tls.PrivateKey(`${name}-host-key`, { algorithm: "ED25519" }, { parent: this });
    this.hostKey = hostKey.publicKeyOpenssh.apply((k) => k.trim());

    this.server = new hcloud.Server(
      `${name}-server`,
      {
        name: args.name,
        serverType: args.serverType,
        image: args.image,
        location: args.location,
        labels,
        // Both flags must match in Hetzner; together they stop an accidental
        // delete or reinstall. homelab:hcloud.allowReplace lifts them, and
        // Pulumi's own protection below, for a deliberate rebuild.
        deleteProtection: !args.allowReplace,
        rebuildProtection: !args.allowReplace,
        backups: args.backups,
        // A replacement deletes the old server first: shut it down cleanly so
        // Docker stops Postgres before the volume is detached.
        shutdownBeforeDeletion: true,
        // Without a key Hetzner mails a root password; with one, root gets
        // the key, which cloud-init then disables in favour of the admin user.
        sshKeys: [key.id],
        firewallIds: [firewall.id.apply(Number)],
        publicNets: [{ ipv4Enabled: true, ipv4: ipv4.id.apply(Number), ipv6Enabled: true, ipv6: ipv6.id.apply(Number) }],
        // Secret, because it carries the private host key.
        userData: pulumi.secret(
          pulumi.all([key.publicKey, hostKey.privateKeyOpenssh, hostKey.publicKeyOpenssh]).apply(([publicKey, privateKey, hostPublicKey]) =>
            renderCloudInit({
              hostname: args.name,
              user: args.adminUser,
              publicKey,
              docker: args.docker,
              extraPackages: args.extraPackages,
              hostKey: { privateKey, publicKey: hostPublicKey },
            }),
          ),
        ),
      },
      {
        ...child,
        // Replacing the server (image, location, user data, SSH key all force
        // one, terraform-provider-hcloud internal/server/resource.go) must
        // delete the old one first: the name is unique in the project and
        // each primary IP can be assigned to one server only.
        deleteBeforeReplace: true,
        // Pulumi refuses a replacement at preview while this is set; the
        // engine accepts lifting it in the same `up` as the replacement.
        protect: !args.allowReplace,
      },
    );

    // All state lives here, never on the server's disk. Attached through the
    // volume's own server_id (not a VolumeAttachment): server_id is updatable
    // (internal/volume/resource.go), so replacing the server re-attaches
    // the volume after the new server exists, and nothing is detached before
    // the old server is gone. Created in the server's location (Hetzner
    // takes the location from the server when server_id is set).
    this.volume = new hcloud.Volume(
      `${name}-state`,
      {
        name: `${args.name}-state`,
        size: args.volumeSize,
        serverId: this.server.id.apply(Number),
        // Formatted once, at creation; bootstrap.sh never formats.
        format: "ext4",
        // bootstrap.sh mounts it by id (with an fstab entry docker waits for).
        automount: false,
        deleteProtection: true,
        labels: { ...labels, role: "edge-state" },
      },
      { ...child, protect: true },
    );
    this.stateDevice = this.volume.linuxDevice;

    this.ipv4 = ipv4.ipAddress;
    this.ipv6 = this.server.ipv6Address;
    this.serverId = this.server.id;
    this.registerOutputs({ ipv4: this.ipv4, ipv6: this.ipv6, serverId: this.serverId, hostKey: this.hostKey });
  }

  /** The key id for the server and its public half for cloud-init. */
  private sshKey(
    name: string,
    args: EdgeServerArgs,
    labels: Record<string, string>,
    child: pulumi.CustomResourceOptions,
  ): { id: pulumi.Output<string>; publicKey: pulumi.Output<string> } {
    if (args.publicKey !== undefined) {
      // A new public key replaces the key (public_key forces one,
      // internal/sshkey/resource.go) under the same unique name: delete first.
      const key = new hcloud.SshKey(`${name}-ssh-key`, { name: `${args.name}-admin`, publicKey: args.publicKey, labels }, { ...child, deleteBeforeReplace: true });
      return { id: key.id, publicKey: key.publicKey };
    }
    const found = hcloud.getSshKeyOutput({ name: args.existingKeyName }, { parent: this, provider: args.provider });
    return { id: found.apply((k) => String(k.id)), publicKey: found.publicKey };
  }
}
