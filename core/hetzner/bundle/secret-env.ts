/**
 * Which secret goes into which env file on the VPS. These files are the only
 * place secret values exist on bifrost: Pulumi writes them over SSH (mode
 * 0600, root) and the rendered bundle only refers to them by path.
 */
import type { SecretName } from "../../secrets";
import type { BundleConfig } from "./model";

export interface SecretEnvFile {
  /** File name under `<dir>/secrets/`. */
  readonly file: string;
  /** Variable in the file → secret from the table in core/secrets.ts. */
  readonly vars: Readonly<Record<string, SecretName>>;
  /** Why the file exists, for the reader of the plan. */
  readonly purpose: string;
}

export function secretEnvFiles(c: Pick<BundleConfig, "netbird">): SecretEnvFile[] {
  const files: SecretEnvFile[] = [
    { file: "traefik.env", vars: { CF_DNS_API_TOKEN: "CLOUDFLARE_API_TOKEN" }, purpose: "Traefik ACME DNS-01 challenges in the Cloudflare zone" },
    { file: "postgres.env", vars: { POSTGRES_PASSWORD: "AUTHENTIK_POSTGRES_PASSWORD" }, purpose: "Authentik's Postgres superuser" },
    {
      file: "authentik.env",
      vars: { AUTHENTIK_SECRET_KEY: "AUTHENTIK_SECRET_KEY", AUTHENTIK_POSTGRESQL__PASSWORD: "AUTHENTIK_POSTGRES_PASSWORD" },
      purpose: "Authentik server and worker",
    },
    {
      file: "netbird-server.env",
      vars: { NETBIRD_RELAY_SECRET: "NETBIRD_RELAY_SECRET", NETBIRD_DATASTORE_ENCRYPTION_KEY: "NETBIRD_DATASTORE_ENCRYPTION_KEY" },
      purpose: "NetBird server config, filled in on the VPS by bootstrap.sh",
    },
  ];
  if (c.netbird.agent)
    files.push({ file: "netbird-agent.env", vars: { NB_SETUP_KEY: "NETBIRD_SETUP_KEY" }, purpose: "bifrost routing peer enrolment" });
  return files;
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
