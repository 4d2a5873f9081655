/** The five stacks of this program, in the order they are brought up. */
export const STACK_NAMES = ["talos", "platform", "hetzner", "authentik", "cloudflare"] as const;

export type StackName = (typeof STACK_NAMES)[number];

export function isStackName(name: string): name is StackName {
  return (STACK_NAMES as readonly string[]).includes(name);
}

/** What naming a stack this program does not have says (UnknownStackError's message). */
export function unknownStackMessage(name: string, valid: readonly string[] = STACK_NAMES): string {
  return (
    `Unknown stack "${name}". This program has five stacks: ${valid.join(", ")}. ` +
    `Select one with \`pulumi stack select <name>\` or run \`just core <stack> <action>\`.`
  );
}
