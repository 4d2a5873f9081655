/**
 * `just create-secrets`: apply only the bootstrap Secrets (and what they need)
 * to a running cluster, without touching the rest of the platform stack:
 *
 *   pulumi up --stack platform \
 *     --target '**::pulumi:pulumi:StackReference::talos' \
 *     --target '**::pulumi:providers:kubernetes::cluster' \
 *     --target '**::homelab:platform:Namespaces**' \
 *     --target '**::homelab:platform:BootstrapSecrets**'
 *
 * Pulumi treats a --target containing `*` as a URN glob: `*` matches within
 * one URN segment (no ':'), `**` matches anything. A component's children
 * have URNs that start with the component's type (`…BootstrapSecrets$kubernetes:core/v1:Secret::…`),
 * so one glob covers the component and every Secret in it. The provider and
 * the stack reference it reads the kubeconfig from are listed because a
 * targeted update creates nothing outside its targets; the namespaces
 * because a Secret cannot be created before its namespace.
 */
import { CLUSTER_PROVIDER_NAME, TALOS_REFERENCE_NAME } from "./cluster";

export const CREATE_SECRETS_TARGETS: readonly string[] = [
  `**::pulumi:pulumi:StackReference::${TALOS_REFERENCE_NAME}`,
  `**::pulumi:providers:kubernetes::${CLUSTER_PROVIDER_NAME}`,
  "**::homelab:platform:Namespaces**",
  "**::homelab:platform:BootstrapSecrets**",
];
