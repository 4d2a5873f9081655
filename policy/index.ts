/**
 * The homelab's guard rails as a Pulumi policy pack. `just core <stack>
 * preview|up` runs it (`pulumi … --policy-pack policy`); see policy/README.md.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./pack";
import { loadSchemas } from "./rules/kubernetes";

// Pulumi's runner awaits a promise the pack's module exports; the server
// starts once the upstream schemas are loaded.
export = loadSchemas().then(() => {
  new PolicyPack("homelab-guard-rails", { policies: POLICIES });
});
