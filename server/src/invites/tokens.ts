// Invite link tokens: `v1.<payload>.<mac>`, the payload naming the invite and its expiry, the MAC an
// HMAC-SHA256 under a key derived from SESSION_SECRET for this one purpose. A tampered token fails
// the MAC before any database lookup; the database keeps only a SHA-256 of the whole token, so the
// stored rows cannot be turned back into links, and a revoked or expired invite fails there.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

const PayloadSchema = z.strictObject({
  /** invite id */
  i: z.uuid(),
  /** expiry, seconds since the epoch */
  e: z.number().int().positive(),
  /** a random nonce: two invites never share a token, and a token cannot be derived from its row */
  n: z.string().min(8).max(64),
});

export type TokenCheck =
  | { ok: true; inviteId: string; expiresAt: Date }
  | { ok: false; reason: "invalid" | "expired" };

export const hashInviteToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function inviteTokens(sessionSecret: string) {
  const key = Buffer.from(hkdfSync("sha256", sessionSecret, "caseroom", "invite-link-v1", 32));
  const mac = (payload: string) => createHmac("sha256", key).update(`v1.${payload}`).digest();

  return {
    issue(inviteId: string, expiresAt: Date): string {
      const payload = Buffer.from(
        JSON.stringify({ i: inviteId, e: Math.floor(expiresAt.getTime() / 1000), n: randomBytes(12).toString("base64url") }),
      ).toString("base64url");
      return `v1.${payload}.${mac(payload).toString("base64url")}`;
    },

    /** Checks the signature and the expiry it carries; revocation is the database's to say. */
    verify(token: string, now = Date.now()): TokenCheck {
      const parts = token.split(".");
      if (parts.length !== 3 || parts[0] !== "v1") return { ok: false, reason: "invalid" };
      const [, payload, given] = parts as [string, string, string];
      const expected = mac(payload);
      const actual = Buffer.from(given, "base64url");
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: "invalid" };
      let parsed: z.infer<typeof PayloadSchema>;
      try {
        const result = PayloadSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
        if (!result.success) return { ok: false, reason: "invalid" };
        parsed = result.data;
      } catch {
        return { ok: false, reason: "invalid" };
      }
      const expiresAt = new Date(parsed.e * 1000);
      if (expiresAt.getTime() <= now) return { ok: false, reason: "expired" };
      return { ok: true, inviteId: parsed.i, expiresAt };
    },
  };
}
export type InviteTokens = ReturnType<typeof inviteTokens>;
