import { z } from "zod";
import { IdSchema } from "../ids.ts";

export const EventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type EventsQuery = z.infer<typeof EventsQuerySchema>;

export const StoredEventSchema = z.object({
  seq: z.number().int(),
  id: IdSchema,
  type: z.string(),
  at: z.string(),
  actorId: IdSchema.nullable(),
  ticketId: IdSchema.nullable(),
  callId: IdSchema.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type StoredEvent = z.infer<typeof StoredEventSchema>;
