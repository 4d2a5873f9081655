/**
 * The `cloudflare` stack (docs/architecture.md#cloudflare): DNS for every hostname under the
 * domain. Public names (the edge services and project `publicServices`) point
 * at bifrost; everything else falls through the wildcard to the LAN Gateway.
 * The hostnames come from project config, the same list that gives bifrost
 * its Traefik routers, so adding a public service is one line in Pulumi.yaml.
 */
import * as cloudflare from "@pulumi/cloudflare";
import { defineStack } from "../stack";
import { bifrostAddresses } from "./bifrost";
import { CaaPolicy } from "./caa-policy";
import { cloudflareRules, cloudflareShape } from "./config";
import { HostRecords } from "./host-records";
import { planCaa, planHosts } from "./plan";
import { zoneId } from "./zone";

export default defineStack({
  name: "cloudflare",
  shape: cloudflareShape,
  rules: cloudflareRules,
  run: (config, secrets) => {
    const provider = new cloudflare.Provider("cloudflare", { apiToken: secrets.require("CLOUDFLARE_API_TOKEN") });
    const zone = zoneId({ name: config.dns.zone ?? config.domain, zoneId: config.dns.zoneId, provider });
    const bifrost = bifrostAddresses("hetzner", { stack: config.stackRefs.hetzner, ipv6: config.dns.ipv6 });

    const hosts = planHosts(config);
    for (const host of hosts) {
      const onBifrost = host.target === "bifrost";
      new HostRecords(host.hostname, {
        zoneId: zone,
        hostname: host.hostname,
        ipv4: onBifrost ? bifrost.ipv4 : config.network.ingressIp,
        ...(onBifrost && bifrost.ipv6 ? { ipv6: bifrost.ipv6 } : {}),
        proxied: host.proxied,
        comment: host.comment,
        provider,
      });
    }

    const caa = planCaa(config.domain, config.dns.caa);
    if (caa.length > 0) new CaaPolicy(`${config.domain}-caa`, { zoneId: zone, records: caa, provider });

    return {
      zoneId: zone,
      /** Names that resolve to bifrost from anywhere. */
      publicHostnames: hosts.filter((h) => h.target === "bifrost").map((h) => h.hostname),
      /** The catch-all that sends every other name to the LAN Gateway. */
      lanWildcard: hosts.find((h) => h.target === "lan-gateway")?.hostname,
    };
  },
});
