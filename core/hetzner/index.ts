/**
 * The `hetzner` stack (docs/architecture.md#hetzner): bifrost, the public edge VPS, and the
 * Traefik + NetBird + Authentik + Gatus bundle it runs.
 *
 *   config.ts          keys of Pulumi.hetzner.yaml and their cross-field rules
 *   firewall-rules.ts  inbound rules as data
 *   cloud-init.ts      OS preparation (user data)
 *   edge-server.ts     SSH key, primary IPs, firewall, server
 *   bundle/            compose, Traefik, NetBird, Gatus configs, bootstrap.sh, and
 *                      netbird-lan.ts/.py (NetBird's path to the LAN: rendered, then made on the VPS)
 *   bundle-delivery.ts copy over SSH, secret env files, bootstrap run
 */
import * as hcloud from "@pulumi/hcloud";
import { defineStack } from "../stack";
import { AdminCredentials } from "./admin-credentials";
import { isGeneratedSecret, renderBundle, servedHostnames } from "./bundle";
import { BifrostBundle } from "./bundle-delivery";
import { checkCatalogue } from "./catalogue";
import { hetznerShape, validateHetzner } from "./config";
import { EdgeServer } from "./edge-server";
import { planFirewallRules } from "./firewall-rules";
import { ownerEmail } from "./bundle/netbird";

export default defineStack({
  name: "hetzner",
  shape: hetznerShape,
  rules: validateHetzner,
  run: async (config, secrets) => {
    const provider = new hcloud.Provider("hcloud", { token: secrets.require("HCLOUD_TOKEN") });
    // Hetzner's catalogue says yes before anything is created (a CatalogueError otherwise).
    await checkCatalogue({ serverType: config.hcloud.serverType, location: config.hcloud.location, image: config.hcloud.image, provider });

    const edge = new EdgeServer(config.hcloud.name, {
      name: config.hcloud.name,
      location: config.hcloud.location,
      serverType: config.hcloud.serverType,
      image: config.hcloud.image,
      labels: config.hcloud.labels,
      publicKey: config.ssh.publicKey,
      existingKeyName: config.ssh.existingKeyName,
      adminUser: config.ssh.user,
      docker: config.bifrost.docker,
      extraPackages: config.bifrost.packages,
      firewallRules: planFirewallRules(config),
      volumeSize: config.hcloud.volumeSize,
      backups: config.hcloud.backups,
      allowReplace: config.hcloud.allowReplace,
      provider,
    });

    const credentials = new AdminCredentials(`${config.hcloud.name}-credentials`);
    const bundle = renderBundle(config);
    const delivered = config.bifrost.deliver
      ? new BifrostBundle(
        `${config.hcloud.name}-bundle`,
        {
          host: edge.ipv4,
          user: config.ssh.user,
          privateKey: secrets.require("BIFROST_SSH_PRIVATE_KEY"),
          hostKey: edge.hostKey,
          dir: config.bifrost.dir,
          files: bundle.files,
          bundleHash: bundle.hash,
          secretFiles: bundle.secretFiles,
          secret: (name) => (isGeneratedSecret(name) ? credentials.get(name) : secrets.require(name)),
          serverId: edge.serverId,
          stateDevice: edge.stateDevice,
        },
        { dependsOn: [edge] },
      )
      : undefined;

    return {
      ipv4: edge.ipv4,
      ipv6: edge.ipv6,
      serverId: edge.serverId,
      // For known_hosts: `bifrost ssh-ed25519 AAAA…`.
      sshHostKey: edge.hostKey,
      hostnames: servedHostnames(config),
      // Secret outputs: the authentik stack reads the token as its provider
      // token; the operator reads the passwords with --show-secrets.
      authentikBootstrapPassword: credentials.authentikBootstrapPassword,
      authentikBootstrapToken: credentials.authentikBootstrapToken,
      netbirdOwnerEmail: ownerEmail(config),
      netbirdOwnerPassword: credentials.netbirdOwnerPassword,
      // The platform stack's LAN routing peer enrols with it (secret).
      ...(delivered ? { netbirdLanSetupKey: delivered.lanSetupKey } : {}),
    };
  },
});
