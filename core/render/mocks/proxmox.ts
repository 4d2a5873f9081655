import type { ProviderMocks } from "./types";

export const proxmoxMocks: ProviderMocks = {
  resources: {},
  invokes: {},
};
