/**
 * @pulumi/random and @pulumi/tls answers: generated values with the shape
 * the real providers give, deterministic per logical name so renders stay
 * byte-identical.
 *
 * - random_password (terraform-provider-random): id "none"; `result` of
 *   `length` characters from the allowed classes; `bcrypt_hash` from
 *   golang.org/x/crypto/bcrypt (`$2a$10$` + 53 characters).
 * - tls_private_key ED25519 (terraform-provider-tls): `public_key_openssh`
 *   as ssh.MarshalAuthorizedKey writes it (`ssh-ed25519 <base64>\n`), the
 *   private key as an OpenSSH PEM block; id is the SHA-1 hex of the public key.
 */
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { stableHex, type ProviderMocks } from "./types";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function stableString(seed: string, length: number, alphabet: string): string {
  const hex = stableHex(seed, length * 2);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return out;
}

/** A real Ed25519 key pair from a 32-byte seed (PKCS#8 prefix for Ed25519 + seed). */
function ed25519(seed: string): { publicKeyOpenssh: string; privateKeyOpenssh: string; privateKeyPem: string; publicKeyPem: string } {
  const raw = Buffer.from(stableHex(seed, 64), "hex");
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), raw]);
  const priv = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  const pubRaw = Buffer.from(createPublicKey(priv).export({ format: "jwk" }).x!, "base64url");
  const str = (b: Buffer) => Buffer.concat([u32(b.length), b]);
  const blob = Buffer.concat([str(Buffer.from("ssh-ed25519")), str(pubRaw)]);
  const pem = (label: string, body: Buffer) => `-----BEGIN ${label}-----\n${body.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n?$/, "\n")}-----END ${label}-----\n`;
  return {
    publicKeyOpenssh: `ssh-ed25519 ${blob.toString("base64")}\n`,
    // Stand-in body: the real provider writes the openssh-key-v1 structure.
    privateKeyOpenssh: pem("OPENSSH PRIVATE KEY", Buffer.concat([Buffer.from("openssh-key-v1\0"), blob, raw])),
    privateKeyPem: priv.export({ format: "pem", type: "pkcs8" }).toString(),
    publicKeyPem: createPublicKey(priv).export({ format: "pem", type: "spki" }).toString(),
  };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

export const randomMocks: ProviderMocks = {
  resources: {
    "random:index/randomPassword:RandomPassword": (args) => {
      const length = Number(args.inputs["length"] ?? 16);
      const special = args.inputs["special"] !== false;
      const alphabet = special ? `${ALNUM}!#$%&*()-_=+[]{}<>:?` : ALNUM;
      return {
        id: "none",
        state: { result: stableString(`${args.name}/result`, length, alphabet), bcryptHash: `$2a$10$${stableString(`${args.name}/bcrypt`, 53, BCRYPT64)}` },
      };
    },
    "tls:index/privateKey:PrivateKey": (args) => {
      const keys = ed25519(args.name);
      return {
        id: createHash("sha1").update(keys.publicKeyPem).digest("hex"),
        state: {
          ecdsaCurve: "P224",
          rsaBits: 2048,
          ...keys,
          privateKeyPemPkcs8: keys.privateKeyPem,
          publicKeyFingerprintSha256: `SHA256:${createHash("sha256").update(Buffer.from(keys.publicKeyOpenssh.split(" ")[1]!, "base64")).digest("base64").replace(/=+$/, "")}`,
        },
      };
    },
  },
  invokes: {},
};
