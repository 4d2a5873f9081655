/**
 * Every guard rail of the homelab, in the order the pack reports them. The
 * policy pack (policy/index.ts) registers exactly this list, and the tests
 * apply exactly this list to every offline render and to fixtures.
 */
import type { Guard } from "./guard";
import { ssoDenyByDefault, ssoEnrollmentAllowList, ssoRedirectUrisScoped } from "./rules/authentik";
import { noRetiredServerType } from "./rules/hetzner";
import { ciliumThroughKubePrism, customObjectsMatchSchema } from "./rules/kubernetes";
import { statefulProtected } from "./rules/protection";
import { noBallooningOnPassthrough } from "./rules/proxmox";
import { noPlainSecrets } from "./rules/secrets";
import { sshAdminSourcesOnly, sshHostKeyPinned } from "./rules/ssh";
import { containerImagePinned, helmChartPinned } from "./rules/versions";

export const GUARDS: readonly Guard[] = [
  sshAdminSourcesOnly,
  sshHostKeyPinned,
  noPlainSecrets,
  statefulProtected,
  helmChartPinned,
  containerImagePinned,
  customObjectsMatchSchema,
  ciliumThroughKubePrism,
  noBallooningOnPassthrough,
  ssoDenyByDefault,
  ssoEnrollmentAllowList,
  ssoRedirectUrisScoped,
  noRetiredServerType,
];
