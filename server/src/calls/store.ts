// Calls and their participants in the database. Every change writes its call.* events in the same
// transaction, with the technician who started the call as actor (handle time is theirs, [M4]).
import { randomUUID } from "node:crypto";
import type { Call, CallMode, CallParticipantKind, CallTransport, DomainEvent, LiveCall, Principal } from "@caseroom/shared";
import type { Db, Queryable } from "../db/index.ts";
import { appendEvents } from "../events/index.ts";

export interface CallRecord {
  id: string;
  orgId: string;
  ticketId: string;
  status: "active" | "ended";
  startedBy: string;
  startedAt: string;
  endedAt: string | null;
  transport: CallTransport;
  livekitRoom: string | null;
}

export interface ParticipantRecord {
  id: string;
  callId: string;
  principal: "user" | "guest";
  principalId: string;
  kind: CallParticipantKind;
  mode: CallMode;
  name: string;
  joinedAt: string;
}

interface CallRow {
  id: string;
  org_id: string;
  ticket_id: string;
  status: "active" | "ended";
  started_by: string;
  started_at: Date;
  ended_at: Date | null;
  transport: CallTransport;
  livekit_room: string | null;
}
interface ParticipantRow {
  id: string;
  call_id: string;
  user_id: string | null;
  guest_id: string | null;
  kind: CallParticipantKind;
  mode: CallMode;
  name: string | null;
  joined_at: Date;
}

const toCall = (r: CallRow): CallRecord => ({
  id: r.id,
  orgId: r.org_id,
  ticketId: r.ticket_id,
  status: r.status,
  startedBy: r.started_by,
  startedAt: new Date(r.started_at).toISOString(),
  endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
  transport: r.transport,
  livekitRoom: r.livekit_room,
});
const toParticipant = (r: ParticipantRow): ParticipantRecord => ({
  id: r.id,
  callId: r.call_id,
  principal: r.user_id ? "user" : "guest",
  principalId: (r.user_id ?? r.guest_id)!,
  kind: r.kind,
  mode: r.mode,
  name: r.name ?? "",
  joinedAt: new Date(r.joined_at).toISOString(),
});

export const toWireCall = (c: CallRecord): Call => ({ id: c.id, ticketId: c.ticketId, status: c.status, startedAt: c.startedAt, endedAt: c.endedAt });

const callColumns = "id, org_id, ticket_id, status, started_by, started_at, ended_at, transport, livekit_room";
// Names come from users and guests at read time: the participant row itself holds ids only.
const participantSelect = `select p.id, p.call_id, p.user_id, p.guest_id, p.kind, p.mode, p.joined_at, coalesce(u.name, g.name) as name
  from call_participants p left join users u on u.id = p.user_id left join guests g on g.id = p.guest_id`;

export const principalIdOf = (p: Principal) => (p.kind === "user" ? p.userId : p.guestId);

function participantEvent(call: CallRecord, type: "call.participant_joined" | "call.participant_left", p: ParticipantRecord, at: string): DomainEvent {
  return {
    id: randomUUID(),
    type,
    at,
    actorId: call.startedBy,
    ticketId: call.ticketId,
    callId: call.id,
    data: { participantId: p.id, principal: p.principal, principalId: p.principalId, mode: p.mode },
  };
}

export function callStore(db: Db) {
  async function participantsOf(q: Queryable, callId: string): Promise<ParticipantRecord[]> {
    const rows = await q.query<ParticipantRow>(`${participantSelect} where p.call_id = $1 and p.left_at is null order by p.joined_at, p.id`, [callId]);
    return rows.map(toParticipant);
  }

  async function insertParticipant(tx: Queryable, call: CallRecord, principal: Principal, kind: CallParticipantKind, mode: CallMode, at: string): Promise<ParticipantRecord> {
    const id = randomUUID();
    await tx.query(
      `insert into call_participants (id, call_id, org_id, user_id, guest_id, kind, mode, joined_at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, call.id, call.orgId, principal.kind === "user" ? principal.userId : null, principal.kind === "guest" ? principal.guestId : null, kind, mode, at],
    );
    const p: ParticipantRecord = { id, callId: call.id, principal: principal.kind, principalId: principalIdOf(principal), kind, mode, name: "", joinedAt: at };
    await appendEvents(tx, call.orgId, [participantEvent(call, "call.participant_joined", p, at)]);
    return p;
  }

  return {
    async get(orgId: string, callId: string): Promise<CallRecord | undefined> {
      const [row] = await db.query<CallRow>(`select ${callColumns} from calls where id = $1 and org_id = $2`, [callId, orgId]);
      return row ? toCall(row) : undefined;
    },

    async activeForTicket(orgId: string, ticketId: string): Promise<CallRecord | undefined> {
      const [row] = await db.query<CallRow>(`select ${callColumns} from calls where ticket_id = $1 and org_id = $2 and status = 'active'`, [ticketId, orgId]);
      return row ? toCall(row) : undefined;
    },

    /** Starts the ticket's call, or returns the one in progress (`created` false). */
    async start(id: string, orgId: string, ticketId: string, userId: string, transport: CallTransport, roomName: (callId: string) => string | null): Promise<{ call: CallRecord; created: boolean }> {
      return db.transaction(async (tx) => {
        const at = new Date().toISOString();
        // The partial unique index makes a concurrent second start a no-op that reads the first one.
        const inserted = await tx.query<CallRow>(
          `insert into calls (id, org_id, ticket_id, status, started_by, started_at, transport, livekit_room)
           values ($1, $2, $3, 'active', $4, $5, $6, $7)
           on conflict (ticket_id) where status = 'active' do nothing returning ${callColumns}`,
          [id, orgId, ticketId, userId, at, transport, roomName(id)],
        );
        if (!inserted[0]) {
          const [row] = await tx.query<CallRow>(`select ${callColumns} from calls where ticket_id = $1 and status = 'active'`, [ticketId]);
          return { call: toCall(row!), created: false };
        }
        const call = toCall(inserted[0]);
        await appendEvents(tx, orgId, [{ id: randomUUID(), type: "call.started", at, actorId: userId, ticketId, callId: id, data: { transport } }]);
        return { call, created: true };
      });
    },

    /** Joins (or, for a principal already in the call, returns its row with the mode updated). */
    async join(call: CallRecord, principal: Principal, kind: CallParticipantKind, mode: CallMode, limit?: number): Promise<{ participant: ParticipantRecord; created: boolean } | "full" | "ended"> {
      return db.transaction(async (tx) => {
        const [locked] = await tx.query<{ status: string }>("select status from calls where id = $1 for update", [call.id]);
        if (locked?.status !== "active") return "ended";
        const active = await participantsOf(tx, call.id);
        const mine = active.find((p) => p.principal === principal.kind && p.principalId === principalIdOf(principal));
        if (mine) {
          if (mine.mode !== mode) await tx.query("update call_participants set mode = $2 where id = $1", [mine.id, mode]);
          return { participant: { ...mine, mode }, created: false };
        }
        if (limit !== undefined && active.length >= limit) return "full";
        return { participant: await insertParticipant(tx, call, principal, kind, mode, new Date().toISOString()), created: true };
      });
    },

    async setMode(participantId: string, mode: CallMode): Promise<void> {
      await db.query("update call_participants set mode = $2 where id = $1 and left_at is null", [participantId, mode]);
    },

    async leave(call: CallRecord, participantId: string): Promise<ParticipantRecord | undefined> {
      return db.transaction(async (tx) => {
        const at = new Date().toISOString();
        const [row] = await tx.query<ParticipantRow>(
          `update call_participants set left_at = $2 where id = $1 and call_id = $3 and left_at is null
           returning id, call_id, user_id, guest_id, kind, mode, joined_at, null as name`,
          [participantId, at, call.id],
        );
        if (!row) return undefined;
        const p = toParticipant(row);
        await appendEvents(tx, call.orgId, [participantEvent(call, "call.participant_left", p, at)]);
        return p;
      });
    },

    /** Ends the call: everyone still in it leaves, then call.ended. Undefined when it had ended already. */
    async end(call: CallRecord, reason: "ended" | "room_finished"): Promise<{ call: CallRecord; left: ParticipantRecord[] } | undefined> {
      return db.transaction(async (tx) => {
        const at = new Date().toISOString();
        const [row] = await tx.query<CallRow>(
          `update calls set status = 'ended', ended_at = $2 where id = $1 and status = 'active' returning ${callColumns}`,
          [call.id, at],
        );
        if (!row) return undefined;
        const left = (
          await tx.query<ParticipantRow>(
            `update call_participants set left_at = $2 where call_id = $1 and left_at is null
             returning id, call_id, user_id, guest_id, kind, mode, joined_at, null as name`,
            [call.id, at],
          )
        ).map(toParticipant);
        const ended = toCall(row);
        await appendEvents(tx, call.orgId, [
          ...left.map((p) => participantEvent(ended, "call.participant_left", p, at)),
          { id: randomUUID(), type: "call.ended", at, actorId: call.startedBy, ticketId: call.ticketId, callId: call.id, data: { reason } },
        ]);
        return { call: ended, left };
      });
    },

    participants: (callId: string) => participantsOf(db, callId),

    async participant(callId: string, participantId: string): Promise<ParticipantRecord | undefined> {
      const [row] = await db.query<ParticipantRow>(`${participantSelect} where p.call_id = $1 and p.id = $2 and p.left_at is null`, [callId, participantId]);
      return row ? toParticipant(row) : undefined;
    },

    async participantOf(callId: string, principal: Principal): Promise<ParticipantRecord | undefined> {
      const column = principal.kind === "user" ? "p.user_id" : "p.guest_id";
      const [row] = await db.query<ParticipantRow>(`${participantSelect} where p.call_id = $1 and ${column} = $2 and p.left_at is null`, [callId, principalIdOf(principal)]);
      return row ? toParticipant(row) : undefined;
    },

    /** The organisation's calls in progress, for the supervisors' list. */
    async live(orgId: string): Promise<LiveCall[]> {
      const calls = await db.query<CallRow & { number: number; title: string }>(
        `select c.id, c.org_id, c.ticket_id, c.status, c.started_by, c.started_at, c.ended_at, c.transport, c.livekit_room, t.number, t.title
           from calls c join tickets t on t.id = c.ticket_id where c.org_id = $1 and c.status = 'active' order by c.started_at`,
        [orgId],
      );
      return Promise.all(
        calls.map(async (c) => ({
          id: c.id,
          ticketId: c.ticket_id,
          ticketNumber: Number(c.number),
          ticketTitle: c.title,
          startedAt: new Date(c.started_at).toISOString(),
          startedBy: c.started_by,
          participants: (await participantsOf(db, c.id)).map((p) => ({ id: p.id, kind: p.kind, mode: p.mode, name: p.name })),
        })),
      );
    },
  };
}
export type CallStore = ReturnType<typeof callStore>;
