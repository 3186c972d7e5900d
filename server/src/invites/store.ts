// Invites and guests in the database.
import type { Db, Queryable } from "../db/index.ts";
import { hashInviteToken } from "./tokens.ts";

interface InviteRow {
  id: string;
  org_id: string;
  ticket_id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  guests: string | number;
}

export interface StoredInvite {
  id: string;
  orgId: string;
  ticketId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  guests: number;
}

const toInvite = (r: InviteRow): StoredInvite => ({
  id: r.id,
  orgId: r.org_id,
  ticketId: r.ticket_id,
  createdAt: new Date(r.created_at).toISOString(),
  expiresAt: new Date(r.expires_at).toISOString(),
  revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  guests: Number(r.guests ?? 0),
});

export interface GuestRecord {
  id: string;
  orgId: string;
  ticketId: string;
  name: string;
  inviteId: string | null;
  /** When the guest's access ends: its invite's expiry (widget guests: null, the session decides). */
  expiresAt: Date | null;
}

const inviteColumns = "i.id, i.org_id, i.ticket_id, i.created_at, i.expires_at, i.revoked_at";

export function inviteStore(db: Db) {
  return {
    /** Inserts the row first: the token carries the row's id, and only its hash is stored afterwards. */
    async create(orgId: string, ticketId: string, createdBy: string, expiresAt: Date, tokenFor: (id: string) => string): Promise<{ invite: StoredInvite; token: string }> {
      return db.transaction(async (tx) => {
        const [row] = await tx.query<InviteRow>(
          `insert into invites (org_id, ticket_id, token_hash, created_by, expires_at) values ($1, $2, gen_random_uuid()::text, $3, $4)
           returning id, org_id, ticket_id, created_at, expires_at, revoked_at, 0 as guests`,
          [orgId, ticketId, createdBy, expiresAt],
        );
        const token = tokenFor(row!.id);
        await tx.query("update invites set token_hash = $2 where id = $1", [row!.id, hashInviteToken(token)]);
        return { invite: toInvite(row!), token };
      });
    },

    async byToken(token: string): Promise<StoredInvite | undefined> {
      const [row] = await db.query<InviteRow>(`select ${inviteColumns}, 0 as guests from invites i where i.token_hash = $1`, [hashInviteToken(token)]);
      return row && toInvite(row);
    },

    async get(orgId: string, id: string): Promise<StoredInvite | undefined> {
      const [row] = await db.query<InviteRow>(`select ${inviteColumns}, 0 as guests from invites i where i.id = $1 and i.org_id = $2`, [id, orgId]);
      return row && toInvite(row);
    },

    async listForTicket(orgId: string, ticketId: string): Promise<StoredInvite[]> {
      const rows = await db.query<InviteRow>(
        `select ${inviteColumns}, (select count(*) from guests g where g.invite_id = i.id) as guests
           from invites i where i.org_id = $1 and i.ticket_id = $2 order by i.created_at desc limit 100`,
        [orgId, ticketId],
      );
      return rows.map(toInvite);
    },

    /** Marks the invite revoked and ends its guests' sessions, in one transaction. */
    async revoke(orgId: string, id: string, by: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [row] = await tx.query<{ id: string }>(
          "update invites set revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $3) where id = $1 and org_id = $2 returning id",
          [id, orgId, by],
        );
        if (!row) return false;
        await tx.query("delete from sessions where guest_id in (select id from guests where invite_id = $1)", [id]);
        return true;
      });
    },

    async createGuest(tx: Queryable, guest: { orgId: string; ticketId: string; name: string; inviteId?: string; widgetKeyId?: string }): Promise<string> {
      const [row] = await tx.query<{ id: string }>(
        "insert into guests (org_id, ticket_id, name, invite_id, widget_key_id) values ($1, $2, $3, $4, $5) returning id",
        [guest.orgId, guest.ticketId, guest.name, guest.inviteId ?? null, guest.widgetKeyId ?? null],
      );
      return row!.id;
    },

    /** The guest if its access still stands: an invite guest whose invite is revoked or expired is gone. */
    async findGuest(guestId: string): Promise<GuestRecord | undefined> {
      const [row] = await db.query<{ id: string; org_id: string; ticket_id: string; name: string; invite_id: string | null; expires_at: Date | null; revoked_at: Date | null }>(
        `select g.id, g.org_id, g.ticket_id, g.name, g.invite_id, i.expires_at, i.revoked_at
           from guests g left join invites i on i.id = g.invite_id where g.id = $1`,
        [guestId],
      );
      if (!row) return undefined;
      if (row.invite_id && (row.revoked_at || !row.expires_at || new Date(row.expires_at).getTime() <= Date.now())) return undefined;
      return {
        id: row.id,
        orgId: row.org_id,
        ticketId: row.ticket_id,
        name: row.name,
        inviteId: row.invite_id,
        expiresAt: row.expires_at ? new Date(row.expires_at) : null,
      };
    },
  };
}
export type InviteStore = ReturnType<typeof inviteStore>;
