import type { ProviderMocks } from "./types";

export const cloudflareMocks: ProviderMocks = {
  resources: {},
  invokes: {},
};
