// One pass per figure over the facts of a window, attributing each input to a technician. The same
// code yields the per-technician tallies a summary adds up and the inputs an explanation lists, so
// a figure and its explanation cannot disagree. Durations are summed in integer milliseconds so the
// result does not depend on the order of summation (replay equality, [M16]).
import { ACW_GRACE_MS, openTicketStatuses, type ExplainInput, type ExplainOutcome, type KpiName, type MetricSettings, type TicketPriority, type TicketStatus } from "@caseroom/shared";
import { firstIndexFrom, lastBefore, minuteOf, type CallFacts, type OrgFacts, type StatusRef, type TicketFacts } from "./facts.ts";

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

type Row = Omit<ExplainInput, "attributedTo" | "counted">;

/**
 * Receives every counted input. `count` answers whether an explanation row is wanted for it, so a
 * summary builds no rows and allocates nothing per input (a busy day has hundreds of thousands).
 */
export class Sink {
  readonly tallies = Object.fromEntries(
    (["frt", "aht", "acw", "fcr", "csat", "sla", "reopenRate", "backlog", "occupancy"] as const).map((k) => [k, new Map<string, Tally>()]),
  ) as Breakdown;
  readonly inputs: ExplainInput[] = [];
  constructor(private readonly explain?: { kpi: TalliedKpi; includes(agent: string): boolean }) {}

  /** Adds to the tally; true when the caller should describe the input with `row`. */
  count(kpi: TalliedKpi, agent: string, num: number, den: number): boolean {
    const tallies = this.tallies[kpi];
    const tally = tallies.get(agent);
    if (tally) {
      tally.num += num;
      tally.den += den;
    } else tallies.set(agent, { num, den });
    return this.explain !== undefined && this.wants(kpi, agent);
  }

  /** Whether inputs of this figure attributed to this technician are being listed. */
  wants(kpi: TalliedKpi, agent: string): boolean {
    return this.explain !== undefined && this.explain.kpi === kpi && this.explain.includes(agent);
  }

  /** Lists an input; `counted: false` ones do not enter the figure and say why. */
  row(agent: string, counted: boolean, input: Row): void {
    this.inputs.push({ ...input, counted, attributedTo: agent || null });
  }
}

const key = (id: string | null | undefined) => id ?? "";
const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.round(ms) / 1000;
export const openStatuses = new Set<TicketStatus>(openTicketStatuses);
export const isResolution = (s: StatusRef) => s.to === "resolved" && s.from !== "resolved";
export const isReopening = (s: StatusRef) => (s.from === "resolved" || s.from === "closed") && openStatuses.has(s.to);
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
  forEachIn(org.index.responses, span.from, span.to, ({ ref: r, ticket: t }) => {
    if (t.responses[0] !== r || !inSpan(r.at, span)) return;
    const agent = key(r.actorId);
    if (!t.created) {
      if (sink.wants("frt", agent)) sink.row(agent, false, { subject: "ticket", subjectId: t.id, at: iso(r.at), outcome: "no_created_event", value: null, eventIds: [r.id], detail: {} });
      return;
    }
    const ms = Math.max(0, r.at - t.created.at);
    if (sink.count("frt", agent, ms, 1)) {
      sink.row(agent, true, {
        subject: "ticket",
        subjectId: t.id,
        at: iso(r.at),
        outcome: "counted",
        value: seconds(ms),
        eventIds: [t.created.id, r.id],
        detail: { createdAt: iso(t.created.at), respondedAt: iso(r.at) },
      });
    }
  });
}

/**
 * [M4] [M5] A call's talk, and the wrap_up its technician entered within the grace period after it
 * ended with the state that ended it (`wrap` without `end`: still wrapping up, not counted yet).
 */
export function handlingOf(org: OrgFacts, c: { started: NonNullable<CallFacts["started"]>; ended: NonNullable<CallFacts["ended"]> }) {
  const talk = Math.max(0, c.ended.at - c.started.at);
  const states = (c.started.actorId && org.agents.get(c.started.actorId)?.states) || [];
  let i = firstIndexFrom(states, c.ended.at);
  while (i < states.length && states[i]!.at <= c.ended.at + ACW_GRACE_MS && states[i]!.to !== "wrap_up") i++;
  const wrap = i < states.length && states[i]!.at <= c.ended.at + ACW_GRACE_MS ? states[i] : undefined;
  const end = wrap ? states[++i] : undefined;
  return { talk, wrap, end };
}

/** [M4] [M5] Talk plus after-call work per call, counted where the call ended. */
function handleTime(org: OrgFacts, span: Span, sink: Sink) {
  forEachIn(org.index.callEnds, span.from, span.to, (c) => {
    if (!c.ended || !inSpan(c.ended.at, span)) return;
    const base = { subject: "call" as const, subjectId: c.id };
    if (!c.started) {
      for (const kpi of ["aht", "acw"] as const) {
        if (sink.wants(kpi, "")) sink.row("", false, { ...base, at: iso(c.ended.at), outcome: "no_created_event", value: null, eventIds: [c.ended.id], detail: {} });
      }
      return;
    }
    const agent = key(c.started.actorId);
    const { talk, wrap, end } = handlingOf(org, { started: c.started, ended: c.ended });
    const ids = () => [c.started!.id, c.ended!.id, ...(wrap ? [wrap.id] : []), ...(end ? [end.id] : [])];
    if (wrap && !end) {
      for (const kpi of ["aht", "acw"] as const) {
        if (sink.wants(kpi, agent)) sink.row(agent, false, { ...base, at: iso(c.ended.at), outcome: "wrap_up_open", value: null, eventIds: ids(), detail: { talkS: seconds(talk), wrapUpFrom: iso(wrap.at) } });
      }
      return;
    }
    const acw = wrap && end ? end.at - wrap.at : 0;
    const row = (value: number): Row => ({
      ...base,
      at: iso(c.ended!.at),
      outcome: "counted",
      value: seconds(value),
      eventIds: ids(),
      detail: { talkS: seconds(talk), acwS: seconds(acw), startedAt: iso(c.started!.at), ticketId: c.started!.ticketId },
    });
    if (sink.count("aht", agent, talk + acw, 1)) sink.row(agent, true, row(talk + acw));
    if (sink.count("acw", agent, acw, 1)) sink.row(agent, true, row(acw));
  });
}

/** [M6] first-contact resolution and [M9] reopen rate, from the status changes in the span. */
function resolutions(org: OrgFacts, span: Span, sink: Sink) {
  forEachIn(org.index.statuses, span.from, span.to, ({ ref: s, ticket: t }) => {
    if (!inSpan(s.at, span)) return;
    if (isReopening(s)) {
      const agent = key(assigneeAt(t, s.at));
      if (sink.count("reopenRate", agent, 1, 0)) sink.row(agent, true, { subject: "ticket", subjectId: t.id, at: iso(s.at), eventIds: [s.id], outcome: "reopening", value: 1, detail: { from: s.from, to: s.to } });
    }
    if (!isResolution(s)) return;
    const agent = key(s.actorId);
    if (sink.count("reopenRate", agent, 0, 1)) sink.row(agent, true, { subject: "ticket", subjectId: t.id, at: iso(s.at), eventIds: [s.id], outcome: "resolution", value: 0, detail: { from: s.from } });
    // A ticket resolved twice in the span is judged once, at its last resolution there.
    for (let i = t.statuses.length - 1; i >= 0; i--) {
      const later = t.statuses[i]!;
      if (later === s) break;
      if (isResolution(later) && inSpan(later.at, span)) return;
    }
    fcr(t, s, sink);
  });
}

/** [M6] At most one public staff message and one call before the resolution, never reopened. */
export function fcrOf(t: TicketFacts, res: StatusRef) {
  const reopening = t.statuses.find(isReopening);
  // Both lists are sorted by time: the count before the resolution is a binary search.
  const messageCount = firstIndexFrom(t.responses, res.at);
  const callCount = firstIndexFrom(t.calls, res.at);
  const outcome: ExplainOutcome = reopening ? "reopened" : messageCount > 1 ? "too_many_messages" : callCount > 1 ? "too_many_calls" : "first_contact";
  return { reopening, messageCount, callCount, outcome, hit: outcome === "first_contact" ? 1 : 0 };
}

/** [M6] Judges one resolution. */
function fcr(t: TicketFacts, res: StatusRef, sink: Sink) {
  const { reopening, messageCount, callCount, outcome, hit } = fcrOf(t, res);
  const agent = key(res.actorId);
  if (sink.count("fcr", agent, hit, 1)) {
    sink.row(agent, true, {
      subject: "ticket",
      subjectId: t.id,
      at: iso(res.at),
      outcome,
      value: hit,
      eventIds: [res.id, ...t.responses.slice(0, messageCount).map((m) => m.id), ...t.calls.slice(0, callCount).map((c) => c.id), ...(reopening ? [reopening.id] : [])],
      detail: { publicStaffMessages: messageCount, calls: callCount, reopened: Boolean(reopening) },
    });
  }
}

/** [M7] Share of satisfied surveys, attributed to the ticket's assignee at the survey. */
function csat(org: OrgFacts, span: Span, sink: Sink) {
  forEachIn(org.index.surveys, span.from, span.to, ({ ref: s, ticket: t }) => {
    if (!inSpan(s.at, span)) return;
    const assignee = assigneeAt(t, s.at);
    const hit = s.score >= 4 ? 1 : 0;
    const agent = key(assignee);
    if (sink.count("csat", agent, hit, 1)) {
      sink.row(agent, true, { subject: "survey", subjectId: s.id, at: iso(s.at), outcome: hit ? "satisfied" : "unsatisfied", value: hit, eventIds: [s.id], detail: { score: s.score, ticketId: s.ticketId } });
    }
  });
}

/** [M8] SLA attainment over the tickets whose deadline falls in the span. */
function sla(org: OrgFacts, span: Span, settings: MetricSettings, sink: Sink) {
  const longest = Math.max(...Object.values(settings.slaTargetsS)) * 1000;
  forEachIn(org.index.created, span.from - longest, span.to, (t) => {
    const deadline = deadlineOf(t, settings);
    if (deadline === undefined || !inSpan(deadline, span)) return;
    const first = t.responses[0];
    const met = first !== undefined && first.at <= deadline ? 1 : 0;
    const agent = key(assigneeAt(t, deadline));
    if (sink.count("sla", agent, met, 1)) {
      const priority = priorityAt(t, first ? first.at : Number.POSITIVE_INFINITY);
      sink.row(agent, true, {
      subject: "ticket",
      subjectId: t.id,
      at: iso(deadline),
      outcome: met ? "met" : "breached",
      value: met,
      eventIds: [t.created!.id, ...(first ? [first.id] : [])],
      detail: { priority, targetS: settings.slaTargetsS[priority], createdAt: iso(t.created!.at), respondedAt: first ? iso(first.at) : null },
      });
    }
  });
}

/** [M10] Tickets still needing work at the end of the span. */
function backlog(org: OrgFacts, span: Span, sink: Sink) {
  for (const t of org.tickets.values()) {
    const status = statusAt(t, span.to);
    if (!status || !openStatuses.has(status)) continue;
    const agent = key(assigneeAt(t, span.to, true));
    if (sink.count("backlog", agent, 1, 1)) {
      const last = lastBefore(t.statuses, span.to);
      sink.row(agent, true, { subject: "ticket", subjectId: t.id, at: iso(last?.at ?? t.created!.at), outcome: "in_backlog", value: 1, eventIds: [last?.id ?? t.created!.id], detail: { status } });
    }
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
    if (sink.count("occupancy", a.id, busy, staffed)) {
      sink.row(a.id, true, {
        subject: "agent",
        subjectId: a.id,
        at: iso(span.from),
        outcome: "staffed",
        value: staffed ? Math.round((100_000 * busy) / staffed) / 1000 : null,
        eventIds: ids,
        detail: { busyS: seconds(busy), staffedS: seconds(staffed) },
      });
    }
  }
}
