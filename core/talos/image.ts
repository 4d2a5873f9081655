/**
 * Talos boot images from the Image Factory: one schematic per image kind
 * (base, gpu) computed from the extension lists in config, and one download
 * of its nocloud disk image to every Proxmox host that runs a node of that
 * kind, or one per shared datastore where hosts share one.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import * as talos from "@pulumiverse/talos";
import YAML from "yaml";
import { compareText } from "../compare";

export type ImageKind = "base" | "gpu";

/** The Image Factory schematic document (customization.systemExtensions.officialExtensions). */
export interface SchematicDocument {
  customization: { systemExtensions: { officialExtensions: string[] } };
}

/**
 * Sorted and de-duplicated, so reordering the config list does not produce a
 * different schematic id (and a needless image change).
 */
export function schematicFor(extensions: readonly string[]): SchematicDocument {
  return { customization: { systemExtensions: { officialExtensions: [...new Set(extensions)].sort() } } };
}

/**
 * File name of the image on a host: stable per (kind, Talos version), never
 * the schematic id. An extension change therefore lands on the same name,
 * which is why the download is deleted before it is replaced.
 */
export function imageFileName(kind: ImageKind, talosVersion: string): string {
  return `talos-${talosVersion}-${kind}-nocloud-amd64.img`;
}

/**
 * Proxmox decompresses downloads (gz, lzo, zst, bz2) but not xz, the Image
 * Factory's default for disk images; the factory serves the same image
 * gzip-compressed under the `.raw.gz` name.
 */
export function proxmoxDiskImageUrl(diskImageUrl: string): string {
  return diskImageUrl.replace(/\.raw\.(xz|zst)$/, ".raw.gz");
}

export interface TalosImageArgs {
  readonly kind: ImageKind;
  readonly talosVersion: string;
  readonly extensions: readonly string[];
  /** Proxmox host → datastore for each host that runs a node of this kind. */
  readonly hosts: ReadonlyMap<string, string>;
  /** Datastores every host sees as the same storage: one download serves them all. */
  readonly sharedDatastores?: ReadonlySet<string>;
  readonly proxmox: proxmoxve.Provider;
  readonly talosProvider: talos.Provider;
}

/** A Talos image kind: its schematic, factory URLs and per-host downloads. */
export class TalosImage extends pulumi.ComponentResource {
  readonly schematicId: pulumi.Output<string>;
  /** Installer image for machine configs: `factory.talos.dev/nocloud-installer/<id>:<version>`. */
  readonly installerImage: pulumi.Output<string>;
  /** Host → downloaded file (its id is the Proxmox volume id the VM disk imports). */
  readonly files: ReadonlyMap<string, proxmoxve.download.File>;

  constructor(name: string, args: TalosImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:talos:Image", name, {}, opts);

    const schematic = new talos.imagefactory.Schematic(
      `${name}-schematic`,
      { schematic: YAML.stringify(schematicFor(args.extensions)) },
      { parent: this, provider: args.talosProvider },
    );
    this.schematicId = schematic.id;

    const urls = talos.imagefactory.getUrlsOutput(
      { schematicId: schematic.id, talosVersion: args.talosVersion, platform: "nocloud", architecture: "amd64" },
      { parent: this, provider: args.talosProvider },
    ).urls;
    this.installerImage = urls.installer;

    // One download per host, except on a shared datastore: one download there, made
    // through the first host (by name) that needs it, serves every host (the volume id
    // `<datastore>:iso/<file>` is the same everywhere).
    const files = new Map<string, proxmoxve.download.File>();
    const shared = new Map<string, proxmoxve.download.File>();
    for (const [host, datastoreId] of [...args.hosts].sort(([a], [b]) => compareText(a, b))) {
      const isShared = args.sharedDatastores?.has(datastoreId) ?? false;
      const existing = isShared ? shared.get(datastoreId) : undefined;
      if (existing) {
        files.set(host, existing);
        continue;
      }
      const file = new proxmoxve.download.File(
        isShared ? `${name}-shared-${datastoreId}` : `${name}-${host}`,
        {
          nodeName: host,
          datastoreId,
          contentType: "iso",
          url: urls.diskImage.apply(proxmoxDiskImageUrl),
          decompressionAlgorithm: "gz",
          fileName: imageFileName(args.kind, args.talosVersion),
          // Factory URLs are content-addressed: no need to re-check sizes on every refresh.
          overwrite: false,
          // A file left behind under the stable name (an interrupted replace) is ours to overwrite.
          overwriteUnmanaged: true,
          uploadTimeout: 1800,
        },
        {
          parent: this,
          provider: args.proxmox,
          // Same file name before and after: the old file must go first.
          deleteBeforeReplace: true,
          replaceOnChanges: ["url", "fileName"],
          // On shared storage any host reaches the file: which one downloaded it never matters,
          // so another host becoming the first to need it replaces nothing.
          ...(isShared ? { ignoreChanges: ["nodeName"] } : {}),
        },
      );
      if (isShared) shared.set(datastoreId, file);
      files.set(host, file);
    }
    this.files = files;

    this.registerOutputs({ schematicId: this.schematicId, installerImage: this.installerImage });
  }
}
