/**
 * The Proxmox provider, from config and one secret. TLS verification stays on
 * unless config opts out; the credential is a Pulumi secret end to end.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import type { StackSecrets } from "../secrets";
import type { ProxmoxConfig } from "./config";

export function proxmoxProvider(name: string, config: ProxmoxConfig, secrets: StackSecrets, opts?: pulumi.ResourceOptions): proxmoxve.Provider {
  const auth: proxmoxve.ProviderArgs =
    config.auth === "token"
      ? // The provider takes `<user>@<realm>!<token name>=<uuid>`; interpolate keeps it secret.
        { apiToken: pulumi.secret(pulumi.interpolate`${config.tokenId!}=${secrets.require("PROXMOX_API_TOKEN")}`) }
      : { username: config.username!, password: secrets.require("PROXMOX_PASSWORD") };
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
