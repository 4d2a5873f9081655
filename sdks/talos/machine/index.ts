export * from "./bootstrap";
export * from "./configurationApply";
export * from "./getConfiguration";
export * from "./secrets";

import * as utilities from "../utilities";
import { Bootstrap } from "./bootstrap";
import { ConfigurationApply } from "./configurationApply";
import { Secrets } from "./secrets";

// Lets the runtime rebuild resource references (e.g. a resource passed as a component output).
utilities.registerModule([Bootstrap, ConfigurationApply, Secrets]);
