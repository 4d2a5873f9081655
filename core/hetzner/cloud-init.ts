/**
 * The cloud-init user data of bifrost, built as a typed document and
 * serialised once. It prepares the OS only (packages, Docker, the admin
 * user, SSH hardening, security updates); the edge bundle arrives later over
 * SSH, so changing the bundle never touches user data (which would replace
 * the server).
 */
import { stringify } from "yaml";

export interface CloudInitArgs {
  readonly hostname: string;
  /** Non-root admin user Pulumi connects as. */
  readonly user: string;
  /** OpenSSH public key line authorised for that user. */
  readonly publicKey: string;
  /** Docker from Ubuntu's archive or from Docker's apt repository. */
  readonly docker: "distro" | "upstream";
  readonly extraPackages: readonly string[];
}

/** The modules this document uses, in the shape the cloud-config schema defines. */
export interface CloudConfig {
  hostname: string;
  preserve_hostname: boolean;
  package_update: boolean;
  package_upgrade: boolean;
  apt?: { sources: Record<string, { source: string; keyid: string; keyserver: string }> };
  packages: string[];
  users: Array<{
    name: string;
    gecos: string;
    shell: string;
    groups: string[];
    sudo: string;
    lock_passwd: boolean;
    ssh_authorized_keys: string[];
  }>;
  disable_root: boolean;
  ssh_pwauth: boolean;
  write_files: Array<{ path: string; owner: string; permissions: string; content: string }>;
  runcmd: string[][];
}

/** Docker's release signing key (https://download.docker.com/linux/ubuntu/gpg). */
const DOCKER_KEY_FINGERPRINT = "9DC858229FC7DD38854AE2D88D81803C0EBFCD88";

const BASE_PACKAGES = ["ca-certificates", "curl", "gettext-base", "unattended-upgrades", "apt-listchanges"];

const DOCKER_PACKAGES = {
  // Ubuntu ships the compose v2 plugin as its own package next to docker.io.
  distro: ["docker.io", "docker-compose-v2"],
  upstream: ["docker-ce", "docker-ce-cli", "containerd.io", "docker-buildx-plugin", "docker-compose-plugin"],
} as const;

/** Settings that must win over Ubuntu's defaults: sshd reads the first value it finds, so the file sorts early. */
export function sshdHardening(user: string): string {
  return lines([
    "# Managed by Pulumi (homelab hetzner stack). Keys only, no root, admin user only.",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin no",
    "PubkeyAuthentication yes",
    "PermitEmptyPasswords no",
    `AllowUsers ${user}`,
    "MaxAuthTries 3",
    "LoginGraceTime 30",
    "X11Forwarding no",
  ]);
}

export function buildCloudConfig(a: CloudInitArgs): CloudConfig {
  const doc: CloudConfig = {
    hostname: a.hostname,
    preserve_hostname: false,
    package_update: true,
    package_upgrade: true,
    packages: [...new Set([...BASE_PACKAGES, ...DOCKER_PACKAGES[a.docker], ...a.extraPackages])],
    users: [
      {
        name: a.user,
        gecos: "bifrost admin (Pulumi delivery)",
        shell: "/bin/bash",
        groups: ["sudo"],
        // Pulumi's remote commands run unattended, so sudo cannot prompt; the
        // account has no password at all (lock_passwd) and logs in by key only.
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: [a.publicKey],
      },
    ],
    disable_root: true,
    ssh_pwauth: false,
    write_files: [
      {
        path: "/etc/ssh/sshd_config.d/10-bifrost-hardening.conf",
        owner: "root:root",
        permissions: "0644",
        content: sshdHardening(a.user),
      },
      {
        path: "/etc/apt/apt.conf.d/20auto-upgrades",
        owner: "root:root",
        permissions: "0644",
        content: lines(['APT::Periodic::Update-Package-Lists "1";', 'APT::Periodic::Unattended-Upgrade "1";', 'APT::Periodic::AutocleanInterval "7";']),
      },
      {
        // Ubuntu's 50unattended-upgrades already limits origins to -security;
        // this adds the reboot a kernel fix needs, at a quiet hour.
        path: "/etc/apt/apt.conf.d/52bifrost-unattended-upgrades",
        owner: "root:root",
        permissions: "0644",
        content: lines([
          'Unattended-Upgrade::Allowed-Origins { "${distro_id}:${distro_codename}-security"; };',
          'Unattended-Upgrade::Remove-Unused-Dependencies "true";',
          'Unattended-Upgrade::Automatic-Reboot "true";',
          'Unattended-Upgrade::Automatic-Reboot-Time "04:30";',
        ]),
      },
    ],
    runcmd: [
      ["systemctl", "enable", "--now", "docker"],
      ["systemctl", "enable", "--now", "unattended-upgrades"],
      // The drop-in is written after sshd may have started; reload it so the
      // hardening applies before Pulumi's first connection.
      ["systemctl", "try-reload-or-restart", "ssh"],
    ],
  };
  if (a.docker === "upstream")
    doc.apt = {
      sources: {
        docker: {
          source: "deb [signed-by=$KEY_FILE] https://download.docker.com/linux/ubuntu $RELEASE stable",
          keyid: DOCKER_KEY_FINGERPRINT,
          keyserver: "keyserver.ubuntu.com",
        },
      },
    };
  return doc;
}

/** `#cloud-config` user data: the header line cloud-init needs, then the document. */
export function renderCloudInit(a: CloudInitArgs): string {
  return `#cloud-config\n${stringify(buildCloudConfig(a), { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

function lines(items: readonly string[]): string {
  return `${items.join("\n")}\n`;
}
