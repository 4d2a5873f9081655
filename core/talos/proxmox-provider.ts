/**
 * The Proxmox provider, from config and one secret. TLS verification stays on
 * unless config opts out; the credential is a Pulumi secret end to end.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import type { StackSecrets } from "../secrets";
import type { ProxmoxConfig } from "./config";

/**
 * The credential as the Proxmox API takes it (secret): `<user>@<realm>!<token
 * name>=<uuid>` for a token (the `PVEAPIToken=` header), else the password.
 */
export function proxmoxCredential(config: ProxmoxConfig, secrets: StackSecrets): pulumi.Output<string> {
  return config.auth === "token"
    ? pulumi.secret(pulumi.interpolate`${config.tokenId!}=${secrets.require("PROXMOX_API_TOKEN")}`)
    : secrets.require("PROXMOX_PASSWORD");
}

export function proxmoxProvider(name: string, config: ProxmoxConfig, secrets: StackSecrets, opts?: pulumi.ResourceOptions): proxmoxve.Provider {
  const auth: proxmoxve.ProviderArgs =
    config.auth === "token"
      ? { apiToken: proxmoxCredential(config, secrets) }
      : { username: config.username!, password: proxmoxCredential(config, secrets) };
  return new proxmoxve.Provider(
    name,
    {
      endpoint: config.endpoint,
      insecure: config.insecure,
      ...auth,
      ssh: { username: config.ssh.username, agent: config.ssh.agent },
    },
    opts,
  );
}
