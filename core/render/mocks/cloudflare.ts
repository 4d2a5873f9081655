/**
 * Cloudflare answers: the zone look-up returns an active zone with an id
 * derived from its name (same name → same id, so renders are byte-identical),
 * and DNS records get 32-hex ids and the proxiable flag the API reports.
 */
import { stableHex, type ProviderMocks } from "./types";

const ACCOUNT_ID = stableHex("cloudflare-account", 32);

export const cloudflareMocks: ProviderMocks = {
  resources: {
    "cloudflare:index/dnsRecord:DnsRecord": (args) => {
      const type = String(args.inputs["type"]);
      return {
        id: stableHex(`dns-record:${String(args.inputs["name"])}:${type}:${args.name}`, 32),
        state: {
          proxiable: type === "A" || type === "AAAA" || type === "CNAME",
          proxied: args.inputs["proxied"] ?? false,
          createdOn: "2026-01-01T00:00:00Z",
          modifiedOn: "2026-01-01T00:00:00Z",
        },
      };
    },
  },
  invokes: {
    "cloudflare:index/getZone:getZone": (args) => {
      const filter = (args.inputs["filter"] ?? {}) as { name?: string };
      const byId = args.inputs["zoneId"] as string | undefined;
      const name = filter.name;
      if (!byId && !name) throw new Error("mock cloudflare getZone: expected filter.name or zoneId, as the provider does");
      const id = byId ?? stableHex(`zone:${name}`, 32);
      return {
        id,
        zoneId: id,
        name: name ?? "example.com",
        status: "active",
        type: "full",
        paused: false,
        account: { id: ACCOUNT_ID, name: "Homelab" },
        nameServers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
        originalNameServers: [],
        vanityNameServers: [],
        permissions: ["#dns_records:edit", "#zone:read"],
        plan: { id: "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", name: "Free Website", isSubscribed: true },
        meta: { cdnOnly: false, customCertificateQuota: 0, dnsOnly: false, foundationDns: false, pageRules: 3, phishingDetected: false, step: 2 },
        createdOn: "2026-01-01T00:00:00Z",
        modifiedOn: "2026-01-01T00:00:00Z",
        activatedOn: "2026-01-01T00:00:00Z",
        developmentMode: 0,
        cnameSuffix: "",
        originalDnshost: "",
        originalRegistrar: "",
        verificationKey: "",
      };
    },
  },
};
