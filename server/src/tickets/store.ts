// Tickets in the database. Every change writes its events in the same transaction.
import { randomUUID } from "node:crypto";
import type { CreateTicketBody, DomainEvent, PatchTicketBody, Ticket, TicketListQuery } from "@caseroom/shared";
import type { Db, Queryable } from "../db/index.ts";
import { appendEvents } from "../events/index.ts";
import { AppError } from "../http/index.ts";

interface TicketRow {
  id: string;
  number: number;
  title: string;
  description: string;
  status: Ticket["status"];
  priority: Ticket["priority"];
  assignee_id: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const columns = "id, number, title, description, status, priority, assignee_id, created_by, created_at, updated_at";

const toTicket = (row: TicketRow): Ticket => ({
  id: row.id,
  number: Number(row.number),
  title: row.title,
  description: row.description,
  status: row.status,
  priority: row.priority,
  assigneeId: row.assignee_id,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

export const unknownAssignee = () =>
  new AppError("validation_failed", "Invalid ticket: assigneeId: no such user in this organisation", {
    fields: [{ path: "assigneeId", message: "no such user in this organisation" }],
  });

export interface TicketChange {
  ticket: Ticket;
  events: DomainEvent[];
}

export function ticketStore(db: Db) {
  return {
    async list(orgId: string, filter: TicketListQuery): Promise<Ticket[]> {
      const where = ["t.org_id = $1"];
      const params: unknown[] = [orgId];
      if (filter.status) where.push(`t.status = $${params.push(filter.status)}`);
      if (filter.assigneeId === "none") where.push("t.assignee_id is null");
      else if (filter.assigneeId) where.push(`t.assignee_id = $${params.push(filter.assigneeId)}`);
      if (filter.q) {
        const n = params.push(filter.q);
        // Full text in the organisation's language, or a plain substring for numbers and fragments.
        where.push(`(t.search @@ websearch_to_tsquery(o.search_config, $${n}) or t.title ilike '%' || $${n} || '%' or t.number::text = $${n})`);
      }
      const rows = await db.query<TicketRow>(
        `select ${columns.split(", ").map((c) => `t.${c}`).join(", ")}
           from tickets t join orgs o on o.id = t.org_id
          where ${where.join(" and ")}
          order by t.updated_at desc limit 500`,
        params,
      );
      return rows.map(toTicket);
    },

    /** Several tickets of the organisation in one query (others are left out), in the order asked. */
    async getMany(orgId: string, ids: readonly string[]): Promise<Ticket[]> {
      if (ids.length === 0) return [];
      const rows = await db.query<TicketRow>(`select ${columns} from tickets where id = any($1::uuid[]) and org_id = $2`, [ids, orgId]);
      const byId = new Map(rows.map((r) => [r.id, toTicket(r)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    /** The ticket if it belongs to the organisation; another organisation's ticket is simply not found. */
    async get(orgId: string, id: string, tx: Queryable = db): Promise<Ticket | undefined> {
      const [row] = await tx.query<TicketRow>(`select ${columns} from tickets where id = $1 and org_id = $2`, [id, orgId]);
      return row && toTicket(row);
    },

    /** `actorId` null: opened by a customer (the website widget), not by a staff member. */
    async create(orgId: string, actorId: string | null, body: CreateTicketBody): Promise<TicketChange> {
      return db.transaction(async (tx) => {
        const [org] = await tx.query<{ ticket_counter: number; search_config: string }>(
          "update orgs set ticket_counter = ticket_counter + 1 where id = $1 returning ticket_counter, search_config::text as search_config",
          [orgId],
        );
        if (!org) throw new AppError("not_found", "Organisation not found");
        const [row] = await tx.query<TicketRow>(
          `insert into tickets (org_id, number, title, description, priority, created_by, search_config)
           values ($1, $2, $3, $4, $5, $6, $7::regconfig) returning ${columns}`,
          [orgId, org.ticket_counter, body.title, body.description ?? "", body.priority ?? "normal", actorId, org.search_config],
        );
        const ticket = toTicket(row!);
        const events: DomainEvent[] = [
          { id: randomUUID(), type: "ticket.created", at: ticket.createdAt, actorId, ticketId: ticket.id, data: { title: ticket.title, priority: ticket.priority } },
        ];
        await appendEvents(tx, orgId, events);
        return { ticket, events };
      });
    },

    /** Applies a patch; one event per field that really changed. Unchanged fields write nothing. */
    async update(orgId: string, actorId: string | null, id: string, patch: PatchTicketBody): Promise<TicketChange | undefined> {
      return db.transaction(async (tx) => {
        const [current] = await tx.query<TicketRow>(`select ${columns} from tickets where id = $1 and org_id = $2 for update`, [id, orgId]);
        if (!current) return undefined;
        const before = toTicket(current);
        if (patch.assigneeId) {
          const [assignee] = await tx.query("select 1 from users where id = $1 and org_id = $2 and disabled_at is null", [patch.assigneeId, orgId]);
          if (!assignee) throw unknownAssignee();
        }
        const at = new Date().toISOString();
        const base = { at, actorId, ticketId: id };
        const events: DomainEvent[] = [];
        if (patch.title !== undefined && patch.title !== before.title)
          events.push({ ...base, id: randomUUID(), type: "ticket.title_changed", data: { from: before.title, to: patch.title } });
        if (patch.status !== undefined && patch.status !== before.status)
          events.push({ ...base, id: randomUUID(), type: "ticket.status_changed", data: { from: before.status, to: patch.status } });
        if (patch.priority !== undefined && patch.priority !== before.priority)
          events.push({ ...base, id: randomUUID(), type: "ticket.priority_changed", data: { from: before.priority, to: patch.priority } });
        if (patch.assigneeId !== undefined && patch.assigneeId !== before.assigneeId)
          events.push({ ...base, id: randomUUID(), type: "ticket.assigned", data: { from: before.assigneeId, to: patch.assigneeId } });
        if (events.length === 0) return { ticket: before, events };
        const [row] = await tx.query<TicketRow>(
          `update tickets set title = coalesce($3, title), status = coalesce($4, status), priority = coalesce($5, priority),
                  assignee_id = case when $6::boolean then $7::uuid else assignee_id end, updated_at = $8
            where id = $1 and org_id = $2 returning ${columns}`,
          [id, orgId, patch.title ?? null, patch.status ?? null, patch.priority ?? null, patch.assigneeId !== undefined, patch.assigneeId ?? null, at],
        );
        await appendEvents(tx, orgId, events);
        return { ticket: toTicket(row!), events };
      });
    },
  };
}
export type TicketStore = ReturnType<typeof ticketStore>;
