// Domain events about tickets. Each type's `data` is defined here once; the server refuses any other shape.
import { z } from "zod";
import { IdSchema } from "../ids.ts";
import { TicketPrioritySchema, TicketStatusSchema } from "../protocol/tickets.ts";

const change = <T extends z.ZodType>(value: T) => z.strictObject({ from: value, to: value });

export const ticketEventData = {
  "ticket.created": z.strictObject({ title: z.string(), priority: TicketPrioritySchema }),
  "ticket.title_changed": change(z.string()),
  "ticket.status_changed": change(TicketStatusSchema),
  "ticket.priority_changed": change(TicketPrioritySchema),
  "ticket.assigned": change(IdSchema.nullable()),
} as const;
