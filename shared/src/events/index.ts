// The envelope every domain event shares, and the registry of known event types.
import { z } from "zod";
import { IdSchema, IsoTimeSchema } from "../ids.ts";
import { agentEventData } from "./agent.ts";
import { aiEventData } from "./ai.ts";
import { callEventData } from "./call.ts";
import { csatEventData } from "./csat.ts";
import { messageEventData } from "./message.ts";
import { ticketEventData } from "./ticket.ts";
import { transcriptEventData } from "./transcript.ts";

export * from "./agent.ts";
export * from "./message.ts";

export const eventDataSchemas = { ...ticketEventData, ...messageEventData, ...callEventData, ...agentEventData, ...csatEventData, ...aiEventData, ...transcriptEventData } as const;

export type EventType = keyof typeof eventDataSchemas;
export const eventTypes = Object.keys(eventDataSchemas) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

const envelope = {
  id: IdSchema,
  at: IsoTimeSchema,
  actorId: IdSchema.nullable().optional(),
  ticketId: IdSchema.nullable().optional(),
  callId: IdSchema.nullable().optional(),
};

type EnvelopeRef = "actorId" | "ticketId" | "callId";
/**
 * Envelope fields a type cannot do without: the metrics attribute and join by them, so an event
 * missing one would be counted nowhere. Refused at the boundary instead of silently ignored.
 */
const requiredRefs: Partial<Record<EventType, readonly EnvelopeRef[]>> = {
  "ticket.created": ["ticketId"],
  "ticket.title_changed": ["ticketId"],
  "ticket.status_changed": ["ticketId"],
  "ticket.priority_changed": ["ticketId"],
  "ticket.assigned": ["ticketId"],
  "message.sent": ["ticketId"],
  "call.started": ["callId", "actorId"],
  "call.participant_joined": ["callId", "actorId"],
  "call.participant_left": ["callId", "actorId"],
  "call.ended": ["callId"],
  "call.transcript_segment": ["callId", "ticketId"],
  "agent.status_changed": ["actorId"],
  "csat.submitted": ["ticketId"],
};

const variants = eventTypes.map((type) => {
  const required = Object.fromEntries((requiredRefs[type] ?? []).map((ref) => [ref, IdSchema]));
  return z.strictObject({ ...envelope, ...required, type: z.literal(type), data: eventDataSchemas[type] });
});

/** Any domain event, as written to the log. An unknown type or a malformed `data` fails here. */
export const DomainEventSchema = z
  .discriminatedUnion("type", variants as unknown as [(typeof variants)[number], ...(typeof variants)[number][]])
  .superRefine((event, ctx) => {
    // A staff message is somebody's response: FRT and FCR attribute it to its author.
    const data = event.data as { authorKind?: string };
    if (event.type === "message.sent" && data.authorKind === "staff" && !event.actorId) {
      ctx.addIssue({ code: "custom", path: ["actorId"], message: "a staff message needs its author as actorId" });
    }
  });

export type DomainEvent = {
  [T in EventType]: {
    id: string;
    type: T;
    at: string;
    actorId?: string | null;
    ticketId?: string | null;
    callId?: string | null;
    data: EventData<T>;
  };
}[EventType];
