// Final transcript segments live in the event log (`call.transcript_segment`), on the ticket's
// timeline; reading them back joins the participant for the speaker's name.
import { randomUUID } from "node:crypto";
import type { EventData, TranscriptSegmentWire } from "@caseroom/shared";
import type { Db } from "../db/index.ts";
import { appendEvents } from "../events/index.ts";

export type SegmentData = EventData<"call.transcript_segment">;

export function transcriptStore(db: Db) {
  return {
    /** Appends one final segment; returns its event id and time. */
    async append(ref: { orgId: string; ticketId: string; callId: string; actorId: string | null }, data: SegmentData): Promise<{ id: string; at: string }> {
      const event = { id: randomUUID(), type: "call.transcript_segment" as const, at: new Date().toISOString(), actorId: ref.actorId, ticketId: ref.ticketId, callId: ref.callId, data };
      await appendEvents(db, ref.orgId, [event]);
      return { id: event.id, at: event.at };
    },

    /** The stored segments of a call in log order, for staff of its organisation. */
    async list(orgId: string, callId: string): Promise<TranscriptSegmentWire[]> {
      const rows = await db.query<{ id: string; at: Date; data: SegmentData; name: string | null }>(
        `select e.id, e.at, e.data, coalesce(u.name, g.name) as name
           from events e
           left join call_participants p on p.id = (e.data->>'participantId')::uuid and p.call_id = e.call_id
           left join users u on u.id = p.user_id
           left join guests g on g.id = p.guest_id
          where e.org_id = $1 and e.call_id = $2 and e.type = 'call.transcript_segment'
          order by e.seq`,
        [orgId, callId],
      );
      return rows.map((r) => ({
        id: r.id,
        callId,
        participantId: r.data.participantId,
        speakerKind: r.data.speakerKind,
        speakerName: r.name ?? "",
        text: r.data.text,
        isFinal: true,
        startMs: r.data.startMs,
        endMs: r.data.endMs,
        at: new Date(r.at).toISOString(),
        staffOnly: r.data.staffOnly,
      }));
    },
  };
}
export type TranscriptStore = ReturnType<typeof transcriptStore>;
