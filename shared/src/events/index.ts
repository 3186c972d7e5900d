// The envelope every domain event shares, and the registry of known event types.
import { z } from "zod";
import { IdSchema, IsoTimeSchema } from "../ids.ts";
import { ticketEventData } from "./ticket.ts";

export const eventDataSchemas = { ...ticketEventData } as const;

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

const variants = eventTypes.map((type) =>
  z.strictObject({ ...envelope, type: z.literal(type), data: eventDataSchemas[type] }),
);

/** Any domain event, as written to the log. An unknown type or a malformed `data` fails here. */
export const DomainEventSchema = z.discriminatedUnion(
  "type",
  variants as unknown as [(typeof variants)[number], ...(typeof variants)[number][]],
);

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
