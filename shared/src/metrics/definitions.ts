// The KPI definitions, once. docs/metrics.md says the same in prose with the same rule ids; the API
// returns `formula` with every figure so a number on a screen always carries its own definition.
import { z } from "zod";
import { TicketPrioritySchema, type TicketPriority } from "../protocol/tickets.ts";

export const kpiNames = ["frt", "aht", "acw", "fcr", "csat", "sla", "reopenRate", "backlog", "occupancy", "score"] as const;
export const KpiNameSchema = z.enum(kpiNames);
export type KpiName = z.infer<typeof KpiNameSchema>;

export const kpiUnits = ["s", "%", "count", "points"] as const;
export type KpiUnit = (typeof kpiUnits)[number];

export interface KpiDefinition {
  unit: KpiUnit;
  /** The rule in docs/metrics.md, e.g. "M3". */
  rule: string;
  formula: string;
  /** Whether a higher value is the better one (for trend colours). */
  higherIsBetter: boolean;
}

export const kpiDefinitions: Record<KpiName, KpiDefinition> = {
  frt: {
    unit: "s",
    rule: "M3",
    higherIsBetter: false,
    formula:
      "mean over tickets of (first public staff message.sent.at − ticket.created.at); attributed to that message's actor; counted in the window containing the response",
  },
  aht: {
    unit: "s",
    rule: "M4",
    higherIsBetter: false,
    formula:
      "mean over calls of (call.ended.at − call.started.at) + ACW; ACW = length of the wrap_up state the call.started actor enters within 5 s after call.ended, else 0; counted in the window containing call.ended",
  },
  acw: {
    unit: "s",
    rule: "M5",
    higherIsBetter: false,
    formula: "mean ACW over the same calls as AHT",
  },
  fcr: {
    unit: "%",
    rule: "M6",
    higherIsBetter: true,
    formula:
      "100 × tickets resolved in the window with ≤ 1 public staff message and ≤ 1 call before the resolution and never reopened ÷ tickets resolved in the window; attributed to the resolver",
  },
  csat: {
    unit: "%",
    rule: "M7",
    higherIsBetter: true,
    formula: "100 × csat.submitted with score 4 or 5 ÷ csat.submitted in the window; attributed to the ticket's assignee at the survey",
  },
  sla: {
    unit: "%",
    rule: "M8",
    higherIsBetter: true,
    formula:
      "100 × tickets whose first-response deadline (ticket.created.at + target of its priority) falls in the window and that were answered by it ÷ tickets whose deadline falls in the window; attributed to the assignee at the deadline",
  },
  reopenRate: {
    unit: "%",
    rule: "M9",
    higherIsBetter: false,
    formula:
      "100 × reopenings (status_changed from resolved or closed to new, open or pending) in the window ÷ resolutions in the window; per technician: reopenings of tickets assigned to them at the reopening ÷ their resolutions",
  },
  backlog: {
    unit: "count",
    rule: "M10",
    higherIsBetter: false,
    formula: "tickets in new, open or pending at the end of the window (per technician: assigned to them then)",
  },
  occupancy: {
    unit: "%",
    rule: "M11",
    higherIsBetter: true,
    formula: "100 × time in busy, on_call or wrap_up ÷ time in available, busy, on_call or wrap_up, within the window",
  },
  score: {
    unit: "points",
    rule: "M12",
    higherIsBetter: true,
    formula:
      "100 × Σ weight × normalised component ÷ Σ weight of the components that have data; components CSAT, SLA, FCR, occupancy as share of 100 %, AHT as min(1, team median AHT ÷ AHT); team and organisation: mean of their technicians' scores",
  },
};

/** [M8] Default first-response targets, in seconds; admins can change them per organisation. */
export const defaultSlaTargetsS: Record<TicketPriority, number> = { urgent: 15 * 60, high: 60 * 60, normal: 4 * 60 * 60, low: 8 * 60 * 60 };

export const scoreComponents = ["csat", "sla", "fcr", "aht", "occupancy"] as const;
export type ScoreComponent = (typeof scoreComponents)[number];
/** [M12] Default weights of the efficiency score; admins can change them per organisation. */
export const defaultScoreWeights: Record<ScoreComponent, number> = { csat: 30, sla: 25, fcr: 20, aht: 15, occupancy: 10 };

/** [M4] How soon after call.ended a wrap_up must start to count as that call's after-call work. */
export const ACW_GRACE_MS = 5_000;
/** [M18] A ticket is at risk when its first-response deadline is this close and it is still unanswered. */
export const AT_RISK_WITHIN_MS = 30 * 60 * 1000;
/** [M17] How far back the engine keeps per-event detail (any window or explanation inside it can be answered). */
export const METRICS_RETENTION_DAYS = 35;

// Capped at 7 days: the engine keeps that much detail beyond its retention so every deadline inside it is known.
const targetS = z.number().int().min(60).max(7 * 24 * 3600);
export const MetricSettingsSchema = z.strictObject({
  slaTargetsS: z.strictObject(Object.fromEntries(TicketPrioritySchema.options.map((p) => [p, targetS])) as Record<TicketPriority, typeof targetS>),
  scoreWeights: z
    .strictObject(Object.fromEntries(scoreComponents.map((c) => [c, z.number().min(0).max(100)])) as Record<ScoreComponent, z.ZodNumber>)
    .refine((w) => Object.values(w).some((v) => v > 0), { message: "at least one weight must be above 0" }),
});
export type MetricSettings = z.infer<typeof MetricSettingsSchema>;
export const defaultMetricSettings: MetricSettings = { slaTargetsS: defaultSlaTargetsS, scoreWeights: defaultScoreWeights };
