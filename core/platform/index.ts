/**
 * The `platform` stack (DESIGN §4). Placeholder until its issue lands: config is
 * validated (project-level keys) and the stack registers no resources yet.
 */
import { defineStack } from "../stack";

export default defineStack({
  name: "platform",
  shape: {},
  run: () => ({}),
});
