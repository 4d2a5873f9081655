import type { ProviderMocks } from "./types";

export const commandMocks: ProviderMocks = {
  resources: {},
  invokes: {},
};
