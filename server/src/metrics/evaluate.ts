// One pass per figure over the facts of a window, attributing each input to a technician. The same
// code yields the per-technician tallies a summary adds up and the inputs an explanation lists, so
// a figure and its explanation cannot disagree. Durations are summed in integer milliseconds so the
// result does not depend on the order of summation (replay equality, [M16]).
import { ACW_GRACE_MS, openTicketStatuses, type ExplainInput, type ExplainOutcome, type KpiName, type MetricSettings, type TicketPriority, type TicketStatus } from "@caseroom/shared";
import { lastBefore, minuteOf, type OrgFacts, type StatusRef, type TicketFacts } from "./facts.ts";

export interface Span {
  from: number;
  /** Exclusive, and never after `now` ([M2]). */
  to: number;
  now: number;
}

/** Numerator and denominator of one technician's part of a figure ("" is nobody). */
export interface Tally {
  num: number;
  den: number;
}
export type TalliedKpi = Exclude<KpiName, "score">;
export type Breakdown = Record<TalliedKpi, Map<string, Tally>>;

/** Receives every counted input; builds explanation rows only when an explanation is being made. */
export class Sink {
  readonly tallies = Object.fromEntries(
    (["frt", "aht", "acw", "fcr", "csat", "sla", "reopenRate", "backlog", "occupancy"] as const).map((k) => [k, new Map<string, Tally>()]),
  ) as Breakdown;
  readonly inputs: ExplainInput[] = [];
  constructor(private readonly explain?: { kpi: TalliedKpi; includes(agent: string): boolean }) {}

  count(kpi: TalliedKpi, agent: string, num: number, den: number, input?: () => Omit<ExplainInput, "attributedTo" | "counted">): void {
    const tally = this.tallies[kpi].get(agent);
    if (tally) {
      tally.num += num;
      tally.den += den;
    } else this.tallies[kpi].set(agent, { num, den });
    this.row(kpi, agent, true, input);
  }

  /** An input that does not enter the figure, listed so the explanation says why. */
  skip(kpi: TalliedKpi, agent: string, input: () => Omit<ExplainInput, "attributedTo" | "counted">): void {
    this.row(kpi, agent, false, input);
  }

  private row(kpi: TalliedKpi, agent: string, counted: boolean, input?: () => Omit<ExplainInput, "attributedTo" | "counted">) {
    if (!input || !this.explain || this.explain.kpi !== kpi || !this.explain.includes(agent)) return;
    this.inputs.push({ ...input(), counted, attributedTo: agent || null });
  }
}

const key = (id: string | null | undefined) => id ?? "";
const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.round(ms) / 1000;
const openStatuses = new Set<TicketStatus>(openTicketStatuses);
const isResolution = (s: StatusRef) => s.to === "resolved" && s.from !== "resolved";
const isReopening = (s: StatusRef) => (s.from === "resolved" || s.from === "closed") && openStatuses.has(s.to);
const inSpan = (at: number, span: Span) => at >= span.from && at < span.to;

/** Calls `fn` for every entry of the minutes the span touches; callers check the exact time. */
function forEachIn<T>(map: Map<number, T[]>, from: number, to: number, fn: (item: T) => void): void {
  if (to <= from) return;
  const last = minuteOf(to - 1);
  for (let m = minuteOf(from); m <= last; m++) {
    const list = map.get(m);
    if (list) for (const item of list) fn(item);
  }
}

export const assigneeAt = (t: TicketFacts, at: number, strict = false) => lastBefore(t.assignments, at, strict)?.to ?? null;
export const priorityAt = (t: TicketFacts, at: number): TicketPriority => lastBefore(t.priorities, at, false)?.to ?? t.created!.priority;
export const titleOf = (t: TicketFacts) => t.titles.at(-1)?.to ?? t.created?.title ?? "";
/** The status just before `at` (events at `at` belong to the next window), or undefined before the ticket existed. */
export function statusAt(t: TicketFacts, at: number): TicketStatus | undefined {
  const last = lastBefore(t.statuses, at);
  if (last) return last.to;
  return t.created && t.created.at < at ? "new" : undefined;
}
/** [M8] The first-response deadline: creation plus the target of the priority as of the first response. */
export function deadlineOf(t: TicketFacts, settings: MetricSettings): number | undefined {
  if (!t.created) return undefined;
  const first = t.responses[0];
  return t.created.at + settings.slaTargetsS[priorityAt(t, first ? first.at : Number.POSITIVE_INFINITY)] * 1000;
}

/** Runs every tallied figure over the span. */
export function evaluate(org: OrgFacts, span: Span, settings: MetricSettings, sink: Sink): Sink {
  frt(org, span, sink);
  handleTime(org, span, sink);
  resolutions(org, span, sink);
  csat(org, span, sink);
  sla(org, span, settings, sink);
  backlog(org, span, sink);
  occupancy(org, span, sink);
  return sink;
}

/** [M3] First response time, counted where the response falls, attributed to the responder. */
function frt(org: OrgFacts, span: Span, sink: Sink) {
  forEachIn(org.index.responses, span.from, span.to, (r) => {
    const t = org.tickets.get(r.ticketId)!;
    if (t.responses[0] !== r || !inSpan(r.at, span)) return;
    const base = { subject: "ticket" as const, subjectId: t.id, at: iso(r.at) };
    if (!t.created) return sink.skip("frt", key(r.actorId), () => ({ ...base, outcome: "no_created_event", value: null, eventIds: [r.id], detail: {} }));
    const ms = Math.max(0, r.at - t.created.at);
    sink.count("frt", key(r.actorId), ms, 1, () => ({
      ...base,
      outcome: "counted",
      value: seconds(ms),
      eventIds: [t.created!.id, r.id],
      detail: { createdAt: iso(t.created!.at), respondedAt: iso(r.at) },
    }));
  });
}

/** [M4] [M5] Talk plus after-call work per call, counted where the call ended. */
function handleTime(org: OrgFacts, span: Span, sink: Sink) {
  forEachIn(org.index.callEnds, span.from, span.to, (callId) => {
    const c = org.calls.get(callId)!;
    if (!c.ended || !inSpan(c.ended.at, span)) return;
    const base = { subject: "call" as const, subjectId: c.id, at: iso(c.ended.at) };
    if (!c.started) {
      for (const kpi of ["aht", "acw"] as const) sink.skip(kpi, "", () => ({ ...base, outcome: "no_created_event", value: null, eventIds: [c.ended!.id], detail: {} }));
      return;
    }
    const agent = key(c.started.actorId);
    const talk = Math.max(0, c.ended.at - c.started.at);
    const states = (c.started.actorId && org.agents.get(c.started.actorId)?.states) || [];
    // The first wrap_up entered within the grace period after the call ended, and what ended it.
    let i = states.findIndex((s) => s.to === "wrap_up" && s.at >= c.ended!.at && s.at <= c.ended!.at + ACW_GRACE_MS);
    const wrap = i >= 0 ? states[i] : undefined;
    const end = wrap ? states[++i] : undefined;
    const ids = [c.started.id, c.ended.id, ...(wrap ? [wrap.id] : []), ...(end ? [end.id] : [])];
    if (wrap && !end) {
      for (const kpi of ["aht", "acw"] as const) {
        sink.skip(kpi, agent, () => ({ ...base, outcome: "wrap_up_open", value: null, eventIds: ids, detail: { talkS: seconds(talk), wrapUpFrom: iso(wrap.at) } }));
      }
      return;
    }
    const acw = wrap && end ? end.at - wrap.at : 0;
    const detail = { talkS: seconds(talk), acwS: seconds(acw), startedAt: iso(c.started.at), ticketId: c.started.ticketId };
    sink.count("aht", agent, talk + acw, 1, () => ({ ...base, outcome: "counted", value: seconds(talk + acw), eventIds: ids, detail }));
    sink.count("acw", agent, acw, 1, () => ({ ...base, outcome: "counted", value: seconds(acw), eventIds: ids, detail }));
  });
}

/** [M6] first-contact resolution and [M9] reopen rate, from the status changes in the span. */
function resolutions(org: OrgFacts, span: Span, sink: Sink) {
  const resolved = new Set<TicketFacts>();
  forEachIn(org.index.statuses, span.from, span.to, (s) => {
    if (!inSpan(s.at, span)) return;
    const t = org.tickets.get(s.ticketId)!;
    const base = { subject: "ticket" as const, subjectId: t.id, at: iso(s.at), eventIds: [s.id] };
    if (isResolution(s)) {
      resolved.add(t);
      sink.count("reopenRate", key(s.actorId), 0, 1, () => ({ ...base, outcome: "resolution", value: 0, detail: { from: s.from } }));
    }
    if (isReopening(s)) {
      const assignee = assigneeAt(t, s.at);
      sink.count("reopenRate", key(assignee), 1, 0, () => ({ ...base, outcome: "reopening", value: 1, detail: { from: s.from, to: s.to } }));
    }
  });
  for (const t of resolved) {
    // The last resolution in the span is the one judged; any reopening, ever, disqualifies.
    const res = [...t.statuses].reverse().find((s) => isResolution(s) && inSpan(s.at, span))!;
    const reopening = t.statuses.find(isReopening);
    const messages = t.responses.filter((r) => r.at < res.at);
    const calls = t.calls.filter((c) => c.at < res.at);
    const outcome: ExplainOutcome = reopening ? "reopened" : messages.length > 1 ? "too_many_messages" : calls.length > 1 ? "too_many_calls" : "first_contact";
    const hit = outcome === "first_contact" ? 1 : 0;
    sink.count("fcr", key(res.actorId), hit, 1, () => ({
      subject: "ticket",
      subjectId: t.id,
      at: iso(res.at),
      outcome,
      value: hit,
      eventIds: [res.id, ...messages.map((m) => m.id), ...calls.map((c) => c.id), ...(reopening ? [reopening.id] : [])],
      detail: { publicStaffMessages: messages.length, calls: calls.length, reopened: Boolean(reopening) },
    }));
  }
}

/** [M7] Share of satisfied surveys, attributed to the ticket's assignee at the survey. */
function csat(org: OrgFacts, span: Span, sink: Sink) {
  forEachIn(org.index.surveys, span.from, span.to, (s) => {
    if (!inSpan(s.at, span)) return;
    const t = org.tickets.get(s.ticketId);
    const assignee = t ? assigneeAt(t, s.at) : null;
    const hit = s.score >= 4 ? 1 : 0;
    sink.count("csat", key(assignee), hit, 1, () => ({
      subject: "survey",
      subjectId: s.id,
      at: iso(s.at),
      outcome: hit ? "satisfied" : "unsatisfied",
      value: hit,
      eventIds: [s.id],
      detail: { score: s.score, ticketId: s.ticketId },
    }));
  });
}

/** [M8] SLA attainment over the tickets whose deadline falls in the span. */
function sla(org: OrgFacts, span: Span, settings: MetricSettings, sink: Sink) {
  const longest = Math.max(...Object.values(settings.slaTargetsS)) * 1000;
  forEachIn(org.index.created, span.from - longest, span.to, (ticketId) => {
    const t = org.tickets.get(ticketId)!;
    const deadline = deadlineOf(t, settings);
    if (deadline === undefined || !inSpan(deadline, span)) return;
    const first = t.responses[0];
    const met = first !== undefined && first.at <= deadline ? 1 : 0;
    const priority = priorityAt(t, first ? first.at : Number.POSITIVE_INFINITY);
    sink.count("sla", key(assigneeAt(t, deadline)), met, 1, () => ({
      subject: "ticket",
      subjectId: t.id,
      at: iso(deadline),
      outcome: met ? "met" : "breached",
      value: met,
      eventIds: [t.created!.id, ...(first ? [first.id] : [])],
      detail: { priority, targetS: settings.slaTargetsS[priority], createdAt: iso(t.created!.at), respondedAt: first ? iso(first.at) : null },
    }));
  });
}

/** [M10] Tickets still needing work at the end of the span. */
function backlog(org: OrgFacts, span: Span, sink: Sink) {
  for (const t of org.tickets.values()) {
    const status = statusAt(t, span.to);
    if (!status || !openStatuses.has(status)) continue;
    const last = lastBefore(t.statuses, span.to);
    sink.count("backlog", key(assigneeAt(t, span.to, true)), 1, 1, () => ({
      subject: "ticket",
      subjectId: t.id,
      at: iso(last?.at ?? t.created!.at),
      outcome: "in_backlog",
      value: 1,
      eventIds: [last?.id ?? t.created!.id],
      detail: { status },
    }));
  }
}

const busyStates = new Set(["busy", "on_call", "wrap_up"]);
const staffedStates = new Set(["available", "busy", "on_call", "wrap_up"]);

/** [M11] Time busy over time staffed, per technician, clipped to the span. */
function occupancy(org: OrgFacts, span: Span, sink: Sink) {
  for (const a of org.agents.values()) {
    let busy = 0;
    let staffed = 0;
    const ids: string[] = [];
    const states = a.states;
    for (let i = 0; i < states.length; i++) {
      const from = Math.max(states[i]!.at, span.from);
      const to = Math.min(states[i + 1]?.at ?? span.to, span.to);
      if (to <= from) continue;
      ids.push(states[i]!.id);
      const state = states[i]!.to;
      if (staffedStates.has(state)) staffed += to - from;
      if (busyStates.has(state)) busy += to - from;
    }
    if (ids.length === 0) continue;
    sink.count("occupancy", a.id, busy, staffed, () => ({
      subject: "agent",
      subjectId: a.id,
      at: iso(span.from),
      outcome: "staffed",
      value: staffed ? Math.round((100_000 * busy) / staffed) / 1000 : null,
      eventIds: ids,
      detail: { busyS: seconds(busy), staffedS: seconds(staffed) },
    }));
  }
}
