// Sessions live in the database, so any node can serve any request and a restart keeps everyone in.
import { createHmac, randomBytes } from "node:crypto";
import type { Principal, StaffRole } from "@caseroom/shared";
import type { Db } from "../db/index.ts";

export const SESSION_COOKIE = "caseroom_session";
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

interface SessionRow {
  org_id: string;
  user_id: string | null;
  guest_id: string | null;
  ticket_id: string | null;
  role: StaffRole | null;
}

export function sessionStore(db: Db, secret: string) {
  // A keyed hash: the stored id cannot be turned back into a cookie, even with the database in hand.
  const idOf = (token: string) => createHmac("sha256", secret).update(token).digest("base64url");

  return {
    /** The stored id of a token: socket rooms use it so a logout can drop that session's sockets. */
    idOf,

    /** `notAfter` shortens the session (a guest's ends with its invite); it never lengthens it. */
    async create(principal: Principal, notAfter?: Date): Promise<{ token: string; expiresAt: Date }> {
      const token = randomBytes(32).toString("base64url");
      const expiresAt = new Date(Math.min(Date.now() + SESSION_TTL_MS, notAfter?.getTime() ?? Infinity));
      await db.query(
        "insert into sessions (id, org_id, user_id, guest_id, ticket_id, expires_at) values ($1, $2, $3, $4, $5, $6)",
        principal.kind === "user"
          ? [idOf(token), principal.orgId, principal.userId, null, null, expiresAt]
          : [idOf(token), principal.orgId, null, principal.guestId, principal.ticketId, expiresAt],
      );
      return { token, expiresAt };
    },

    /** The principal behind a cookie token, or undefined when unknown, expired or the user disabled. */
    async resolve(token: string | undefined): Promise<Principal | undefined> {
      if (!token || token.length > 128) return undefined;
      const [row] = await db.query<SessionRow>(
        `select s.org_id, s.user_id, s.guest_id, s.ticket_id, u.role
           from sessions s left join users u on u.id = s.user_id and u.disabled_at is null
          where s.id = $1 and s.expires_at > now()`,
        [idOf(token)],
      );
      if (!row) return undefined;
      if (row.user_id) {
        return row.role ? { kind: "user", userId: row.user_id, orgId: row.org_id, role: row.role } : undefined;
      }
      return { kind: "guest", guestId: row.guest_id!, orgId: row.org_id, ticketId: row.ticket_id! };
    },

    async destroy(token: string | undefined): Promise<void> {
      if (token) await db.query("delete from sessions where id = $1", [idOf(token)]);
    },

    async purgeExpired(): Promise<void> {
      await db.query("delete from sessions where expires_at <= now()");
    },
  };
}
export type SessionStore = ReturnType<typeof sessionStore>;
