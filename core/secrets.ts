/**
 * The secrets contract (docs/config.md): one table saying which secret each stack
 * needs. Values come from environment variables injected by
 * `sops exec-env secrets/bootstrap.sops.yaml` and are wrapped with
 * `pulumi.secret` the moment they are read, so nothing downstream can leak
 * them into a plain output or a log line.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MissingSecretsError } from "./config/errors";
import type { StackName } from "./stacks";

export interface SecretSpec {
  /** Stacks that read this secret. */
  readonly stacks: readonly StackName[];
  /**
   * Required by every run of those stacks. `false` means optional, or
   * required only when config says so (the stack's `requiredSecrets`).
   */
  readonly required: boolean;
  /** One line on how to obtain the value (copied into bootstrap.sops.yaml.example). */
  readonly obtain: string;
  /**
   * What the value may contain, where a target format cannot carry
   * everything: checked when the secret is read, before any resource exists.
   */
  readonly format?: SecretFormat;
}

export interface SecretFormat {
  readonly pattern: RegExp;
  /** Why, and what is expected (never shows the value). */
  readonly expected: string;
}

/**
 * Values written into the bundle's env files as `KEY='value'`: docker
 * compose reads single-quoted values literally and bash sources them, but
 * neither can carry a single quote or a line break inside (compose-go
 * dotenv has no escape in single quotes; double quotes would interpolate `$`).
 */
const ENV_FILE_VALUE: SecretFormat = {
  pattern: /^[^'\n\r\0]+$/,
  expected: "it is written into a single-quoted env file on bifrost, which cannot carry a single quote or a line break",
};

/**
 * Values bootstrap.sh substitutes into NetBird's YAML config with envsubst:
 * the base64 alphabet (what `openssl rand -base64` prints) needs no escaping.
 */
const NETBIRD_CONFIG_VALUE: SecretFormat = {
  pattern: /^[A-Za-z0-9+/=._-]+$/,
  expected: "it is substituted into NetBird's YAML config on bifrost; use letters, digits and + / = . _ - only (openssl rand -base64 32)",
};

export const SECRETS = {
  PROXMOX_API_TOKEN: {
    stacks: ["talos"],
    required: false,
    obtain: "Proxmox: Datacenter → Permissions → API Tokens → Add (privilege separation off); the UUID secret shown once. Needed when homelab:proxmox.auth is token.",
  },
  PROXMOX_PASSWORD: {
    stacks: ["talos"],
    required: false,
    obtain: "Password of the Proxmox user in homelab:proxmox.username. Needed when homelab:proxmox.auth is password.",
  },
  // Cloudflare API tokens are scoped by permission group and by zone (or
  // account), never by record: a token with Zone:DNS:Edit on a zone can
  // change every record in it (developers.cloudflare.com, "API token
  // permissions" and "Restrict tokens"; client IP ranges and TTL are the
  // only further conditions). So each job gets its own token, and the
  // public VPS gets none: bifrost's Traefik proves control over its names
  // with the TLS-ALPN-01 challenge on 443 instead of DNS-01.
  CLOUDFLARE_API_TOKEN: {
    stacks: ["cloudflare"],
    required: true,
    obtain:
      "Pulumi's DNS records. Cloudflare dashboard → My Profile → API Tokens → Create Token: permissions Zone:DNS:Edit and Zone:Zone:Read, zone resources: Include → Specific zone → the domain's zone. Used only on the laptop that runs Pulumi.",
  },
  CLOUDFLARE_DNS01_API_TOKEN: {
    stacks: ["platform"],
    required: false,
    obtain:
      "cert-manager's DNS-01 challenges in the cluster (referenced by homelab:bootstrapSecrets). A second token, not the one Pulumi uses: Create Token with Zone:DNS:Edit and Zone:Zone:Read, zone resources: Include → Specific zone → the domain's zone (Cloudflare cannot narrow it to _acme-challenge records). Revoke it to stop certificate renewals without touching DNS management.",
  },
  HCLOUD_TOKEN: {
    stacks: ["hetzner"],
    required: true,
    obtain: "Hetzner Cloud console → project → Security → API tokens → Generate (Read & Write).",
  },
  BIFROST_SSH_PRIVATE_KEY: {
    stacks: ["hetzner"],
    required: true,
    obtain: "Private half of the key in homelab:ssh (ssh-keygen -t ed25519 -f bifrost); paste the OpenSSH PEM block.",
  },
  AUTHENTIK_SECRET_KEY: {
    stacks: ["hetzner"],
    required: true,
    obtain: "Random, at least 50 characters: openssl rand -base64 60 | tr -d '\\n'. Never change it after first start.",
    format: ENV_FILE_VALUE,
  },
  AUTHENTIK_POSTGRES_PASSWORD: {
    stacks: ["hetzner"],
    required: true,
    obtain: "Random: openssl rand -base64 36 | tr -d '\\n'.",
    format: ENV_FILE_VALUE,
  },
  NETBIRD_RELAY_SECRET: {
    stacks: ["hetzner"],
    required: true,
    obtain: "Random shared secret between NetBird management and relay: openssl rand -base64 32.",
    format: NETBIRD_CONFIG_VALUE,
  },
  NETBIRD_DATASTORE_ENCRYPTION_KEY: {
    stacks: ["hetzner"],
    required: true,
    obtain: "32 random bytes, base64: openssl rand -base64 32. Encrypts NetBird's store; never change it after first start.",
    format: NETBIRD_CONFIG_VALUE,
  },
  GITHUB_OAUTH_CLIENT_SECRET: {
    stacks: ["authentik"],
    required: true,
    obtain: "GitHub → Settings → Developer settings → OAuth Apps → your Authentik app → Generate a new client secret.",
  },
  ARGOCD_OIDC_CLIENT_SECRET: {
    stacks: ["authentik", "platform"],
    required: false,
    obtain: "Random: openssl rand -hex 32. Shared by Authentik (OIDC client) and Argo CD (bootstrap Secret).",
  },
  GRAFANA_OIDC_CLIENT_SECRET: {
    stacks: ["authentik", "platform"],
    required: false,
    obtain: "Random: openssl rand -hex 32. Shared by Authentik (OIDC client) and Grafana (bootstrap Secret).",
  },
} as const satisfies Record<string, SecretSpec>;

export type SecretName = keyof typeof SECRETS;

export function isSecretName(name: string): name is SecretName {
  return Object.hasOwn(SECRETS, name);
}

/** Secrets this stack always needs, plus those its config asks for. */
export function secretsFor(stack: StackName, requiredByConfig: readonly SecretName[] = []): {
  required: SecretName[];
  optional: SecretName[];
} {
  const names = (Object.keys(SECRETS) as SecretName[]).filter((n) =>
    (SECRETS[n].stacks as readonly StackName[]).includes(stack),
  );
  const required = new Set<SecretName>([
    ...names.filter((n) => SECRETS[n].required),
    ...requiredByConfig,
  ]);
  return {
    required: [...required].sort(),
    optional: names.filter((n) => !required.has(n)).sort(),
  };
}

/** Secret values of one stack run, each a Pulumi secret. */
export class StackSecrets {
  constructor(
    private readonly stack: StackName,
    private readonly values: ReadonlyMap<SecretName, pulumi.Output<string>>,
  ) {}

  /** A secret the stack declared as required (in the table or by config). */
  require(name: SecretName): pulumi.Output<string> {
    const value = this.values.get(name);
    if (!value)
      throw new Error(
        `bug: stack "${this.stack}" read secret ${name}, which it does not declare as required (core/secrets.ts)`,
      );
    return value;
  }

  /** An optional secret, or undefined when it is not set. */
  get(name: SecretName): pulumi.Output<string> | undefined {
    return this.values.get(name);
  }

  /** Names present in this run, for tests. */
  names(): SecretName[] {
    return [...this.values.keys()].sort();
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads the stack's secrets from the environment. Throws one error naming
 * every missing required key; wraps each value with `pulumi.secret`.
 */
export function readSecrets(
  stack: StackName,
  env: Environment,
  requiredByConfig: readonly SecretName[] = [],
): StackSecrets {
  const { required, optional } = secretsFor(stack, requiredByConfig);
  const missing = required.filter((n) => !env[n]);
  if (missing.length > 0) throw new MissingSecretsError(stack, missing);
  const unfit = [...required, ...optional].flatMap((name) => {
    const value = env[name];
    const format: SecretFormat | undefined = (SECRETS[name] as SecretSpec).format;
    return value && format && !format.pattern.test(value) ? [{ name, expected: format.expected }] : [];
  });
  if (unfit.length > 0) throw new InvalidSecretsError(stack, unfit);
  const values = new Map<SecretName, pulumi.Output<string>>();
  for (const name of [...required, ...optional]) {
    const value = env[name];
    if (value) values.set(name, pulumi.secret(value));
  }
  return new StackSecrets(stack, values);
}

/**
 * Secret values a target format cannot carry. A RunError: the message names
 * each secret and why, never its value, and the CLI prints it without a
 * stack trace.
 */
export class InvalidSecretsError extends pulumi.RunError {
  override readonly name = "InvalidSecretsError";

  constructor(
    readonly stackName: string,
    readonly problems: ReadonlyArray<{ name: SecretName; expected: string }>,
  ) {
    super(
      [
        `Unusable secret value${problems.length === 1 ? "" : "s"} for stack "${stackName}":`,
        ...problems.map((p) => `  - ${p.name}: ${p.expected}`),
        "Regenerate the value and store it with `just secrets-edit`.",
      ].join("\n"),
    );
  }
}

/**
 * Placeholder values for the offline render: every secret in the table, with a
 * recognisable value that is still treated as a secret everywhere.
 */
export function placeholderSecrets(): Record<SecretName, string> {
  return Object.fromEntries(
    (Object.keys(SECRETS) as SecretName[]).map((n) => [n, `placeholder-${n.toLowerCase().replace(/_/g, "-")}`]),
  ) as Record<SecretName, string>;
}

/** A config value naming a secret from the table above (never the value itself). */
export const secretRef = z.string().refine(isSecretName, {
  error: (issue) => `expected the name of a secret in core/secrets.ts (one of ${Object.keys(SECRETS).join(", ")}), got ${JSON.stringify(issue.input)}; add new secrets to the table and to secrets/bootstrap.sops.yaml`,
});
