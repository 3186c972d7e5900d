// The audit trail: who viewed or downloaded an attachment, who edited or deleted a message.
// Written in the caller's transaction when there is one, so an audited change and its record
// commit together. Read by admins through GET /api/audit.
import type { AuditActorKind, AuditEntry, AuditQuery, Principal } from "@caseroom/shared";
import type { Queryable } from "../db/index.ts";

export interface AuditActor {
  kind: AuditActorKind;
  id: string | null;
}

export interface AuditRecord {
  orgId: string;
  actor: AuditActor;
  /** Dotted verb, e.g. `attachment.view`, `attachment.download`, `message.edit`, `message.delete`. */
  action: string;
  ticketId?: string | null;
  attachmentId?: string | null;
  /** No message text or names here unless under a `pii` key: the trail outlives the data it describes. */
  details?: Record<string, unknown>;
}

/** The audit actor of a session's principal. */
export function actorOf(principal: Principal): AuditActor {
  return principal.kind === "user" ? { kind: "user", id: principal.userId } : { kind: "guest", id: principal.guestId };
}

interface AuditRow {
  id: string | number;
  at: Date | string;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  action: string;
  ticket_id: string | null;
  attachment_id: string | null;
  details: Record<string, unknown> | string;
}

export const audit = {
  /** Appends one entry. Pass the transaction of the change being audited, or the database. */
  async record(db: Queryable, entry: AuditRecord): Promise<void> {
    await db.query(
      `insert into audit_log (org_id, actor_kind, actor_id, action, ticket_id, attachment_id, details)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [
        entry.orgId,
        entry.actor.kind,
        entry.actor.id,
        entry.action,
        entry.ticketId ?? null,
        entry.attachmentId ?? null,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  },

  /** An organisation's entries, oldest first, optionally for one ticket and a time window. */
  async list(db: Queryable, orgId: string, query: AuditQuery): Promise<AuditEntry[]> {
    const rows = await db.query<AuditRow>(
      `select id, at, actor_kind, actor_id, action, ticket_id, attachment_id, details
         from audit_log
        where org_id = $1
          and ($2::uuid is null or ticket_id = $2)
          and ($3::timestamptz is null or at >= $3)
          and ($4::timestamptz is null or at <= $4)
        order by at, id
        limit $5`,
      [orgId, query.ticketId ?? null, query.from ?? null, query.to ?? null, query.limit],
    );
    return rows.map((row) => ({
      id: String(row.id),
      at: new Date(row.at).toISOString(),
      actor: { kind: row.actor_kind, id: row.actor_id },
      action: row.action,
      ticketId: row.ticket_id,
      attachmentId: row.attachment_id,
      details: typeof row.details === "string" ? JSON.parse(row.details) : row.details,
    }));
  },
};
