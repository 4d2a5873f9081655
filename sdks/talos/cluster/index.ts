export * from "./getHealth";
export * from "./getKubeconfig";
export * from "./kubeconfig";

import * as utilities from "../utilities";
import { Kubeconfig } from "./kubeconfig";

// Lets the runtime rebuild resource references (e.g. a resource passed as a component output).
utilities.registerModule([Kubeconfig]);
