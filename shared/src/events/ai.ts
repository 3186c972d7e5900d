// Domain events of the LLM gateway. Each type's `data` is defined here once.
import { z } from "zod";

const MicroUsd = z.number().int().min(0);

export const aiEventData = {
  /** A request was refused because the organisation's monthly budget is spent; written once per month. */
  "ai.budget_exceeded": z.strictObject({
    period: z.string().regex(/^\d{4}-\d{2}$/),
    budgetMicroUsd: MicroUsd,
    spentMicroUsd: MicroUsd,
  }),
} as const;
