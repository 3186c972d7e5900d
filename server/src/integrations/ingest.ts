// Event ingest for CRM and telephony systems ([M22]). A batch is all or nothing: every event is
// checked (shape, and what it refers to) before anything is written, and every bad one is named by its
// index. Then one statement inserts them with `on conflict (id) do nothing`: an id already stored
// is a duplicate, counted and not stored twice. A `ticket.created` for a new ticket id creates the
// ticket. Other ticket.* events are recorded for the metrics; they do not edit the ticket, whose
// one source of truth is its live document (PATCH /api/tickets/:id).
import { DomainEventSchema, issuesToDetails, MAX_INGEST_BATCH, type DomainEvent, type IngestResult } from "@caseroom/shared";
import type { Db } from "../db/index.ts";
import { AppError } from "../http/index.ts";

interface Invalid {
  index: number;
  fields: { path: string; message: string }[];
}

export interface IngestOutcome extends IngestResult {
  /** Tickets created by this batch, for the live queue. */
  createdTickets: string[];
}

export async function ingestEvents(db: Db, orgId: string, raw: readonly unknown[]): Promise<IngestOutcome> {
  if (raw.length > MAX_INGEST_BATCH) {
    throw new AppError("payload_too_large", `At most ${MAX_INGEST_BATCH} events per batch; this one has ${raw.length}`);
  }
  const invalid: Invalid[] = [];
  const bad = (index: number, path: string, message: string) => invalid.push({ index, fields: [{ path, message }] });
  const parsed: { index: number; event: DomainEvent }[] = [];
  raw.forEach((item, index) => {
    const result = DomainEventSchema.safeParse(item);
    if (result.success) parsed.push({ index, event: result.data as DomainEvent });
    else invalid.push({ index, fields: issuesToDetails(result.error.issues).fields });
  });

  // What the batch refers to, in one round trip: ids already stored, tickets, people.
  const ids = parsed.map((p) => p.event.id);
  const ticketIds = [...new Set(parsed.map((p) => p.event.ticketId).filter((id): id is string => Boolean(id)))];
  const people = [...new Set(parsed.flatMap((p) => [p.event.actorId, p.event.type === "ticket.assigned" ? (p.event.data.to as string | null) : null]).filter(Boolean))];
  const [known] = await db.query<{ events: [string, string][] | null; tickets: [string, string][] | null; staff: string[] | null }>(
    `select (select json_agg(json_build_array(id, org_id)) from events where id = any($1::uuid[])) as events,
            (select json_agg(json_build_array(id, org_id)) from tickets where id = any($2::uuid[])) as tickets,
            (select json_agg(id) from users where org_id = $3 and id = any($4::uuid[])) as staff`,
    [ids, ticketIds, orgId, people],
  );
  const json = <T>(v: T | string | null) => (typeof v === "string" ? (JSON.parse(v) as T) : v);
  const stored = new Map(json(known!.events) ?? []);
  const fresh: { index: number; event: DomainEvent }[] = [];
  const seen = new Set<string>();
  for (const p of parsed) {
    const owner = stored.get(p.event.id);
    if (owner && owner !== orgId) bad(p.index, "id", "this event id is already used");
    else if (!owner && !seen.has(p.event.id)) fresh.push(p);
    seen.add(p.event.id);
  }

  const tickets = new Map(json(known!.tickets) ?? []);
  const staff = new Set(json(known!.staff) ?? []);
  const createdHere = new Map<string, number>();
  for (const { index, event } of fresh) {
    if (event.type !== "ticket.created") continue;
    if (tickets.has(event.ticketId!)) bad(index, "ticketId", "this ticket already exists");
    else if (createdHere.has(event.ticketId!)) bad(index, "ticketId", `this ticket is already created by event ${createdHere.get(event.ticketId!)} of the batch`);
    else createdHere.set(event.ticketId!, index);
  }
  for (const { index, event } of fresh) {
    if (event.ticketId && event.type !== "ticket.created" && tickets.get(event.ticketId) !== orgId && !createdHere.has(event.ticketId)) {
      bad(index, "ticketId", "no such ticket in this organisation (send its ticket.created first or in the same batch)");
    }
    if (event.type === "ticket.assigned" && event.data.to && !staff.has(event.data.to)) bad(index, "data.to", "no such user in this organisation");
  }

  if (invalid.length > 0) {
    invalid.sort((a, b) => a.index - b.index);
    const fields = invalid.flatMap((i) => i.fields.map((f) => ({ path: `events.${i.index}.${f.path}`, message: f.message })));
    throw new AppError("validation_failed", `${invalid.length} of ${raw.length} events are invalid; nothing was stored`, { invalid, fields });
  }

  // One statement, so one round trip and no transaction held open across several: the events go in
  // (an id stored a moment ago by a concurrent batch is a duplicate, `on conflict do nothing`), and
  // the tickets of the ticket.created events that did go in get their numbers from the organisation's
  // counter, whose row stays locked only for this statement.
  const batch = fresh.map((p) => p.event);
  const creations = batch.filter((e): e is Extract<DomainEvent, { type: "ticket.created" }> => e.type === "ticket.created");
  const [row] = await db.query<{ inserted: string[] | null; tickets: string[] | null }>(
    `with ins as (
       insert into events (id, org_id, type, at, actor_id, ticket_id, call_id, data)
       select e.id, $1, e.type, e.at, e.actor_id, e.ticket_id, e.call_id, e.data::jsonb
         from unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[])
              as e(id, type, at, actor_id, ticket_id, call_id, data)
       on conflict (id) do nothing returning id),
     created as (
       select c.ticket_id, c.title, c.priority, c.created_by, c.at,
              row_number() over (order by c.n) as k, count(*) over () as total
         from unnest($9::uuid[], $10::uuid[], $11::text[], $12::text[], $13::uuid[], $14::timestamptz[])
              with ordinality as c(event_id, ticket_id, title, priority, created_by, at, n)
        where c.event_id in (select id from ins)),
     counter as (
       update orgs set ticket_counter = ticket_counter + (select count(*) from created)
        where id = $1 and exists (select 1 from created)
        returning ticket_counter, search_config),
     made as (
       insert into tickets (id, org_id, number, title, priority, created_by, created_at, updated_at, search_config)
       select c.ticket_id, $1, (o.ticket_counter - c.total + c.k)::int, c.title, c.priority, c.created_by, c.at, c.at, o.search_config::text::regconfig
         from created c cross join counter o
        order by c.k
       returning id)
     select (select array_agg(id) from ins) as inserted, (select array_agg(id) from made) as tickets`,
    [
      orgId,
      batch.map((e) => e.id),
      batch.map((e) => e.type),
      batch.map((e) => e.at),
      batch.map((e) => e.actorId ?? null),
      batch.map((e) => e.ticketId ?? null),
      batch.map((e) => e.callId ?? null),
      batch.map((e) => JSON.stringify(e.data)),
      creations.map((e) => e.id),
      creations.map((e) => e.ticketId!),
      creations.map((e) => e.data.title.slice(0, 200) || "—"),
      creations.map((e) => e.data.priority),
      creations.map((e) => (e.actorId && staff.has(e.actorId) ? e.actorId : null)),
      creations.map((e) => e.at),
    ],
  );
  const inserted = row!.inserted ?? [];
  // In the batch's order, as the ticket numbers are.
  const made = new Set(row!.tickets ?? []);
  const created = { accepted: inserted.length, createdTickets: creations.map((e) => e.ticketId!).filter((id) => made.has(id)) };
  return { accepted: created.accepted, duplicates: raw.length - created.accepted, createdTickets: created.createdTickets };
}
