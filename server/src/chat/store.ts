// Messages of a ticket's chat in the database. A send takes the ticket's counter row lock, so seq
// numbers are handed out and committed in order; a resent id finds the stored message (or hits the
// primary key) instead of writing a second one. message.sent is appended in the same transaction.
import { randomUUID } from "node:crypto";
import {
  DomainEventSchema,
  sanitizeChatText,
  type AttachmentSummary,
  type Message,
  type MessageListQuery,
  type MessageRevision,
  type Principal,
  type ReadReceipt,
  type SendMessageBody,
} from "@caseroom/shared";
import { attachmentsForMessages, claimAttachments } from "../attachments/index.ts";
import { audit, actorOf } from "../audit/index.ts";
import type { Db, Queryable } from "../db/index.ts";
import { AppError, notFound, validationError } from "../http/index.ts";


interface MessageRow {
  id: string;
  ticket_id: string;
  seq: string | number;
  author_kind: "staff" | "guest" | "ai";
  author_user_id: string | null;
  author_guest_id: string | null;
  author_name: string;
  visibility: "public" | "internal";
  text: string;
  reply_to: string | null;
  created_at: Date | string;
  edited_at: Date | string | null;
  deleted_at: Date | string | null;
}

const COLUMNS = "id, ticket_id, seq, author_kind, author_user_id, author_guest_id, author_name, visibility, text, reply_to, created_at, edited_at, deleted_at";
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toMessage(row: MessageRow, attachments: AttachmentSummary[] = []): Message {
  const deleted = row.deleted_at !== null;
  return {
    id: row.id,
    ticketId: row.ticket_id,
    seq: Number(row.seq),
    author: { kind: row.author_kind, id: row.author_user_id ?? row.author_guest_id ?? null, name: row.author_name },
    visibility: row.visibility,
    // A deleted message keeps its place (seq) but shows nothing of what it said.
    text: deleted ? "" : row.text,
    attachments: deleted ? [] : attachments,
    replyTo: row.reply_to,
    createdAt: iso(row.created_at)!,
    editedAt: iso(row.edited_at),
    deletedAt: iso(row.deleted_at),
  };
}

const isAuthor = (row: MessageRow, who: Principal) =>
  who.kind === "user" ? row.author_kind === "staff" && row.author_user_id === who.userId : row.author_kind === "guest" && row.author_guest_id === who.guestId;

/** The SQL ilike pattern matching `q` literally anywhere. */
const containing = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface SendResult {
  message: Message;
  /** False when the id had been stored before: the caller must not broadcast it again. */
  created: boolean;
}

export function messageStore(db: Db) {
  async function withAttachments(tx: Queryable, rows: MessageRow[]): Promise<Message[]> {
    const live = rows.filter((r) => r.deleted_at === null).map((r) => r.id);
    const attachments = await attachmentsForMessages(tx, live);
    return rows.map((r) => toMessage(r, attachments.get(r.id) ?? []));
  }

  async function authorName(tx: Queryable, who: Principal): Promise<string> {
    const [row] =
      who.kind === "user"
        ? await tx.query<{ name: string }>("select name from users where id = $1", [who.userId])
        : await tx.query<{ name: string }>("select name from guests where id = $1", [who.guestId]);
    if (!row) throw new AppError("unauthenticated", "Log in first");
    return row.name;
  }

  return {
    async send(orgId: string, ticketId: string, who: Principal, body: SendMessageBody): Promise<SendResult> {
      const visibility = body.visibility ?? "public";
      if (who.kind === "guest" && visibility !== "public") throw new AppError("forbidden", "Customers can only send public messages");
      const text = sanitizeChatText(body.text);
      if (!text && !body.attachmentIds?.length) {
        throw new AppError("validation_failed", "Invalid message: text: nothing left after sanitising", { fields: [{ path: "text", message: "nothing left after sanitising" }] });
      }
      const replay = async (): Promise<SendResult> => {
        const [existing] = await db.query<MessageRow>(`select ${COLUMNS} from messages where id = $1`, [body.id]);
        if (!existing) throw new AppError("conflict", "This message id is already taken");
        if (existing.ticket_id !== ticketId || !isAuthor(existing, who)) throw new AppError("conflict", "This message id is already taken");
        return { message: (await withAttachments(db, [existing]))[0]!, created: false };
      };
      if (body.replyTo) {
        const [target] = await db.query<{ visibility: string }>("select visibility from messages where id = $1 and ticket_id = $2", [body.replyTo, ticketId]);
        if (!target || (who.kind === "guest" && target.visibility !== "public")) {
          throw new AppError("validation_failed", "Invalid message: replyTo: no such message in this chat", { fields: [{ path: "replyTo", message: "no such message in this chat" }] });
        }
      }
      const authorKind = who.kind === "user" ? "staff" : "customer";
      const event = {
        id: randomUUID(),
        type: "message.sent" as const,
        at: new Date().toISOString(),
        // A customer is not a user: their messages carry no actor (FRT looks at staff replies).
        actorId: who.kind === "user" ? who.userId : null,
        ticketId,
        data: { messageId: body.id, visibility, authorKind } as const,
      };
      const checked = DomainEventSchema.safeParse(event);
      if (!checked.success) throw validationError("event message.sent", checked.error.issues);

      // One statement stores the message: the counter's row lock orders every send of the ticket
      // (seq handed out and committed in order), the message row, and its message.sent event (the
      // same insert appendEvents makes, at the message's own time). One round trip per message is
      // what keeps a busy chat fast. A resent id fails the primary key, and the whole statement,
      // counter included, rolls back: no gap, no second message.
      const store = async (tx: Queryable) => {
        const [row] = await tx.query<MessageRow>(
          `with counter as (
             insert into chat_counters (ticket_id, org_id, last_seq) values ($3, $2, 1)
             on conflict (ticket_id) do update set last_seq = chat_counters.last_seq + 1 returning last_seq
           ), author as (
             select name from users where id = $5::uuid union all select name from guests where id = $6::uuid limit 1
           ), msg as (
             insert into messages (id, org_id, ticket_id, seq, author_kind, author_user_id, author_guest_id, author_name, visibility, text, reply_to)
             select $1, $2, $3, counter.last_seq, $4, $5::uuid, $6::uuid, author.name, $7, $8, $9::uuid from counter, author
             returning ${COLUMNS}
           ), event as (
             insert into events (id, org_id, type, at, actor_id, ticket_id, data)
             select $10, $2, 'message.sent', msg.created_at, $11::uuid, $3, $12::jsonb from msg
           )
           select ${COLUMNS} from msg`,
          [body.id, orgId, ticketId, who.kind === "user" ? "staff" : "guest", who.kind === "user" ? who.userId : null,
            who.kind === "guest" ? who.guestId : null, visibility, text, body.replyTo ?? null, event.id, event.actorId, JSON.stringify(event.data)],
        );
        if (!row) throw new AppError("unauthenticated", "Log in first");
        return row;
      };
      try {
        if (!body.attachmentIds?.length) return { message: toMessage(await store(db)), created: true };
        return await db.transaction(async (tx) => {
          const row = await store(tx);
          const attachments = await claimAttachments(tx, {
            orgId,
            ticketId,
            messageId: body.id,
            ids: body.attachmentIds ?? [],
            uploader: who.kind === "user" ? { kind: "user", userId: who.userId } : { kind: "guest", guestId: who.guestId },
          });
          return { message: toMessage(row, attachments), created: true };
        });
      } catch (err) {
        // The id is stored already (a resend, two resends racing, or another ticket's message).
        if ((err as { code?: string }).code === "23505") return replay();
        throw err;
      }
    },

    async list(orgId: string, ticketId: string, publicOnly: boolean, query: MessageListQuery): Promise<{ messages: Message[]; hasMore: boolean }> {
      const where = ["org_id = $1", "ticket_id = $2"];
      const params: unknown[] = [orgId, ticketId];
      if (publicOnly) where.push("visibility = 'public'");
      if (query.after !== undefined) where.push(`seq > $${params.push(query.after)}`);
      if (query.before !== undefined) where.push(`seq < $${params.push(query.before)}`);
      if (query.q) {
        const q = params.push(query.q);
        const like = params.push(containing(query.q));
        where.push(`deleted_at is null and (search @@ plainto_tsquery('simple', $${q}) or text ilike $${like}
          or exists (select 1 from attachments a where a.message_id = messages.id and a.transcript ilike $${like}))`);
      }
      const ascending = query.after !== undefined;
      const rows = await db.query<MessageRow>(
        `select ${COLUMNS} from messages where ${where.join(" and ")} order by seq ${ascending ? "asc" : "desc"} limit $${params.push(query.limit + 1)}`,
        params,
      );
      const hasMore = rows.length > query.limit;
      const page = rows.slice(0, query.limit);
      if (!ascending) page.reverse();
      return { messages: await withAttachments(db, page), hasMore };
    },

    async get(orgId: string, ticketId: string, messageId: string): Promise<Message | undefined> {
      const [row] = await db.query<MessageRow>(`select ${COLUMNS} from messages where id = $1 and org_id = $2 and ticket_id = $3`, [messageId, orgId, ticketId]);
      return row && (await withAttachments(db, [row]))[0];
    },

    /** An edit or deletion by the author, within the window; the old text goes to the revisions and the audit trail. */
    async change(orgId: string, ticketId: string, messageId: string, who: Principal, change: { kind: "edit"; text: string } | { kind: "delete" }, windowMs: number): Promise<Message> {
      return db.transaction(async (tx) => {
        const [row] = await tx.query<MessageRow & { editable: boolean }>(
          `select ${COLUMNS}, created_at > now() - make_interval(secs => $4::double precision / 1000) as editable
             from messages where id = $1 and org_id = $2 and ticket_id = $3 for update`,
          [messageId, orgId, ticketId, windowMs],
        );
        if (!row || (who.kind === "guest" && row.visibility !== "public")) throw notFound("Message");
        if (!isAuthor(row, who)) throw new AppError("forbidden", "Only the author can change a message");
        if (row.deleted_at !== null) throw new AppError("conflict", "This message was deleted");
        if (!row.editable) throw new AppError("conflict", "The time to change this message has passed", { windowMs });
        const text = change.kind === "edit" ? sanitizeChatText(change.text) : "";
        if (change.kind === "edit" && !text) {
          throw new AppError("validation_failed", "Invalid message: text: nothing left after sanitising", { fields: [{ path: "text", message: "nothing left after sanitising" }] });
        }
        const [revision] = await tx.query<{ id: string }>(
          `insert into message_revisions (message_id, org_id, kind, old_text, changed_by_kind, changed_by) values ($1, $2, $3, $4, $5, $6) returning id`,
          [messageId, orgId, change.kind, row.text, who.kind === "user" ? "staff" : "guest", who.kind === "user" ? who.userId : who.guestId],
        );
        const [updated] = await tx.query<MessageRow>(
          change.kind === "edit"
            ? `update messages set text = $2, edited_at = now() where id = $1 returning ${COLUMNS}`
            : `update messages set deleted_at = now() where id = $1 returning ${COLUMNS}`,
          change.kind === "edit" ? [messageId, text] : [messageId],
        );
        await audit.record(tx, {
          orgId,
          actor: actorOf(who),
          action: change.kind === "edit" ? "message.edit" : "message.delete",
          ticketId,
          details: { messageId, revisionId: String(revision!.id), pii: { oldText: row.text } },
        });
        return (await withAttachments(tx, [updated!]))[0]!;
      });
    },

    async revisions(orgId: string, messageId: string): Promise<MessageRevision[]> {
      const rows = await db.query<{ id: string | number; kind: "edit" | "delete"; old_text: string; changed_by_kind: "staff" | "guest"; changed_by: string; changed_at: Date }>(
        "select id, kind, old_text, changed_by_kind, changed_by, changed_at from message_revisions where message_id = $1 and org_id = $2 order by id",
        [messageId, orgId],
      );
      return rows.map((r) => ({ id: String(r.id), kind: r.kind, oldText: r.old_text, changedBy: { kind: r.changed_by_kind, id: r.changed_by }, changedAt: new Date(r.changed_at).toISOString() }));
    },

    /** The message (ticket and id) that carries an attachment now, if any. */
    async messageOfAttachment(orgId: string, attachmentId: string): Promise<{ ticketId: string; messageId: string } | undefined> {
      const [row] = await db.query<{ ticket_id: string; message_id: string | null }>("select ticket_id, message_id from attachments where id = $1 and org_id = $2", [attachmentId, orgId]);
      return row?.message_id ? { ticketId: row.ticket_id, messageId: row.message_id } : undefined;
    },

    async lastSeq(ticketId: string): Promise<number> {
      const [row] = await db.query<{ last_seq: string | number }>("select last_seq from chat_counters where ticket_id = $1", [ticketId]);
      return Number(row?.last_seq ?? 0);
    },

    /** Moves the reader's mark forward (never back, never past the last message); undefined if it did not move. */
    async markRead(orgId: string, ticketId: string, who: Principal, upToSeq: number): Promise<ReadReceipt | undefined> {
      const kind = who.kind === "user" ? "staff" : "guest";
      const id = who.kind === "user" ? who.userId : who.guestId;
      const rows = await db.query<{ up_to_seq: string | number }>(
        `insert into message_reads (ticket_id, org_id, participant_kind, participant_id, up_to_seq)
         select $1, $2, $3, $4, least($5::bigint, coalesce((select last_seq from chat_counters where ticket_id = $1), 0))
         on conflict (ticket_id, participant_kind, participant_id)
           do update set up_to_seq = excluded.up_to_seq, updated_at = now()
           where message_reads.up_to_seq < excluded.up_to_seq
         returning up_to_seq`,
        [ticketId, orgId, kind, id, upToSeq],
      );
      if (!rows[0]) return undefined;
      return { participant: { kind, id, name: await authorName(db, who) }, upToSeq: Number(rows[0].up_to_seq) };
    },

    async reads(ticketId: string): Promise<ReadReceipt[]> {
      const rows = await db.query<{ participant_kind: "staff" | "guest"; participant_id: string; up_to_seq: string | number; name: string | null }>(
        `select r.participant_kind, r.participant_id, r.up_to_seq, coalesce(u.name, g.name) as name
           from message_reads r
           left join users u on r.participant_kind = 'staff' and u.id = r.participant_id
           left join guests g on r.participant_kind = 'guest' and g.id = r.participant_id
          where r.ticket_id = $1 and r.up_to_seq > 0 order by r.updated_at`,
        [ticketId],
      );
      return rows.map((r) => ({ participant: { kind: r.participant_kind, id: r.participant_id, name: r.name ?? "" }, upToSeq: Number(r.up_to_seq) }));
    },
  };
}
export type MessageStore = ReturnType<typeof messageStore>;
