/**
 * Kubernetes provider answers. Objects echo their inputs (the API server
 * would return them with metadata filled in); Helm releases report the
 * deployed status the provider returns after install.
 */
import type { ProviderMocks } from "./types";

export const kubernetesMocks: ProviderMocks = {
  resources: {
    "kubernetes:helm.sh/v3:Release": (args) => {
      const inputs = args.inputs as Record<string, unknown>;
      const name = (inputs["name"] as string | undefined) ?? args.name;
      const namespace = (inputs["namespace"] as string | undefined) ?? "default";
      return {
        id: `${namespace}/${name}`,
        state: {
          name,
          namespace,
          status: {
            name,
            namespace,
            chart: inputs["chart"],
            version: inputs["version"],
            appVersion: inputs["version"],
            revision: 1,
            status: "deployed",
          },
        },
      };
    },
  },
  invokes: {},
};
