import type { ProviderMocks } from "./types";

export const talosMocks: ProviderMocks = {
  resources: {},
  invokes: {},
};
