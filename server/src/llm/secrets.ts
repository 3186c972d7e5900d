// Provider keys at rest: AES-256-GCM with a key derived (HKDF-SHA256) from the deployment's SECRETS_KEY.
// The organisation and provider are the associated data, so a sealed key copied to another row or
// organisation does not open. Format: `v1.<iv>.<tag>.<ciphertext>`, base64url.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

export interface SecretBox {
  seal(plain: string, context: string): string;
  /** The plain text, or undefined when it was sealed with another key or tampered with. */
  open(sealed: string, context: string): string | undefined;
}

export function secretBox(keyMaterial: string): SecretBox {
  const key = Buffer.from(hkdfSync("sha256", keyMaterial, "caseroom", "caseroom/stored-secrets/v1", 32));
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return ["v1", iv, cipher.getAuthTag(), body].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
    },
    open(sealed, context) {
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== "v1" || !iv || !tag || body === undefined) return undefined;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        return undefined;
      }
    },
  };
}

/** The hint shown for a saved key: its last four characters, and only for keys long enough to spare them. */
export const keyHint = (apiKey: string): string | null => (apiKey.length >= 16 ? `…${apiKey.slice(-4)}` : null);
