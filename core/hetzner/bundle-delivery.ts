/**
 * Delivers the bifrost bundle over SSH and starts it: prepare the bundle
 * directory (after cloud-init finished), copy every rendered file, write the
 * secret env files (content only on stdin, as Pulumi secrets), run
 * bootstrap.sh. The bootstrap re-runs when a rendered file or a secret
 * changes, through hashes in its triggers, never plaintext.
 */
import { remote, types } from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { formatEnvFile, sha256, type BundleFile, type SecretEnvFile } from "./bundle";
import type { SecretName } from "../secrets";

export interface BifrostBundleArgs {
  /** SSH target: bifrost's primary IPv4. */
  readonly host: pulumi.Input<string>;
  readonly user: string;
  /** Private key for `user` (a Pulumi secret). */
  readonly privateKey: pulumi.Input<string>;
  /** Bundle directory on the VPS. */
  readonly dir: string;
  readonly files: readonly BundleFile[];
  /** sha256 of all rendered files. */
  readonly bundleHash: string;
  readonly secretFiles: readonly SecretEnvFile[];
  /** Secret values by name (each a Pulumi secret). */
  readonly secret: (name: SecretName) => pulumi.Output<string>;
  /** Replacing the server re-runs everything. */
  readonly serverId: pulumi.Input<string>;
}

export class BifrostBundle extends pulumi.ComponentResource {
  /** The bootstrap run (its stdout is the bootstrap log). */
  readonly bootstrap: remote.Command;

  constructor(name: string, args: BifrostBundleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:hetzner:BifrostBundle", name, {}, opts);
    const connection: types.input.remote.ConnectionArgs = {
      host: args.host,
      user: args.user,
      privateKey: args.privateKey,
      // cloud-init may still be restarting sshd on a fresh server.
      dialErrorLimit: 30,
    };
    const secretsDir = `${args.dir}/secrets`;

    const prepare = new remote.Command(
      `${name}-prepare`,
      {
        connection,
        // `cloud-init status --wait` exits 2 when it finished with recoverable
        // errors (for example a deprecated key); the bundle can still run.
        create: [
          "set -eu",
          "cloud-init status --wait >/dev/null || [ $? -eq 2 ]",
          `sudo install -d -m 0755 -o "$(id -un)" -g "$(id -gn)" ${args.dir}`,
          `sudo install -d -m 0700 -o root -g root ${secretsDir}`,
        ].join("\n"),
        triggers: [args.serverId],
      },
      { parent: this },
    );

    const copies = args.files.map(
      (file) =>
        new remote.CopyToRemote(
          `${name}-file-${slug(file.path)}`,
          {
            connection,
            source: new pulumi.asset.StringAsset(file.content),
            remotePath: `${args.dir}/${file.path}`,
            triggers: [sha256(file.content), args.serverId],
          },
          { parent: this, dependsOn: [prepare] },
        ),
    );

    const envFiles = args.secretFiles.map((f) => {
      const target = `${secretsDir}/${f.file}`;
      return new remote.Command(
        `${name}-env-${slug(f.file)}`,
        {
          connection,
          // The script is plain; the content arrives on stdin and only lives
          // in a root-owned 0600 file (mktemp creates it 0600 already). No
          // delete step: removing delivery (or closing SSH) must not need a
          // connection, nor strip secrets from running services.
          create: [
            "set -eu",
            `tmp=$(sudo mktemp ${secretsDir}/.${f.file}.XXXXXX)`,
            'sudo tee "$tmp" >/dev/null',
            'sudo chmod 0600 "$tmp"',
            `sudo mv -f "$tmp" ${target}`,
          ].join("\n"),
          stdin: envFileContent(f, args.secret),
          triggers: [args.serverId],
          logging: "stderr",
        },
        { parent: this, dependsOn: [prepare] },
      );
    });

    this.bootstrap = new remote.Command(
      `${name}-bootstrap`,
      {
        connection,
        create: `sudo bash ${args.dir}/bootstrap.sh`,
        // Any change to a rendered file or to a secret re-runs the bootstrap.
        // The secrets' hash is computed inside a secret Output, so it stays
        // secret in state and preview.
        triggers: [args.bundleHash, secretsHash(args.secretFiles, args.secret), args.serverId],
      },
      { parent: this, dependsOn: [...copies, ...envFiles] },
    );
    this.registerOutputs({ bootstrap: this.bootstrap.id });
  }
}

/** The env file text as a Pulumi secret. */
export function envFileContent(f: SecretEnvFile, secret: (name: SecretName) => pulumi.Output<string>): pulumi.Output<string> {
  const names = Object.keys(f.vars);
  return pulumi.secret(
    pulumi.all(names.map((v) => secret(f.vars[v]!))).apply((values) =>
      formatEnvFile(Object.fromEntries(names.map((v, i) => [v, values[i]!]))),
    ),
  );
}

/** One hash over every secret the bundle uses, secret itself. */
export function secretsHash(files: readonly SecretEnvFile[], secret: (name: SecretName) => pulumi.Output<string>): pulumi.Output<string> {
  const names = [...new Set(files.flatMap((f) => Object.values(f.vars)))].sort();
  return pulumi.secret(
    pulumi.all(names.map((n) => secret(n))).apply((values) => sha256(JSON.stringify(names.map((n, i) => [n, values[i]])))),
  );
}

/** Logical-name part from a bundle path: `traefik/dynamic/bifrost.yaml` → `traefik-dynamic-bifrost-yaml`. */
function slug(p: string): string {
  return p.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "");
}
