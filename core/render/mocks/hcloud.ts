import type { ProviderMocks } from "./types";

export const hcloudMocks: ProviderMocks = {
  resources: {},
  invokes: {},
};
