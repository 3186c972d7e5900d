// The metrics API on the wire: summary, explain, the wallboard's live payload, the technician cabinet,
// agent state and the settings admins may change. Every figure is `{value, unit, n, formula}`.
import { z } from "zod";
import { AgentStateSchema, SelectableAgentStateSchema } from "../events/agent.ts";
import { IdSchema, IsoTimeSchema } from "../ids.ts";
import { KpiNameSchema, kpiNames, kpiUnits, type KpiName } from "../metrics/definitions.ts";
import { TicketPrioritySchema } from "./tickets.ts";

export const metricWindows = ["today", "15m", "60m", "7d"] as const;
export const MetricWindowSchema = z.enum(metricWindows);
export type MetricWindow = z.infer<typeof MetricWindowSchema>;

/** `org`, `team:<id>` or `agent:<id>`. */
export const ScopeSchema = z.union([
  z.literal("org"),
  z.templateLiteral(["team:", IdSchema]),
  z.templateLiteral(["agent:", IdSchema]),
]);
export type Scope = z.infer<typeof ScopeSchema>;

export type ParsedScope = { kind: "org" } | { kind: "team"; id: string } | { kind: "agent"; id: string };
export function parseScope(scope: Scope): ParsedScope {
  if (scope === "org") return { kind: "org" };
  const [kind, id] = scope.split(":") as ["team" | "agent", string];
  return { kind, id };
}

/** A live window, or an explicit range `from`–`to` (half-open, ISO times). Not both. */
const rangeFields = {
  scope: ScopeSchema.default("org"),
  window: MetricWindowSchema.optional(),
  from: IsoTimeSchema.optional(),
  to: IsoTimeSchema.optional(),
};
const checkRange = (q: { window?: unknown; from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (q.window && (q.from || q.to)) ctx.addIssue({ code: "custom", path: ["window"], message: "give either window or from and to, not both" });
  if (Boolean(q.from) !== Boolean(q.to)) ctx.addIssue({ code: "custom", path: [q.from ? "to" : "from"], message: "from and to go together" });
  if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
};
export const SummaryQuerySchema = z.strictObject(rangeFields).superRefine(checkRange);
export type SummaryQuery = z.infer<typeof SummaryQuerySchema>;

export const ExplainQuerySchema = z
  .strictObject({ ...rangeFields, kpi: KpiNameSchema, limit: z.coerce.number().int().min(1).max(5000).default(500) })
  .superRefine(checkRange);
export type ExplainQuery = z.infer<typeof ExplainQuerySchema>;

export const KpiValueSchema = z.object({
  value: z.number().nullable(),
  unit: z.enum(kpiUnits),
  n: z.number().int(),
  formula: z.string(),
});
export type KpiValue = z.infer<typeof KpiValueSchema>;

export const KpisSchema = z.object(Object.fromEntries(kpiNames.map((k) => [k, KpiValueSchema])) as Record<KpiName, typeof KpiValueSchema>);
export type Kpis = z.infer<typeof KpisSchema>;

export const SummarySchema = z.object({ scope: ScopeSchema, from: z.string(), to: z.string(), kpis: KpisSchema });
export type Summary = z.infer<typeof SummarySchema>;

/** Why an input counts the way it does; the client words these. */
export const explainOutcomes = [
  "counted",
  "no_created_event",
  "wrap_up_open",
  "first_contact",
  "reopened",
  "too_many_messages",
  "too_many_calls",
  "satisfied",
  "unsatisfied",
  "met",
  "breached",
  "reopening",
  "resolution",
  "in_backlog",
  "staffed",
] as const;
export const ExplainOutcomeSchema = z.enum(explainOutcomes);
export type ExplainOutcome = z.infer<typeof ExplainOutcomeSchema>;

export const ExplainInputSchema = z.object({
  subject: z.enum(["ticket", "call", "survey", "agent"]),
  subjectId: z.string(),
  /** Whether it enters the figure (some inputs are listed only to say why they do not). */
  counted: z.boolean(),
  outcome: ExplainOutcomeSchema,
  /** Its contribution: seconds, 1 / 0 for shares, a percentage for occupancy. */
  value: z.number().nullable(),
  /** The moment that places it in the window. */
  at: z.string(),
  attributedTo: IdSchema.nullable(),
  eventIds: z.array(z.string()),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type ExplainInput = z.infer<typeof ExplainInputSchema>;

export const ScoreComponentExplainSchema = z.object({
  component: z.string(),
  value: z.number().nullable(),
  normalised: z.number().nullable(),
  normalisation: z.string(),
  weight: z.number(),
  contribution: z.number().nullable(),
});

export const ExplanationSchema = KpiValueSchema.extend({
  kpi: KpiNameSchema,
  rule: z.string(),
  scope: ScopeSchema,
  from: z.string(),
  to: z.string(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  inputs: z.array(ExplainInputSchema),
  /** How many inputs there are in all; `inputs` holds at most `limit` of them. */
  totalInputs: z.number().int(),
  components: z.array(ScoreComponentExplainSchema).optional(),
});
export type Explanation = z.infer<typeof ExplanationSchema>;

export const LiveAgentSchema = z.object({ id: IdSchema, name: z.string(), state: AgentStateSchema, since: z.string().nullable() });
export const LiveSchema = z.object({
  now: z.string(),
  agents: z.array(LiveAgentSchema),
  openCalls: z.array(z.object({ callId: z.string(), actorId: z.string().nullable(), ticketId: z.string().nullable(), since: z.string() })),
  /** [M18] Unassigned tickets in new, open or pending. */
  queue: z.number().int(),
  atRisk: z.array(z.object({ ticketId: z.string(), title: z.string(), priority: TicketPrioritySchema, deadline: z.string(), assigneeId: z.string().nullable() })),
  breached: z.number().int(),
});
export type Live = z.infer<typeof LiveSchema>;

export const ActivitySeriesSchema = z.object({
  stepS: z.number().int(),
  from: z.string(),
  created: z.array(z.number().int()),
  resolved: z.array(z.number().int()),
  responses: z.array(z.number().int()),
});
export type ActivitySeries = z.infer<typeof ActivitySeriesSchema>;

/** What a wallboard shows, pushed as `metrics:update`: today, the same span yesterday (for trends), live state, activity. */
export const WallboardSchema = z.object({
  scope: ScopeSchema,
  /** The teams a board can be switched to. */
  teams: z.array(z.object({ id: IdSchema, name: z.string() })),
  at: z.string(),
  today: SummarySchema,
  yesterday: SummarySchema,
  live: LiveSchema,
  series: ActivitySeriesSchema,
});
export type Wallboard = z.infer<typeof WallboardSchema>;

export const MetricsSubscribeSchema = z.strictObject({ scope: z.union([z.literal("org"), z.templateLiteral(["team:", IdSchema])]) });
export type MetricsSubscribe = z.infer<typeof MetricsSubscribeSchema>;

export const CabinetQuerySchema = z.strictObject({ agentId: IdSchema.optional() });
const KpiNumbersSchema = z.object(Object.fromEntries(kpiNames.map((k) => [k, z.number().nullable()])) as Record<KpiName, z.ZodNullable<z.ZodNumber>>);
export const CabinetSchema = z.object({
  agent: z.object({ id: IdSchema, name: z.string() }),
  timeZone: z.string(),
  today: SummarySchema,
  /** The median of each figure over the technicians of the agent's teams that have data (n > 0). */
  teamMedian: KpiNumbersSchema,
  peers: z.number().int(),
  /** One entry per day of the last 30 days in the organisation's time zone, oldest first. */
  days: z.array(z.object({ day: z.string(), kpis: KpiNumbersSchema })),
  timeline: z.array(
    z.object({ at: z.string(), eventId: IdSchema, type: z.string(), ticketId: z.string().nullable(), callId: z.string().nullable(), data: z.record(z.string(), z.unknown()) }),
  ),
});
export type Cabinet = z.infer<typeof CabinetSchema>;

export const AgentStatusBodySchema = z.strictObject({ status: SelectableAgentStateSchema });
export const AgentStatusSchema = z.object({ state: AgentStateSchema, since: z.string().nullable() });
export type AgentStatus = z.infer<typeof AgentStatusSchema>;
