import type { ProviderMocks } from "./types";

export const authentikMocks: ProviderMocks = {
  resources: {},
  invokes: {},
};
