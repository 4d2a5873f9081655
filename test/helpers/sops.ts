import { parse } from "yaml";

/**
 * Problems that make a file under secrets/ unsafe to commit: it must be a sops
 * document (a `sops:` block with a MAC and at least one recipient) whose every
 * value is an `ENC[…]` ciphertext. Returns [] for a properly encrypted file.
 */
export function sopsProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return [`not YAML: ${(err as Error).message}`];
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return ["not a YAML mapping"];
  const problems: string[] = [];
  const { sops, ...data } = doc as Record<string, unknown>;
  if (!sops || typeof sops !== "object") problems.push("no sops: metadata block");
  else {
    const meta = sops as Record<string, unknown>;
    if (typeof meta["mac"] !== "string" || !meta["mac"].startsWith("ENC[")) problems.push("sops metadata has no encrypted mac");
    const recipients = ["age", "pgp", "kms", "gcp_kms", "azure_kv", "hc_vault"].some(
      (k) => Array.isArray(meta[k]) && (meta[k] as unknown[]).length > 0,
    );
    if (!recipients) problems.push("sops metadata lists no recipients");
  }
  const walk = (v: unknown, path: string) => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    else if (typeof v !== "string" || !/^ENC\[AES256_GCM,data:[^,]*,iv:[^,]+,tag:[^,]+,type:\w+\]$/.test(v))
      problems.push(`${path} is not encrypted (plaintext value)`);
  };
  walk(data, "");
  return problems;
}
