/**
 * Talos provider answers, shaped like the real provider's: generated machine
 * configs are v1alpha1 documents (plus the HostnameConfig Talos 1.13 emits),
 * the schematic id is a content hash of the schematic, factory URLs follow the
 * Image Factory's layout, and secret fields come back as secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { stableHex, type ProviderMocks } from "./types";

const FACTORY = "https://factory.talos.dev";

function pem(kind: string, seed: string): string {
  return Buffer.from(`-----BEGIN ${kind}-----\n${stableHex(seed, 48)}\n-----END ${kind}-----\n`).toString("base64");
}

/** Fields the provider schema marks secret come back as secrets, as from the real provider. */
const secret = (value: string) => pulumi.secret(value);

function clientConfiguration(seed: string) {
  return {
    caCertificate: pem("CERTIFICATE", `${seed}/os-ca`),
    clientCertificate: pem("CERTIFICATE", `${seed}/admin`),
    clientKey: secret(pem("ED25519 PRIVATE KEY", `${seed}/admin-key`)),
  };
}

function machineSecrets(seed: string) {
  const cert = (name: string) => ({ cert: pem("CERTIFICATE", `${seed}/${name}`), key: secret(pem("EC PRIVATE KEY", `${seed}/${name}-key`)) });
  return {
    certs: { etcd: cert("etcd"), k8s: cert("k8s"), k8sAggregator: cert("k8s-aggregator"), k8sServiceaccount: { key: secret(pem("EC PRIVATE KEY", `${seed}/sa`)) }, os: cert("os") },
    cluster: { id: Buffer.from(stableHex(`${seed}/cluster-id`, 32), "hex").toString("base64"), secret: secret(Buffer.from(stableHex(`${seed}/cluster-secret`, 32), "hex").toString("base64")) },
    secrets: {
      bootstrapToken: secret(`${stableHex(`${seed}/bt1`, 6)}.${stableHex(`${seed}/bt2`, 16)}`),
      secretboxEncryptionSecret: secret(Buffer.from(stableHex(`${seed}/secretbox`, 64), "hex").toString("base64")),
    },
    trustdinfo: { token: secret(`${stableHex(`${seed}/td1`, 6)}.${stableHex(`${seed}/td2`, 16)}`) },
  };
}

/** What `talosctl gen config` would produce for these args (trimmed to the identifying parts). */
function generatedConfig(args: Record<string, unknown>): string {
  const type = String(args["machineType"]);
  const k8sVersion = String(args["kubernetesVersion"] ?? "v1.35.0");
  const main = {
    version: "v1alpha1",
    debug: false,
    persist: true,
    machine: {
      type,
      token: stableHex(`${args["clusterName"]}/machine-token`, 22),
      ca: { crt: pem("CERTIFICATE", "os-ca"), ...(type === "controlplane" ? { key: pem("ED25519 PRIVATE KEY", "os-ca-key") } : {}) },
      kubelet: { image: `ghcr.io/siderolabs/kubelet:${k8sVersion}`, defaultRuntimeSeccompProfileEnabled: true, disableManifestsDirectory: true },
      install: { disk: "/dev/sda", image: `ghcr.io/siderolabs/installer:${args["talosVersion"] ?? "v1.13.0"}`, wipe: false },
      features: { diskQuotaSupport: true, kubePrism: { enabled: true, port: 7445 }, hostDNS: { enabled: true, forwardKubeDNSToHost: true } },
    },
    cluster: {
      id: stableHex(`${args["clusterName"]}/id`, 43),
      secret: stableHex(`${args["clusterName"]}/secret`, 43),
      controlPlane: { endpoint: args["clusterEndpoint"] },
      clusterName: args["clusterName"],
      network: { dnsDomain: "cluster.local", podSubnets: ["10.244.0.0/16"], serviceSubnets: ["10.96.0.0/12"] },
      token: `${stableHex(`${args["clusterName"]}/t1`, 6)}.${stableHex(`${args["clusterName"]}/t2`, 16)}`,
      ...(type === "controlplane"
        ? { apiServer: { image: `registry.k8s.io/kube-apiserver:${k8sVersion}` }, etcd: { ca: { crt: pem("CERTIFICATE", "etcd-ca") } } }
        : {}),
    },
  };
  const hostname = { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "stable" };
  return [YAML.stringify(main), YAML.stringify(hostname)].join("---\n");
}

function talosconfig(args: Record<string, unknown>): string {
  const name = String(args["clusterName"]);
  const cc = (args["clientConfiguration"] ?? {}) as Record<string, string>;
  return YAML.stringify({
    context: name,
    contexts: { [name]: { endpoints: args["endpoints"] ?? [], nodes: args["nodes"] ?? [], ca: cc["caCertificate"], crt: cc["clientCertificate"], key: cc["clientKey"] } },
  });
}

function kubeconfig(name: string, server: string): string {
  return YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server, "certificate-authority-data": pem("CERTIFICATE", "k8s-ca") } }],
    users: [{ name: `admin@${name}`, user: { "client-certificate-data": pem("CERTIFICATE", "k8s-admin"), "client-key-data": pem("EC PRIVATE KEY", "k8s-admin-key") } }],
    contexts: [{ name: `admin@${name}`, context: { cluster: name, namespace: "default", user: `admin@${name}` } }],
    "current-context": `admin@${name}`,
  });
}

export const talosMocks: ProviderMocks = {
  resources: {
    "talos:machine/secrets:Secrets": (args) => ({
      id: "machine_secrets",
      state: { talosVersion: args.inputs["talosVersion"] ?? "v1.13", machineSecrets: machineSecrets(args.name), clientConfiguration: clientConfiguration(args.name) },
    }),
    // Image Factory ids are the sha256 of the schematic: same content, same id.
    "talos:imageFactory/schematic:Schematic": (args) => ({ id: stableHex(`schematic:${String(args.inputs["schematic"] ?? "")}`, 64) }),
    "talos:machine/configurationApply:ConfigurationApply": (args) => {
      const input = String(args.inputs["machineConfigurationInput"] ?? "");
      const patches = (args.inputs["configPatches"] as string[] | undefined) ?? [];
      return {
        id: "machine_configuration_apply",
        state: {
          applyMode: args.inputs["applyMode"] ?? "auto",
          resolvedApplyMode: "auto",
          // The mock does not merge patches; it returns the input config as applied.
          machineConfiguration: secret(input),
          machineConfigurationHash: stableHex([input, ...patches].join("\n---\n"), 64),
        },
      };
    },
    "talos:machine/bootstrap:Bootstrap": () => ({ id: "machine_bootstrap" }),
    "talos:cluster/kubeconfig:Kubeconfig": (args) => {
      const host = String(args.inputs["endpoint"] ?? args.inputs["node"]);
      return {
        id: "cluster_kubeconfig",
        state: {
          certificateRenewalDuration: "720h",
          kubeconfigRaw: secret(kubeconfig("homelab", `https://${host}:6443`)),
          kubernetesClientConfiguration: { host: `https://${host}:6443`, ...clientConfiguration("k8s-admin") },
        },
      };
    },
  },
  invokes: {
    "talos:machine/getConfiguration:getConfiguration": (args) => ({
      ...args.inputs,
      id: String(args.inputs["clusterName"]),
      machineConfiguration: pulumi.secret(generatedConfig(args.inputs)),
    }),
    "talos:client/getConfiguration:getConfiguration": (args) => ({
      ...args.inputs,
      id: String(args.inputs["clusterName"]),
      talosConfig: pulumi.secret(talosconfig(args.inputs)),
    }),
    "talos:imageFactory/getUrls:getUrls": (args) => {
      const id = String(args.inputs["schematicId"]);
      const version = String(args.inputs["talosVersion"]);
      const arch = String(args.inputs["architecture"] ?? "amd64");
      const platform = String(args.inputs["platform"] ?? "metal");
      const base = `${FACTORY}/image/${id}/${version}`;
      return {
        ...args.inputs,
        architecture: arch,
        id: `${id}/${version}/${platform}-${arch}`,
        urls: {
          diskImage: `${base}/${platform}-${arch}.raw.xz`,
          diskImageSecureboot: `${base}/${platform}-${arch}-secureboot.raw.xz`,
          initramfs: `${base}/initramfs-${arch}.xz`,
          installer: `factory.talos.dev/${platform}-installer/${id}:${version}`,
          installerSecureboot: `factory.talos.dev/${platform}-installer-secureboot/${id}:${version}`,
          iso: `${base}/${platform}-${arch}.iso`,
          isoSecureboot: `${base}/${platform}-${arch}-secureboot.iso`,
          kernel: `${base}/kernel-${arch}`,
          kernelCommandLine: `${base}/cmdline-${platform}-${arch}`,
          pxe: `https://pxe.factory.talos.dev/pxe/${id}/${version}/${platform}-${arch}`,
          uki: `${base}/${platform}-${arch}-uki.efi`,
        },
      };
    },
  },
};
