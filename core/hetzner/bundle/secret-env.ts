/**
 * Which secret goes into which env file on the VPS. Pulumi writes these over
 * SSH (mode 0600, root) and the rendered bundle only refers to them by path.
 * The other secrets on bifrost are made there and never leave it except as
 * noted: NetBird's API token and setup keys (netbird-lan.py, on the state
 * volume, 0600), and bifrost's own agent env file, which netbird-lan.py
 * writes from its setup key (LOCAL_SECRET_FILES).
 */
import type { SecretName } from "../../secrets";

/** Secret env files bootstrap.sh makes on the VPS itself (never removed as stale). */
export const LOCAL_SECRET_FILES = { netbirdAgent: "netbird-agent.env" } as const;

/**
 * Secrets the hetzner stack generates itself (`@pulumi/random`, kept in
 * Pulumi state) instead of reading them from sops: the credentials that
 * claim Authentik's and NetBird's admin accounts before either is reachable.
 */
export const GENERATED_SECRETS = ["authentikBootstrapPassword", "authentikBootstrapToken", "netbirdOwnerPassword"] as const;
export type GeneratedSecret = (typeof GENERATED_SECRETS)[number];

/** A secret from the sops table (core/secrets.ts) or one the stack generates. */
export type BundleSecret = SecretName | GeneratedSecret;

export function isGeneratedSecret(name: string): name is GeneratedSecret {
  return (GENERATED_SECRETS as readonly string[]).includes(name);
}

export interface SecretEnvFile {
  /** File name under `<dir>/secrets/`. */
  readonly file: string;
  /** Variable in the file → secret from the table in core/secrets.ts, or a generated one. */
  readonly vars: Readonly<Record<string, BundleSecret>>;
  /** Why the file exists, for the reader of the plan. */
  readonly purpose: string;
}

export function secretEnvFiles(): SecretEnvFile[] {
  return [
    // No Cloudflare token on bifrost: Traefik gets its certificates through
    // the TLS-ALPN-01 challenge (traefik.ts), so the public VPS holds no
    // credential that could edit DNS.
    { file: "postgres.env", vars: { POSTGRES_PASSWORD: "AUTHENTIK_POSTGRES_PASSWORD" }, purpose: "Authentik's Postgres superuser" },
    {
      file: "authentik.env",
      // The bootstrap pair is read by the system blueprint
      // blueprints/system/bootstrap.yaml (goauthentik/authentik), which the
      // worker applies on first start: akadmin gets the password and an API
      // token with this key. With akadmin's password set, the initial-setup
      // flow's policy (default-oobe-password-usable in
      // blueprints/default/flow-oobe.yaml) denies the flow, so it is never
      // open. Server and worker share this file, so whichever applies the
      // blueprint sees the values.
      vars: {
        AUTHENTIK_SECRET_KEY: "AUTHENTIK_SECRET_KEY",
        AUTHENTIK_POSTGRESQL__PASSWORD: "AUTHENTIK_POSTGRES_PASSWORD",
        AUTHENTIK_BOOTSTRAP_PASSWORD: "authentikBootstrapPassword",
        AUTHENTIK_BOOTSTRAP_TOKEN: "authentikBootstrapToken",
      },
      purpose: "Authentik server and worker (secret key, database password, bootstrap admin password and API token)",
    },
    {
      file: "netbird-server.env",
      vars: {
        NETBIRD_RELAY_SECRET: "NETBIRD_RELAY_SECRET",
        NETBIRD_DATASTORE_ENCRYPTION_KEY: "NETBIRD_DATASTORE_ENCRYPTION_KEY",
      },
      purpose: "NetBird server config (relay secret, store key), filled in on the VPS by bootstrap.sh",
    },
    {
      // Read only by netbird-lan.py, which claims the instance through
      // NetBird's setup call on the Docker network (never through Traefik)
      // and keeps the API token it gets back on the state volume.
      file: "netbird-api.env",
      vars: { NETBIRD_OWNER_PASSWORD: "netbirdOwnerPassword" },
      purpose: "NetBird owner's password, for the setup call that claims the instance and returns the API token",
    },
  ];
}

/**
 * `KEY='value'` lines, readable by both `docker compose` (single quotes: no
 * interpolation) and `bash` (`source`). Values that could break out of the
 * quotes are refused, naming the variable but never the value.
 */
export function formatEnvFile(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new Error(`env file: invalid variable name ${key}`);
      if (/['\n\r\0]/.test(value))
        throw new Error(`env file: the value of ${key} contains a quote or line break, which env files cannot carry safely; regenerate that secret`);
      return `${key}='${value}'\n`;
    })
    .join("");
}
