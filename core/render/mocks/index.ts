/**
 * The one mocks implementation, shared by the offline render and the tests.
 * Each provider's realistic answers live in their own file; a resource type
 * without a specific mock echoes its inputs with a stable id, and an invoke
 * without one throws, because a made-up invoke result would hide a bug.
 */
import type * as pulumi from "@pulumi/pulumi";
import { authentikMocks } from "./authentik";
import { cloudflareMocks } from "./cloudflare";
import { commandMocks } from "./command";
import { hcloudMocks } from "./hcloud";
import { kubernetesMocks } from "./kubernetes";
import { proxmoxMocks } from "./proxmox";
import { pulumiMocks } from "./pulumi";
import { randomMocks } from "./random";
import { talosMocks } from "./talos";
import type { InvokeMock, ProviderMocks, ResourceMock } from "./types";

const ALL: readonly ProviderMocks[] = [
  pulumiMocks,
  proxmoxMocks,
  talosMocks,
  kubernetesMocks,
  hcloudMocks,
  cloudflareMocks,
  commandMocks,
  authentikMocks,
  randomMocks,
];

const resourceMocks = new Map<string, ResourceMock>();
const invokeMocks = new Map<string, InvokeMock>();
for (const provider of ALL) {
  for (const [type, mock] of Object.entries(provider.resources ?? {})) resourceMocks.set(type, mock);
  for (const [token, mock] of Object.entries(provider.invokes ?? {})) invokeMocks.set(token, mock);
}

export class UnmockedInvokeError extends Error {
  constructor(token: string) {
    super(`no mock for invoke ${token}: add one to core/render/mocks/ (a guessed answer would hide bugs)`);
  }
}

export const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    const mock = resourceMocks.get(args.type);
    const result = mock?.(args) ?? {};
    return {
      id: result.id ?? (args.custom === false ? "" : `${args.name}-id`),
      state: { ...args.inputs, ...(result.state ?? {}) },
    };
  },
  call(args) {
    const mock = invokeMocks.get(args.token);
    if (!mock) throw new UnmockedInvokeError(args.token);
    return mock(args);
  },
};
