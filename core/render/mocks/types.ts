import type * as pulumi from "@pulumi/pulumi";

/** What a provider would answer for a created resource: its id and output state. */
export interface MockState {
  readonly id?: string;
  readonly state?: Record<string, unknown>;
}

export type ResourceMock = (args: pulumi.runtime.MockResourceArgs) => MockState;
export type InvokeMock = (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;

/** The mock answers of one provider, keyed by resource type / invoke token. */
export interface ProviderMocks {
  readonly resources?: Readonly<Record<string, ResourceMock>>;
  readonly invokes?: Readonly<Record<string, InvokeMock>>;
}

/**
 * Deterministic stand-ins for provider-generated values: the same name always
 * gives the same id, so renders are byte-identical across runs.
 */
export function stableNumber(seed: string, modulo = 1_000_000): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return (h % modulo) + 1;
}

export function stableHex(seed: string, length = 64): string {
  let out = "";
  let i = 0;
  while (out.length < length) out += stableNumber(`${seed}#${i++}`, 0xffffffff).toString(16).padStart(8, "0");
  return out.slice(0, length);
}

export function stableUuid(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
