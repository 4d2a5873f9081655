/**
 * Built-in Pulumi resources: stack references. The referenced stacks'
 * outputs are realistic examples matching what `talos` and `hetzner` export.
 */
import { stableUuid, type ProviderMocks } from "./types";

const EXAMPLE_KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters:",
  "  - name: homelab",
  "    cluster:",
  "      server: https://10.10.0.10:6443",
  "      certificate-authority-data: bW9jay1jYQ==",
  "contexts:",
  "  - name: admin@homelab",
  "    context: { cluster: homelab, user: admin@homelab }",
  "current-context: admin@homelab",
  "users:",
  "  - name: admin@homelab",
  "    user:",
  "      client-certificate-data: bW9jay1jZXJ0",
  "      client-key-data: bW9jay1rZXk=",
  "",
].join("\n");

/** Outputs of each referenced stack, keyed by the stack name (last path segment). */
export const STACK_REFERENCE_OUTPUTS: Record<string, { outputs: Record<string, unknown>; secret: string[] }> = {
  talos: {
    outputs: {
      kubeconfig: EXAMPLE_KUBECONFIG,
      talosconfig: "context: homelab\ncontexts:\n  homelab:\n    endpoints: [10.10.0.11, 10.10.0.12, 10.10.0.13]\n    nodes: [10.10.0.11, 10.10.0.12, 10.10.0.13]\n",
      apiEndpoint: "https://10.10.0.10:6443",
      nodes: {
        "k8s-cp-1": "10.10.0.11",
        "k8s-cp-2": "10.10.0.12",
        "k8s-cp-3": "10.10.0.13",
        "k8s-worker-1": "10.10.0.21",
        "k8s-worker-2": "10.10.0.22",
        "k8s-gpu-1": "10.10.0.31",
      },
      // Image kind → Image Factory schematic id (64 hex), as the talos render produces them.
      schematicIds: {
        base: "7661cf827561cdef7461cc5c7361cac97a61d5ce7961d43b7861d2a87761d115",
        gpu: "09afd35b0aafd4ee07afd03508afd1c805afcd0f06afcea203afc9e904afcb7c",
      },
      talosVersion: "v1.13.9",
      kubernetesVersion: "v1.35.4",
    },
    secret: ["kubeconfig", "talosconfig"],
  },
  hetzner: {
    outputs: {
      ipv4: "203.0.113.124",
      ipv6: "2001:db8:55d9::1",
      serverId: "58521448",
      hostnames: [
        "auth.lab.example.com",
        "netbird.lab.example.com",
        "status.lab.example.com",
        "grafana.lab.example.com",
        "immich.lab.example.com",
        "jellyfin.lab.example.com",
      ],
    },
    secret: [],
  },
};

export const pulumiMocks: ProviderMocks = {
  resources: {
    "pulumi:pulumi:StackReference": (args) => {
      const name = String(args.inputs["name"] ?? args.name);
      const stack = name.split("/").pop()!;
      const ref = STACK_REFERENCE_OUTPUTS[stack];
      if (!ref)
        throw new Error(`mock: no example outputs for stack reference "${name}" (core/render/mocks/pulumi.ts)`);
      return {
        id: name,
        state: { name, outputs: ref.outputs, secretOutputNames: ref.secret },
      };
    },
  },
  invokes: {
    "pulumi:pulumi:getStack": () => ({ id: stableUuid("stack") }),
  },
};
