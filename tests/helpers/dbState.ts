// Reads the database behind a test server directly, to prove that a refused request changed nothing.
import type { Queryable } from "../../server/src/db/index.ts";

export interface RowCounts {
  tickets: number;
  events: number;
}

export async function rowCounts(db: Queryable): Promise<RowCounts> {
  const [row] = await db.query<RowCounts>(
    "select (select count(*) from tickets)::int as tickets, (select count(*) from events)::int as events",
  );
  return { tickets: Number(row!.tickets), events: Number(row!.events) };
}

/** A ticket's row as stored, with the number of events about it: equal before and after means untouched. */
export async function ticketState(db: Queryable, ticketId: string): Promise<Record<string, unknown>> {
  const [row] = await db.query(
    `select t.title, t.status, t.priority, t.assignee_id, t.updated_at::text as updated_at,
            (select count(*) from events e where e.ticket_id = t.id)::int as events
       from tickets t where t.id = $1`,
    [ticketId],
  );
  if (!row) throw new Error(`no ticket ${ticketId}`);
  return row;
}

export async function orgIdBySlug(db: Queryable, slug: string): Promise<string> {
  const [row] = await db.query<{ id: string }>("select id from orgs where slug = $1", [slug]);
  if (!row) throw new Error(`no org ${slug}`);
  return row.id;
}

/** The first seeded ticket of an organisation (by number). */
export async function firstTicketOf(db: Queryable, orgId: string): Promise<string> {
  const [row] = await db.query<{ id: string }>("select id from tickets where org_id = $1 order by number limit 1", [orgId]);
  if (!row) throw new Error(`org ${orgId} has no ticket`);
  return row.id;
}
