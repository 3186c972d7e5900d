// Short-lived download links. A link is an HMAC over the attachment id, the variant, the expiry and
// the viewer's session id, keyed by a key derived from SESSION_SECRET: it cannot be turned into a
// link to another attachment, and it only works with the cookie of the session it was issued to
// (so it dies with a logout, an expired session or a revoked invite).
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export const LINK_TTL_MS = 5 * 60 * 1000;

export interface SignedLink {
  attachmentId: string;
  variant: "original" | "thumbnail";
  /** Unix seconds. */
  exp: number;
}

export function linkSigner(sessionSecret: string, ttlMs = LINK_TTL_MS) {
  const key = Buffer.from(hkdfSync("sha256", sessionSecret, "caseroom", "attachment download links v1", 32));
  const mac = (link: SignedLink, sessionId: string) =>
    createHmac("sha256", key).update(`${link.attachmentId}\n${link.variant}\n${link.exp}\n${sessionId}`).digest();

  return {
    ttlMs,
    /** The path (relative to the public address) and its expiry. */
    sign(attachmentId: string, variant: SignedLink["variant"], sessionId: string, now = Date.now()): { url: string; expiresAt: string } {
      const exp = Math.floor((now + ttlMs) / 1000);
      const sig = mac({ attachmentId, variant, exp }, sessionId).toString("base64url");
      const query = new URLSearchParams({ variant, exp: String(exp), sig });
      return { url: `/api/attachments/${attachmentId}/content?${query}`, expiresAt: new Date(exp * 1000).toISOString() };
    },
    /** "ok", or why the link is refused. */
    verify(link: SignedLink, sig: string, sessionId: string, now = Date.now()): "ok" | "expired" | "invalid" {
      const expected = mac(link, sessionId);
      const given = Buffer.from(sig, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
      return link.exp * 1000 > now ? "ok" : "expired";
    },
  };
}
export type LinkSigner = ReturnType<typeof linkSigner>;
