/**
 * Which input changes make the engine replace a resource rather than update
 * it in place, for the provider resources this project registers.
 *
 * A replacement is decided by the provider's Diff (Terraform `ForceNew` /
 * `RequiresReplace` behind a bridged provider, the `replaceOnChanges` marks
 * in a native provider's schema, or code in the provider's Diff), plus the
 * resource's own `replaceOnChanges` option. The offline render has no
 * provider to ask, so this table states what each provider does; every entry
 * names where upstream says so. Paths use Pulumi's input names and property
 * path syntax (`disks[*].fileId`).
 *
 * A type missing here is treated as updated in place, which is what the
 * render diff showed before: add an entry when the project starts using a
 * resource type whose provider replaces on some input.
 */
import type { Json } from "../core/render/wire";

export interface ReplaceRule {
  /** Input paths whose change replaces the resource; `*` stands for any list element or map key. */
  readonly paths: readonly string[];
  /** Replaces only when this holds for the resource's inputs before and after (default: any change). */
  readonly when?: (before: InputsOf, after: InputsOf) => boolean;
  /** Shown as the reason: what upstream does, in a few words. */
  readonly why: string;
  /** Where upstream says so: repository, tag, file. */
  readonly source: string;
}

type InputsOf = Record<string, Json>;

const PROXMOX = "bpg/terraform-provider-proxmox v0.111.1 (behind @muhlba91/pulumi-proxmoxve 8.6.0)";
const PROXMOX_VM = `${PROXMOX}, proxmoxtf/resource/vm/vm.go`;
const HCLOUD = "hetznercloud/terraform-provider-hcloud v1.68.0";
const CLOUDFLARE = "cloudflare/terraform-provider-cloudflare v5.22.0";
const TALOS = "siderolabs/terraform-provider-talos v0.11.0 (behind pulumiverse/pulumi-talos v0.8.1)";
const AUTHENTIK = "goauthentik/terraform-provider-authentik v2026.5.0";
const COMMAND = "pulumi/pulumi-command v1.2.1, provider/cmd/pulumi-resource-command/schema.json";
const KUBERNETES = "pulumi/pulumi-kubernetes v4.32 (master), provider/pkg/provider";
const RANDOM = "hashicorp/terraform-provider-random v3.9.0 (behind @pulumi/random 4.21.2), internal/provider/resource_password.go";
const TLS = "hashicorp/terraform-provider-tls v4.2.1 (behind @pulumi/tls 5.6.1), internal/provider/resource_private_key.go";

/** Compares Talos-style versions (`v1.12`, `1.12.1`) numerically; NaN parts count as 0. */
function lowerVersion(before: Json | undefined, after: Json | undefined): boolean {
  if (typeof before !== "string" || typeof after !== "string") return false;
  const parts = (v: string) => v.replace(/^v/, "").split(/[.+-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
  const [a, b] = [parts(after), parts(before)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

function bothSetAndDiffer(before: Json | undefined, after: Json | undefined): boolean {
  return typeof before === "string" && typeof after === "string" && before !== "" && after !== "" && before !== after;
}

function field(inputs: InputsOf, block: string, key: string): Json | undefined {
  const b = inputs[block];
  return b && typeof b === "object" && !Array.isArray(b) ? b[key] : undefined;
}

export const REPLACE_RULES: Readonly<Record<string, readonly ReplaceRule[]>> = {
  // ---- Proxmox (bridged Terraform SDKv2 / plugin framework)
  "proxmoxve:index/vmLegacy:VmLegacy": [
    {
      paths: ["nodeName"],
      when: (_before, after) => after["migrate"] !== true,
      why: "moving a VM to another node re-creates it unless `migrate` is set",
      source: `${PROXMOX_VM}: CustomizeDiff ForceNewIf(node_name, unless migrate)`,
    },
    { paths: ["vmId"], why: "a new VM id re-creates the VM", source: `${PROXMOX_VM}: CustomizeDiff ForceNewIf(vm_id)` },
    {
      paths: ["disks[*].fileId"],
      why: "a disk imported from another file re-creates the VM",
      source: `${PROXMOX}, proxmoxtf/resource/vm/disk/schema.go: file_id ForceNew`,
    },
    {
      paths: [
        "initialization.userDataFileId",
        "initialization.vendorDataFileId",
        "initialization.networkDataFileId",
        "initialization.metaDataFileId",
        "initialization.type",
      ],
      why: "cloud-init files and format are set at creation",
      source: `${PROXMOX_VM}: initialization.*_file_id, initialization.type ForceNew`,
    },
    { paths: ["clone"], why: "the clone source is used only at creation", source: `${PROXMOX_VM}: clone.* ForceNew` },
    { paths: ["amdSev"], why: "SEV settings are set at creation", source: `${PROXMOX_VM}: amd_sev ForceNew` },
    {
      paths: ["tpmState.version"],
      when: (b, a) => bothSetAndDiffer(field(b, "tpmState", "version"), field(a, "tpmState", "version")),
      why: "a new TPM version re-creates the VM",
      source: `${PROXMOX_VM}: forceNewOnTPMVersionChange`,
    },
    {
      paths: ["efiDisk.type"],
      when: (b, a) => bothSetAndDiffer(field(b, "efiDisk", "type"), field(a, "efiDisk", "type")),
      why: "a new EFI disk type re-creates the VM",
      source: `${PROXMOX_VM}: forceNewOnEFIDiskTypeChange`,
    },
  ],
  "proxmoxve:download/file:File": [
    {
      paths: ["contentType", "fileName", "datastoreId", "nodeName", "url", "checksum", "checksumAlgorithm", "decompressionAlgorithm"],
      why: "a different file, place or checksum is a new download",
      source: `${PROXMOX}, fwprovider/nodes/resource_download_file.go: RequiresReplace`,
    },
  ],

  // ---- Hetzner Cloud
  "hcloud:index/server:Server": [
    {
      paths: ["image", "location", "userData", "sshKeys"],
      why: "image, location, user data and SSH keys are set at creation",
      source: `${HCLOUD}, internal/server/resource.go: ForceNew`,
    },
  ],
  "hcloud:index/sshKey:SshKey": [
    { paths: ["publicKey"], why: "a new public key is a new key", source: `${HCLOUD}, internal/sshkey/resource.go: RequiresReplace` },
  ],
  "hcloud:index/primaryIp:PrimaryIp": [
    {
      paths: ["type", "location"],
      why: "a primary IP cannot change family or location",
      source: `${HCLOUD}, internal/primaryip/resource.go: RequiresReplace`,
    },
  ],
  "hcloud:index/volume:Volume": [
    { paths: ["location"], why: "a volume cannot move location", source: `${HCLOUD}, internal/volume/resource.go: ForceNew` },
  ],

  // ---- Cloudflare (a record's name and content are updated in place)
  "cloudflare:index/dnsRecord:DnsRecord": [
    {
      paths: ["zoneId", "type"],
      why: "a record cannot change zone or type",
      source: `${CLOUDFLARE}, internal/services/dns_record/schema.go: RequiresReplace`,
    },
  ],

  // ---- Talos (only the machine secrets; the other resources update in place)
  "talos:machine/secrets:Secrets": [
    {
      paths: ["talosVersion"],
      when: (b, a) => lowerVersion(b["talosVersion"], a["talosVersion"]),
      why: "a lower talosVersion regenerates the cluster's secrets (PKI, tokens)",
      source: `${TALOS}, pkg/talos/talos_machine_secrets_resource.go: RequiresReplace when the version decreases`,
    },
  ],

  // ---- Authentik
  "authentik:index/outpostProviderAttachment:OutpostProviderAttachment": [
    {
      paths: ["outpost", "protocolProvider"],
      why: "an attachment is re-created for another outpost or provider",
      source: `${AUTHENTIK}, pkg/provider/resource_outpost_provider_attachment.go: ForceNew`,
    },
  ],
  "authentik:index/rbacPermissionRole:RbacPermissionRole": [
    {
      paths: ["role", "permission", "model", "objectId"],
      why: "a permission grant is re-created when any part changes",
      source: `${AUTHENTIK}, pkg/provider/resource_rbac_permission_role.go: ForceNew`,
    },
  ],

  // ---- pulumi-command (native provider: schema replaceOnChanges)
  "command:local:Command": [{ paths: ["triggers"], why: "a changed trigger re-runs the command as a new resource", source: COMMAND }],
  "command:remote:Command": [{ paths: ["triggers"], why: "a changed trigger re-runs the command as a new resource", source: COMMAND }],
  "command:remote:CopyToRemote": [{ paths: ["triggers"], why: "a changed trigger copies again as a new resource", source: COMMAND }],

  // ---- Generated secrets: a replacement is a new value (a rotated password, a new host key)
  "random:index/randomPassword:RandomPassword": [
    {
      paths: [
        "keepers", "length", "special", "upper", "lower", "number", "numeric",
        "minNumeric", "minUpper", "minLower", "minSpecial", "overrideSpecial",
      ],
      why: "any change to a generated password's rules or keepers generates a new password",
      source: `${RANDOM}: RequiresReplace`,
    },
  ],
  "tls:index/privateKey:PrivateKey": [
    {
      paths: ["algorithm", "rsaBits", "ecdsaCurve"],
      why: "a new algorithm or size is a new key",
      source: `${TLS}: RequiresReplace`,
    },
  ],

  // ---- Kubernetes Helm release (v3)
  "kubernetes:helm.sh/v3:Release": [
    {
      paths: ["name", "namespace"],
      why: "a release's name and namespace are its identity",
      source: `${KUBERNETES}/helm_release.go: forceNewFields .name, .namespace`,
    },
  ],
};

/** Kubernetes objects: identity fields for every kind, immutable fields for some (`provider/pkg/provider/diff.go`). */
const KUBE_IDENTITY: ReplaceRule = {
  paths: ["metadata.name", "metadata.namespace"],
  why: "an object's name and namespace are its identity",
  source: `${KUBERNETES}/provider.go: forceNewFields .metadata.name, .metadata.namespace`,
};

const SELECTOR = ["spec.selector"];
const CONTAINER_FIELDS = [
  "args", "command", "env", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "ports", "readinessProbe", "resources",
  "securityContext", "stdin", "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty", "volumeDevices",
  "volumeMounts", "workingDir",
];
const POD_SPEC_FIELDS = [
  "affinity", "automountServiceAccountToken", "dnsConfig", "dnsPolicy", "enableServiceLinks", "hostAliases", "hostIPC",
  "hostNetwork", "hostPID", "hostname", "imagePullSecrets", "nodeName", "nodeSelector", "overhead", "preemptionPolicy",
  "priority", "priorityClassName", "readinessGates", "restartPolicy", "runtimeClassName", "schedulerName", "securityContext",
  "serviceAccount", "serviceAccountName", "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds", "volumes",
];

/** Immutable fields by `group/version:Kind` (the "core" group is written `core`), as pulumi-kubernetes lists them. */
const KUBE_IMMUTABLE: Readonly<Record<string, readonly string[]>> = {
  // Secrets and ConfigMaps are replaced on a data change unless the provider enables mutation (it does not by default).
  "core/v1:Secret": ["type", "data", "stringData"],
  "core/v1:ConfigMap": ["data", "binaryData"],
  "core/v1:Service": ["spec.clusterIP"],
  "core/v1:PersistentVolumeClaim": ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
  "core/v1:ResourceQuota": ["spec.scopes"],
  "core/v1:Pod": [
    ...POD_SPEC_FIELDS.map((f) => `spec.${f}`),
    ...CONTAINER_FIELDS.flatMap((f) => [`spec.containers[*].${f}`, `spec.initContainers[*].${f}`]),
  ],
  "apps/v1:Deployment": SELECTOR,
  "apps/v1:DaemonSet": SELECTOR,
  "apps/v1:StatefulSet": [
    "spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates",
  ],
  "batch/v1:Job": ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
  "rbac.authorization.k8s.io/v1:RoleBinding": ["roleRef"],
  "rbac.authorization.k8s.io/v1:ClusterRoleBinding": ["roleRef"],
  "storage.k8s.io/v1:StorageClass": ["parameters", "provisioner"],
};

/** Kubernetes types that are not objects of the API server (no metadata identity of their own). */
const KUBE_NOT_OBJECTS = /^kubernetes:(helm\.sh|yaml|kustomize)\//;

/** The replace rules for a resource type: the table's, or Kubernetes' identity and immutable fields. */
export function replaceRulesFor(type: string): readonly ReplaceRule[] {
  const listed = REPLACE_RULES[type];
  if (listed) return listed;
  if (!type.startsWith("kubernetes:") || KUBE_NOT_OBJECTS.test(type) || type.startsWith("pulumi:")) return [];
  const kind = type.slice("kubernetes:".length);
  const immutable = KUBE_IMMUTABLE[kind];
  return immutable
    ? [KUBE_IDENTITY, { paths: immutable, why: `immutable in a ${kind.split(":")[1]}`, source: `${KUBERNETES}/diff.go: forceNew` }]
    : [KUBE_IDENTITY];
}
