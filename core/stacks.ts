/** The five stacks of this program, in the order they are brought up. */
export const STACK_NAMES = ["talos", "platform", "hetzner", "authentik", "cloudflare"] as const;

export type StackName = (typeof STACK_NAMES)[number];

export function isStackName(name: string): name is StackName {
  return (STACK_NAMES as readonly string[]).includes(name);
}
