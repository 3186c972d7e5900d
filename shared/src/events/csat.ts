// A customer satisfaction survey answer about one ticket.
import { z } from "zod";

export const csatEventData = {
  "csat.submitted": z.strictObject({
    score: z.number().int().min(1).max(5),
    comment: z.string().max(5000).optional(),
  }),
} as const;
