/**
 * Hetzner Cloud answers: numeric ids as strings (as the provider returns
 * them), addresses from the documentation ranges (203.0.113.0/24,
 * 2001:db8::/32), all derived from the logical name so renders are stable.
 */
import * as pulumi from "@pulumi/pulumi";
import { stableHex, stableNumber, type ProviderMocks } from "./types";

const id = (seed: string) => String(10_000_000 + stableNumber(seed, 89_999_999));

/**
 * Hetzner's server type catalogue as `hcloud.getServerTypes` answers it
 * (terraform-provider-hcloud v1.66.1, internal/servertype/data_source.go:
 * per-location `available`, `recommended` and the deprecation fields, empty
 * strings when not deprecated). The current cost-optimised and regular
 * types; cpx11 is listed as deprecated, and cx22 is absent, as after
 * Hetzner removed the CX Gen 2 / CPX Gen 1 types at the end of 2025.
 */
const LOCATIONS = ["fsn1", "nbg1", "hel1"] as const;
const CATALOGUE: ReadonlyArray<{ name: string; architecture: "x86" | "arm"; category: string; cores: number; memory: number; disk: number; cpuType: string; deprecated?: string; locations?: readonly string[] }> = [
  { name: "cx23", architecture: "x86", category: "cost_optimized", cores: 2, memory: 4, disk: 40, cpuType: "shared" },
  { name: "cx33", architecture: "x86", category: "cost_optimized", cores: 4, memory: 8, disk: 80, cpuType: "shared" },
  { name: "cpx12", architecture: "x86", category: "regular_purpose", cores: 1, memory: 2, disk: 40, cpuType: "shared" },
  { name: "cpx22", architecture: "x86", category: "regular_purpose", cores: 2, memory: 4, disk: 80, cpuType: "shared" },
  { name: "cax11", architecture: "arm", category: "cost_optimized", cores: 2, memory: 4, disk: 40, cpuType: "shared", locations: ["fsn1", "nbg1", "hel1"] },
  { name: "cpx11", architecture: "x86", category: "regular_purpose", cores: 2, memory: 2, disk: 40, cpuType: "shared", deprecated: "2025-12-31T23:59:59Z" },
];

/** The CX Gen 2 and CPX Gen 1 types Hetzner removed from the API at the end of 2025: absent from every answer. */
const REMOVED = new Set(["cx22", "cx32", "cx42", "cx52", "cpx21", "cpx31", "cpx41", "cpx51"]);

/**
 * The offline render cannot know Hetzner's live catalogue, only the types
 * above. A type the user's config names that the list does not hold and that
 * was not removed (cx43, cax21, ccx13, …) is answered as a current type
 * offered in the configured location, so a valid choice renders and
 * `npm run check` passes; the real check runs against the API at preview.
 */
function configuredType(config: Record<string, string>): Array<(typeof CATALOGUE)[number]> {
  let hcloud: { serverType?: unknown; location?: unknown } | undefined;
  try {
    hcloud = JSON.parse(config["homelab:hcloud"] ?? "null") as typeof hcloud;
  } catch {
    return [];
  }
  const name = hcloud?.serverType;
  const location = hcloud?.location;
  if (typeof name !== "string" || typeof location !== "string") return [];
  if (REMOVED.has(name) || CATALOGUE.some((t) => t.name === name)) return [];
  const architecture = name.startsWith("ca") ? "arm" : "x86";
  return [{ name, architecture, category: "unknown", cores: 0, memory: 0, disk: 0, cpuType: "shared", locations: [location] }];
}

/** One entry of `serverTypes`, fields as the provider returns them. */
export function catalogueEntry(t: (typeof CATALOGUE)[number], index: number) {
  const announced = t.deprecated ? "2025-10-16T00:00:00Z" : "";
  return {
    id: 100 + index,
    name: t.name,
    description: t.name.toUpperCase(),
    category: t.category,
    cores: t.cores,
    memory: t.memory,
    disk: t.disk,
    storageType: "local",
    cpuType: t.cpuType,
    architecture: t.architecture,
    includedTraffic: 0,
    isDeprecated: t.deprecated !== undefined,
    deprecationAnnounced: announced,
    unavailableAfter: t.deprecated ?? "",
    locations: (t.locations ?? LOCATIONS).map((name, i) => ({
      id: i + 1,
      name,
      available: true,
      recommended: t.deprecated === undefined,
      isDeprecated: t.deprecated !== undefined,
      deprecationAnnounced: announced,
      unavailableAfter: t.deprecated ?? "",
    })),
  };
}

/** System images `hcloud.getImages` lists (deprecated ones only with includeDeprecated). */
const IMAGES: ReadonlyArray<{ name: string; deprecated?: string }> = [
  { name: "ubuntu-20.04", deprecated: "2025-06-01T00:00:00Z" },
  { name: "ubuntu-22.04" },
  { name: "ubuntu-24.04" },
  { name: "debian-12" },
];

function ipv6Prefix(seed: string): string {
  return `2001:db8:${stableNumber(seed, 0xfffe).toString(16)}::`;
}

export const hcloudMocks: ProviderMocks = {
  resources: {
    "hcloud:index/primaryIp:PrimaryIp": (args) => {
      const type = String(args.inputs["type"]);
      if (type === "ipv6")
        return { id: id(args.name), state: { ipAddress: ipv6Prefix(args.name), ipNetwork: `${ipv6Prefix(args.name)}/64`, datacenter: `${String(args.inputs["location"])}-dc14` } };
      return { id: id(args.name), state: { ipAddress: `203.0.113.${stableNumber(args.name, 240) + 9}`, ipNetwork: "", datacenter: `${String(args.inputs["location"])}-dc14` } };
    },
    "hcloud:index/server:Server": (args) => {
      const prefix = ipv6Prefix(`${args.name}-ipv6`);
      return {
        id: id(args.name),
        state: {
          ipv4Address: `203.0.113.${stableNumber(`${args.name}-ipv4`, 240) + 9}`,
          ipv6Address: `${prefix}1`,
          ipv6Network: `${prefix}/64`,
          status: "running",
          primaryDiskSize: 40,
        },
      };
    },
    "hcloud:index/firewall:Firewall": (args) => ({ id: id(args.name) }),
    // linux_device as Hetzner reports it: the by-id path of the volume's id
    // (terraform-provider-hcloud internal/volume/resource.go setVolumeSchema).
    "hcloud:index/volume:Volume": (args) => {
      const volumeId = id(args.name);
      return { id: volumeId, state: { linuxDevice: `/dev/disk/by-id/scsi-0HC_Volume_${volumeId}` } };
    },
    "hcloud:index/sshKey:SshKey": (args) => ({
      id: id(args.name),
      state: { fingerprint: stableHex(args.name, 32).replace(/(..)(?!$)/g, "$1:") },
    }),
  },
  invokes: {
    "hcloud:index/getServerTypes:getServerTypes": () => {
      const serverTypes = [...CATALOGUE, ...configuredType(pulumi.runtime.allConfig())].map(catalogueEntry);
      return {
        id: stableHex("server-types", 16),
        serverTypes,
        names: serverTypes.map((t) => t.name),
        serverTypeIds: serverTypes.map((t) => String(t.id)),
        descriptions: serverTypes.map((t) => t.description),
      };
    },
    "hcloud:index/getImages:getImages": (args) => {
      const architectures = (args.inputs["withArchitectures"] as string[] | undefined) ?? ["x86", "arm"];
      const includeDeprecated = args.inputs["includeDeprecated"] === true;
      const images = architectures.flatMap((architecture) =>
        IMAGES.filter((i) => includeDeprecated || !i.deprecated).map((i) => {
          const [flavor, version] = i.name.split("-") as [string, string];
          return {
            id: Number(id(`image-${i.name}-${architecture}`)),
            name: i.name,
            type: "system",
            description: `${flavor} ${version}`,
            created: "2024-04-25T00:00:00Z",
            osFlavor: flavor,
            osVersion: version,
            rapidDeploy: true,
            architecture,
            labels: {},
            // null (absent) for a current image, an RFC 3339 time otherwise.
            ...(i.deprecated ? { deprecated: i.deprecated } : {}),
          };
        }),
      );
      return { id: stableHex(`images-${architectures.join(",")}`, 16), images, withArchitectures: architectures, includeDeprecated };
    },
    "hcloud:index/getSshKey:getSshKey": (args) => {
      const name = String(args.inputs["name"] ?? "existing-key");
      return {
        id: Number(id(`ssh-key-${name}`)),
        name,
        fingerprint: stableHex(name, 32).replace(/(..)(?!$)/g, "$1:"),
        publicKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${stableHex(name, 43)} ${name}`,
        labels: {},
      };
    },
  },
};
