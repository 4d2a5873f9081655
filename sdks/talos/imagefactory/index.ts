export * from "./getUrls";
export * from "./schematic";

import * as utilities from "../utilities";
import { Schematic } from "./schematic";

// Lets the runtime rebuild resource references (e.g. a resource passed as a component output).
utilities.registerModule([Schematic]);
