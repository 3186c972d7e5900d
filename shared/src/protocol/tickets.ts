import { z } from "zod";
import { IdSchema } from "../ids.ts";

export const ticketStatuses = ["new", "open", "pending", "resolved", "closed"] as const;
export const TicketStatusSchema = z.enum(ticketStatuses);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

export const ticketPriorities = ["low", "normal", "high", "urgent"] as const;
export const TicketPrioritySchema = z.enum(ticketPriorities);
export type TicketPriority = z.infer<typeof TicketPrioritySchema>;

/** Statuses in which a ticket still needs work (backlog, reopen detection). */
export const openTicketStatuses: readonly TicketStatus[] = ["new", "open", "pending"];

export const TicketSchema = z.object({
  id: IdSchema,
  number: z.number().int(),
  title: z.string(),
  description: z.string(),
  status: TicketStatusSchema,
  priority: TicketPrioritySchema,
  assigneeId: IdSchema.nullable(),
  createdBy: IdSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Ticket = z.infer<typeof TicketSchema>;

const TitleSchema = z.string().trim().min(1).max(200);

export const CreateTicketBodySchema = z.strictObject({
  title: TitleSchema,
  description: z.string().max(20_000).optional(),
  priority: TicketPrioritySchema.optional(),
});
export type CreateTicketBody = z.infer<typeof CreateTicketBodySchema>;

export const PatchTicketBodySchema = z
  .strictObject({
    title: TitleSchema.optional(),
    status: TicketStatusSchema.optional(),
    priority: TicketPrioritySchema.optional(),
    assigneeId: IdSchema.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "at least one field must be given" });
export type PatchTicketBody = z.infer<typeof PatchTicketBodySchema>;

export const TicketListQuerySchema = z.strictObject({
  status: TicketStatusSchema.optional(),
  assigneeId: z.union([IdSchema, z.literal("none")]).optional(),
  // An empty search box means no search, not an error.
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((q) => q || undefined),
});
export type TicketListQuery = z.infer<typeof TicketListQuerySchema>;

export const TicketIdParamsSchema = z.object({ id: IdSchema });
