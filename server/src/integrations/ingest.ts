// Event ingest for CRM and telephony systems ([M22]). A batch is all or nothing: every event is
// checked (shape, and what it refers to) before anything is written, and every bad one is named by its
// index. Then one transaction inserts them with `on conflict (id) do nothing`: an id already stored
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

  const ids = parsed.map((p) => p.event.id);
  const stored = new Map(
    (await db.query<{ id: string; org_id: string }>("select id, org_id from events where id = any($1::uuid[])", [ids])).map((r) => [r.id, r.org_id]),
  );
  const fresh: { index: number; event: DomainEvent }[] = [];
  const seen = new Set<string>();
  for (const p of parsed) {
    const owner = stored.get(p.event.id);
    if (owner && owner !== orgId) bad(p.index, "id", "this event id is already used");
    else if (!owner && !seen.has(p.event.id)) fresh.push(p);
    seen.add(p.event.id);
  }

  const ticketIds = [...new Set(fresh.map((p) => p.event.ticketId).filter((id): id is string => Boolean(id)))];
  const tickets = new Map(
    (await db.query<{ id: string; org_id: string }>("select id, org_id from tickets where id = any($1::uuid[])", [ticketIds])).map((r) => [r.id, r.org_id]),
  );
  const people = [...new Set(fresh.flatMap((p) => [p.event.actorId, p.event.type === "ticket.assigned" ? (p.event.data.to as string | null) : null]).filter(Boolean))];
  const staff = new Set(
    (await db.query<{ id: string }>("select id from users where org_id = $1 and id = any($2::uuid[])", [orgId, people])).map((r) => r.id),
  );
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

  const created = await db.transaction(async (tx) => {
    const batch = fresh.map((p) => p.event);
    const inserted = new Set(
      (
        await tx.query<{ id: string }>(
          `insert into events (id, org_id, type, at, actor_id, ticket_id, call_id, data)
           select e.id, $1, e.type, e.at, e.actor_id, e.ticket_id, e.call_id, e.data::jsonb
             from unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[])
                  as e(id, type, at, actor_id, ticket_id, call_id, data)
           on conflict (id) do nothing returning id`,
          [
            orgId,
            batch.map((e) => e.id),
            batch.map((e) => e.type),
            batch.map((e) => e.at),
            batch.map((e) => e.actorId ?? null),
            batch.map((e) => e.ticketId ?? null),
            batch.map((e) => e.callId ?? null),
            batch.map((e) => JSON.stringify(e.data)),
          ],
        )
      ).map((r) => r.id),
    );
    // A concurrent batch may have stored the same id a moment ago: then it is a duplicate here.
    const creations = batch.filter((e): e is Extract<DomainEvent, { type: "ticket.created" }> => e.type === "ticket.created" && inserted.has(e.id));
    const createdTickets = creations.map((e) => e.ticketId!);
    if (creations.length > 0) {
      // Numbers for all the batch's tickets in one step: the organisation row stays locked until
      // commit, so the less work after taking it, the less concurrent batches wait.
      const [org] = await tx.query<{ ticket_counter: number; search_config: string }>(
        "update orgs set ticket_counter = ticket_counter + $2 where id = $1 returning ticket_counter, search_config::text as search_config",
        [orgId, creations.length],
      );
      const first = org!.ticket_counter - creations.length + 1;
      await tx.query(
        `insert into tickets (id, org_id, number, title, priority, created_by, created_at, updated_at, search_config)
         select t.id, $1, t.number, t.title, t.priority, t.created_by, t.at, t.at, $7::regconfig
           from unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::uuid[], $8::timestamptz[]) as t(id, number, title, priority, created_by, at)`,
        [
          orgId,
          createdTickets,
          creations.map((_, i) => first + i),
          creations.map((e) => e.data.title.slice(0, 200) || "—"),
          creations.map((e) => e.data.priority),
          creations.map((e) => (e.actorId && staff.has(e.actorId) ? e.actorId : null)),
          org!.search_config,
          creations.map((e) => e.at),
        ],
      );
    }
    return { accepted: inserted.size, createdTickets };
  });
  return { accepted: created.accepted, duplicates: raw.length - created.accepted, createdTickets: created.createdTickets };
}
