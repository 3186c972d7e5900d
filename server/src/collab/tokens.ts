// Short-lived tokens for non-browser clients of /collab: signed with SESSION_SECRET, bound to one
// user, one organisation and one ticket.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export const COLLAB_TOKEN_TTL_MS = 5 * 60 * 1000;

const PayloadSchema = z.object({ u: z.string(), o: z.string(), t: z.string(), e: z.number() });
export interface CollabTokenClaims {
  userId: string;
  orgId: string;
  ticketId: string;
  expiresAt: Date;
}

export function collabTokens(secret: string) {
  const sign = (body: string) => createHmac("sha256", `collab:${secret}`).update(body).digest("base64url");
  return {
    issue(claims: Omit<CollabTokenClaims, "expiresAt">, now = Date.now()): { token: string; expiresAt: Date } {
      const expiresAt = new Date(now + COLLAB_TOKEN_TTL_MS);
      const body = Buffer.from(JSON.stringify({ u: claims.userId, o: claims.orgId, t: claims.ticketId, e: expiresAt.getTime() })).toString("base64url");
      return { token: `${body}.${sign(body)}`, expiresAt };
    },
    /** The claims of a valid, unexpired token, or undefined. */
    verify(token: string, now = Date.now()): CollabTokenClaims | undefined {
      if (token.length > 1024) return undefined;
      const [body, signature] = token.split(".");
      if (!body || !signature) return undefined;
      const expected = Buffer.from(sign(body));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      let payload: z.infer<typeof PayloadSchema>;
      try {
        payload = PayloadSchema.parse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
      } catch {
        return undefined;
      }
      if (payload.e <= now) return undefined;
      return { userId: payload.u, orgId: payload.o, ticketId: payload.t, expiresAt: new Date(payload.e) };
    },
  };
}
export type CollabTokens = ReturnType<typeof collabTokens>;
