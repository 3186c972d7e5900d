// Appending to the event log. Callers pass the transaction of the change the event describes,
// so the log never disagrees with the tables.
import { DomainEventSchema, type DomainEvent, type StoredEvent } from "@caseroom/shared";
import type { Queryable } from "../db/index.ts";
import { validationError } from "../http/index.ts";

/** Validates and appends events; an unknown type or malformed data throws before anything is written. */
export async function appendEvents(tx: Queryable, orgId: string, events: readonly DomainEvent[]): Promise<void> {
  for (const event of events) {
    const parsed = DomainEventSchema.safeParse(event);
    if (!parsed.success) throw validationError(`event ${event.type}`, parsed.error.issues);
  }
  for (const event of events) {
    await tx.query(
      `insert into events (id, org_id, type, at, actor_id, ticket_id, call_id, data)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [event.id, orgId, event.type, event.at, event.actorId ?? null, event.ticketId ?? null, event.callId ?? null, JSON.stringify(event.data)],
    );
  }
}

interface EventRow {
  seq: string | number;
  id: string;
  type: string;
  at: Date;
  actor_id: string | null;
  ticket_id: string | null;
  call_id: string | null;
  data: Record<string, unknown>;
}

export async function readEvents(db: Queryable, orgId: string, after: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db.query<EventRow>(
    "select seq, id, type, at, actor_id, ticket_id, call_id, data from events where org_id = $1 and seq > $2 order by seq limit $3",
    [orgId, after, limit],
  );
  return rows.map((row) => ({
    seq: Number(row.seq),
    id: row.id,
    type: row.type,
    at: new Date(row.at).toISOString(),
    actorId: row.actor_id,
    ticketId: row.ticket_id,
    callId: row.call_id,
    data: row.data,
  }));
}
