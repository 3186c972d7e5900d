// The LLM gateway on the wire: providers and tasks, the completion request and the server-sent events
// that answer it, and the usage report. Admin settings are in aiAdmin.ts.
import { z } from "zod";
import { ErrorBodySchema } from "../errors.ts";
import { IdSchema } from "../ids.ts";
import { TicketPrioritySchema } from "./tickets.ts";

export const aiProviders = ["anthropic", "gemini", "openai", "deepseek", "perplexity"] as const;
export const AiProviderSchema = z.enum(aiProviders);
export type AiProvider = z.infer<typeof AiProviderSchema>;

export const aiTasks = ["suggest_next_step", "draft_reply", "summarize_call", "classify_ticket", "translate"] as const;
export const AiTaskSchema = z.enum(aiTasks);
export type AiTask = z.infer<typeof AiTaskSchema>;

/** How one provider attempt ended. Every attempt is recorded with exactly one of these. */
export const aiOutcomes = [
  "ok",
  "timeout",
  "rate_limited",
  "server_error",
  "network",
  "auth",
  "not_found",
  "bad_request",
  "invalid_output",
  "cancelled",
] as const;
export const AiOutcomeSchema = z.enum(aiOutcomes);
export type AiOutcome = z.infer<typeof AiOutcomeSchema>;

/** A model name as providers spell them: `claude-sonnet-4-5`, `gemini-2.5-flash`, `sonar-pro`. */
export const AiModelSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, "a model name such as gpt-4.1-mini");

export const LanguageTagSchema = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, "a language tag such as en or ru");

export const AiCompleteBodySchema = z
  .strictObject({
    task: AiTaskSchema,
    /** The material to work on (customer messages, transcript, ticket text). Always treated as data. */
    input: z.string().trim().min(1).max(20_000),
    ticketId: IdSchema.optional(),
    /** A note from the technician ("shorter, more formal"). */
    instructions: z.string().trim().max(2_000).optional(),
    /** The language to answer in; required to translate. */
    language: LanguageTagSchema.optional(),
  })
  .refine((body) => body.task !== "translate" || body.language, { message: "translate needs a target language", path: ["language"] });
export type AiCompleteBody = z.infer<typeof AiCompleteBodySchema>;

const Count = z.number().int().min(0);

export const AiUsageSchema = z.object({ inputTokens: Count, outputTokens: Count, costMicroUsd: Count });
export type AiUsage = z.infer<typeof AiUsageSchema>;

/** `classify_ticket` answers with this object (in `done.result`, and as its one delta). */
export const TicketClassificationSchema = z.strictObject({
  category: z.string().trim().min(1).max(60),
  priority: TicketPrioritySchema,
  tags: z.array(z.string().trim().min(1).max(30)).max(5),
  confidence: z.number().min(0).max(1),
});
export type TicketClassification = z.infer<typeof TicketClassificationSchema>;

/**
 * The server-sent events of `POST /api/ai/complete`, by event name. `restart` means the provider broke
 * off mid-answer and the next one starts over: discard the text received so far.
 */
export const aiStreamEvents = {
  delta: z.object({ text: z.string() }),
  restart: z.object({ provider: AiProviderSchema, reason: AiOutcomeSchema }),
  done: z.object({
    provider: AiProviderSchema,
    model: z.string(),
    usage: AiUsageSchema,
    citations: z.array(z.string()).optional(),
    result: z.unknown().optional(),
  }),
  error: ErrorBodySchema.shape.error,
} as const;
export type AiStreamEventName = keyof typeof aiStreamEvents;
export type AiStreamEvent = { [K in AiStreamEventName]: { event: K; data: z.infer<(typeof aiStreamEvents)[K]> } }[AiStreamEventName];
export type AiDoneEvent = z.infer<(typeof aiStreamEvents)["done"]>;

// ---- usage ----------------------------------------------------------------------------------------

export const aiUsageGroups = ["provider", "task", "user", "day"] as const;
export const AiUsageGroupSchema = z.enum(aiUsageGroups);
export type AiUsageGroup = z.infer<typeof AiUsageGroupSchema>;

const DateOnlySchema = z.iso.date();

/** `from` and `to` are whole days in the organisation's time zone, both included; 30 days to today by default. */
export const AiUsageQuerySchema = z
  .strictObject({
    from: DateOnlySchema.optional(),
    to: DateOnlySchema.optional(),
    groupBy: AiUsageGroupSchema.default("provider"),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] });
export type AiUsageQuery = z.infer<typeof AiUsageQuerySchema>;

export const AiUsageTotalsSchema = z.object({
  attempts: Count,
  succeeded: Count,
  failed: Count,
  inputTokens: Count,
  outputTokens: Count,
  costMicroUsd: Count,
  /** Attempts whose model has no price in the table: their cost counts as 0. */
  unpriced: Count,
  avgFirstTokenMs: z.number().nullable(),
});
export const AiUsageRowSchema = AiUsageTotalsSchema.extend({ key: z.string(), label: z.string().nullable() });
export type AiUsageRow = z.infer<typeof AiUsageRowSchema>;

export const AiBudgetStateSchema = z.object({
  monthlyBudgetMicroUsd: Count.nullable(),
  spentMicroUsd: Count,
  periodStart: z.string(),
});
export type AiBudgetState = z.infer<typeof AiBudgetStateSchema>;

export const AiUsageResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  groupBy: AiUsageGroupSchema,
  rows: z.array(AiUsageRowSchema),
  totals: AiUsageTotalsSchema,
  budget: AiBudgetStateSchema,
});
export type AiUsageResponse = z.infer<typeof AiUsageResponseSchema>;
