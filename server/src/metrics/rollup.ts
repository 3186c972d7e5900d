// Pre-aggregated figures: each ticket, call and survey adds its counted inputs (the same ones
// evaluate.ts counts) to per-minute, per-hour and per-day running totals per technician, so a day's
// figures are a sum of 24 hourly buckets instead of a pass over a million events. When an event
// changes a ticket, call or technician, that subject's old inputs are taken out and its new ones put
// in ([M16]: the totals are integer milliseconds and counts, so they are exact whatever the order).
// What is not a sum of instants is kept otherwise: backlog as +1/-1 steps summed up to the end of
// the window, occupancy as running time totals per technician, and the rare ticket resolved twice
// (judged at its last resolution inside the window, [M6]) straight from its facts.
import { ACW_GRACE_MS, type MetricSettings, type TicketStatus } from "@caseroom/shared";
import { assigneeAt, deadlineOf, fcrOf, handlingOf, isReopening, isResolution, openStatuses, type Breakdown, type Span, type Tally, type TalliedKpi } from "./evaluate.ts";
import { firstIndexFrom, lastBefore, minuteOf, type AgentFacts, type CallFacts, type OrgFacts, type StatusRef, type SurveyRef, type TicketFacts } from "./facts.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Summed = Exclude<TalliedKpi, "occupancy">;
const summed: readonly Summed[] = ["frt", "aht", "acw", "fcr", "csat", "sla", "reopenRate", "backlog"];

/** One counted input: `at` places it in time (for backlog: the step applies to windows ending after it). */
interface Input {
  kpi: Summed;
  at: number;
  agent: string;
  num: number;
  den: number;
}

const key = (id: string | null | undefined) => id ?? "";
/** The index of the first item after `at` (or at it, unless `strict`), in a list sorted by `at`. */
const firstAfter = (list: readonly { at: number }[], at: number, strict = true) => {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (strict ? list[mid]!.at <= at : list[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

function bump(tallies: Map<string, Tally>, agent: string, num: number, den: number): void {
  const t = tallies.get(agent);
  if (t) {
    t.num += num;
    t.den += den;
  } else tallies.set(agent, { num, den });
}

function addAll(into: Map<string, Tally>, from: Map<string, Tally> | undefined): void {
  if (from) for (const [agent, t] of from) bump(into, agent, t.num, t.den);
}

/** Running totals of one figure at three resolutions; the minute keeps its inputs for partial minutes. */
class Buckets {
  private minutes = new Map<number, { inputs: Set<Input>; tallies: Map<string, Tally> }>();
  private hours = new Map<number, Map<string, Tally>>();
  private days = new Map<number, Map<string, Tally>>();
  /** No input is earlier: where a sum "since the beginning" starts. */
  earliest = Number.POSITIVE_INFINITY;

  add(input: Input, sign: 1 | -1): void {
    const m = minuteOf(input.at);
    let minute = this.minutes.get(m);
    if (!minute) this.minutes.set(m, (minute = { inputs: new Set(), tallies: new Map() }));
    if (sign > 0) minute.inputs.add(input);
    else minute.inputs.delete(input);
    const num = sign * input.num;
    const den = sign * input.den;
    bump(minute.tallies, input.agent, num, den);
    let hour = this.hours.get(Math.floor(input.at / HOUR));
    if (!hour) this.hours.set(Math.floor(input.at / HOUR), (hour = new Map()));
    bump(hour, input.agent, num, den);
    let day = this.days.get(Math.floor(input.at / DAY));
    if (!day) this.days.set(Math.floor(input.at / DAY), (day = new Map()));
    bump(day, input.agent, num, den);
    if (input.at < this.earliest) this.earliest = input.at;
  }

  /** Adds every input with `from <= at < to` to `into`. */
  sum(from: number, to: number, into: Map<string, Tally>): void {
    if (to <= from) return;
    const first = Math.ceil(from / MINUTE);
    const last = Math.floor(to / MINUTE);
    if (first > last) return this.partial(from, to, into);
    if (from < first * MINUTE) this.partial(from, first * MINUTE, into);
    if (last * MINUTE < to) this.partial(last * MINUTE, to, into);
    this.wholeMinutes(first, last, into);
  }

  private partial(from: number, to: number, into: Map<string, Tally>): void {
    const minute = this.minutes.get(minuteOf(from));
    if (minute) for (const i of minute.inputs) if (i.at >= from && i.at < to) bump(into, i.agent, i.num, i.den);
  }

  /** Minutes [a, b): whole hours and days from their own totals, the rest minute by minute. */
  private wholeMinutes(a: number, b: number, into: Map<string, Tally>): void {
    const h0 = Math.ceil(a / 60);
    const h1 = Math.floor(b / 60);
    if (h0 >= h1) {
      for (let m = a; m < b; m++) addAll(into, this.minutes.get(m)?.tallies);
      return;
    }
    for (let m = a; m < h0 * 60; m++) addAll(into, this.minutes.get(m)?.tallies);
    for (let m = h1 * 60; m < b; m++) addAll(into, this.minutes.get(m)?.tallies);
    const d0 = Math.ceil(h0 / 24);
    const d1 = Math.floor(h1 / 24);
    if (d0 >= d1) {
      for (let h = h0; h < h1; h++) addAll(into, this.hours.get(h));
      return;
    }
    for (let h = h0; h < d0 * 24; h++) addAll(into, this.hours.get(h));
    for (let h = d1 * 24; h < h1; h++) addAll(into, this.hours.get(h));
    if (d1 - d0 > this.days.size) {
      for (const [d, tallies] of this.days) if (d >= d0 && d < d1) addAll(into, tallies);
    } else for (let d = d0; d < d1; d++) addAll(into, this.days.get(d));
  }
}

/** Per technician, busy and staffed time from their first state up to each state change ([M11]). */
interface Occupancy {
  busy: number[];
  staffed: number[];
  /** States from this index on need their totals recomputed. */
  validTo: number;
}

/** A reusable list of inputs as columns, so recounting a subject allocates nothing when nothing changed. */
class Scratch {
  kpi: Summed[] = [];
  at: number[] = [];
  agent: string[] = [];
  num: number[] = [];
  den: number[] = [];
  n = 0;
  reset(): this {
    this.n = 0;
    return this;
  }
  push(kpi: Summed, at: number, agent: string, num: number, den: number): void {
    const i = this.n++;
    this.kpi[i] = kpi;
    this.at[i] = at;
    this.agent[i] = agent;
    this.num[i] = num;
    this.den[i] = den;
  }
}

interface CallEnd {
  agent: string;
  at: number;
  call: CallFacts;
}

const busyStates = new Set(["busy", "on_call", "wrap_up"]);
const staffedStates = new Set(["available", "busy", "on_call", "wrap_up"]);

export class Rollup {
  private buckets = Object.fromEntries(summed.map((k) => [k, new Buckets()])) as Record<Summed, Buckets>;
  private inputs = new Map<TicketFacts | CallFacts, Input[]>();
  private surveys = new Map<string, SurveyRef[]>();
  private occupancy = new Map<AgentFacts, Occupancy>();
  /** Tickets with more than one resolution: their FCR depends on the window ([M6]). */
  private resolvedTwice = new Set<TicketFacts>();
  private dirtyTickets = new Set<string>();
  private dirtyCalls = new Set<string>();
  /** Per technician, the calls they started by when each ended, to find those a state change moves. */
  private callsOf = new Map<string, CallEnd[]>();
  private callEnd = new Map<CallFacts, CallEnd>();
  /** Per technician, the earliest and latest state change since the last sync. */
  private dirtyAgents = new Map<string, { lo: number; hi: number }>();

  constructor(
    private readonly org: OrgFacts,
    /** Only SLA deadlines depend on settings: the targets these totals were counted with. */
    public slaKey: string,
    private settings: MetricSettings,
  ) {
    for (const s of org.surveys) {
      const list = this.surveys.get(s.ticketId);
      if (list) list.push(s);
      else this.surveys.set(s.ticketId, [s]);
    }
  }

  /** Whether the first sync is still to come: it takes every ticket and call as it stands. */
  private built = false;

  static keyOf(settings: MetricSettings): string {
    return JSON.stringify(settings.slaTargetsS);
  }

  /** New SLA targets: every ticket is recounted at the next sync (only its SLA input changes). */
  retarget(slaKey: string, settings: MetricSettings): void {
    this.slaKey = slaKey;
    this.settings = settings;
    for (const id of this.org.tickets.keys()) this.dirtyTickets.add(id);
  }

  // ---- told by the fold ---------------------------------------------------------------------------
  ticketChanged(id: string): void {
    this.dirtyTickets.add(id);
  }
  callChanged(id: string): void {
    this.dirtyCalls.add(id);
  }
  surveyFolded(s: SurveyRef): void {
    const list = this.surveys.get(s.ticketId);
    if (list) list.push(s);
    else this.surveys.set(s.ticketId, [s]);
    this.dirtyTickets.add(s.ticketId);
  }
  stateFolded(agentId: string, at: number): void {
    const d = this.dirtyAgents.get(agentId);
    if (!d) this.dirtyAgents.set(agentId, { lo: at, hi: at });
    else {
      if (at < d.lo) d.lo = at;
      if (at > d.hi) d.hi = at;
    }
  }

  /** Brings the totals up to date with everything folded so far. */
  sync(): void {
    if (!this.built) {
      this.built = true;
      this.dirtyAgents.clear();
      this.dirtyTickets.clear();
      this.dirtyCalls.clear();
      for (const t of this.org.tickets.values()) this.replace(t, this.ticketInputs(t));
      for (const c of this.org.calls.values()) this.callChangedTo(c);
      return;
    }
    for (const [id, d] of this.dirtyAgents) {
      const agent = this.org.agents.get(id);
      if (!agent) continue;
      const occ = this.occupancy.get(agent);
      const from = firstIndexFrom(agent.states, d.lo);
      if (occ) occ.validTo = Math.min(occ.validTo, Math.max(0, from - 1));
      // A state change moves the after-call work of this technician's calls that ended from just
      // before the state it follows up to the change itself (see handlingOf).
      const lo = (from > 0 ? Math.min(agent.states[from - 1]!.at, d.lo) : d.lo) - ACW_GRACE_MS;
      const calls = this.callsOf.get(id) ?? [];
      for (let i = firstAfter(calls, lo, false); i < calls.length && calls[i]!.at <= d.hi; i++) this.dirtyCalls.add(calls[i]!.call.id);
    }
    this.dirtyAgents.clear();
    for (const id of this.dirtyTickets) {
      const t = this.org.tickets.get(id);
      if (t) this.replace(t, this.ticketInputs(t));
    }
    this.dirtyTickets.clear();
    for (const id of this.dirtyCalls) {
      const c = this.org.calls.get(id);
      if (c) this.callChangedTo(c);
    }
    this.dirtyCalls.clear();
  }

  /**
   * Swaps a subject's inputs for those in `next`, touching the totals only for inputs that changed
   * (most events change one or two) and allocating only for new ones.
   */
  private replace(subject: TicketFacts | CallFacts, next: Scratch): void {
    const old = this.inputs.get(subject) ?? [];
    const kept = this.kept;
    kept.length = 0;
    for (let k = 0; k < old.length; k++) kept.push(false);
    let same = old.length === next.n;
    const fresh: Input[] = [];
    for (let n = 0; n < next.n; n++) {
      let match = -1;
      for (let k = 0; k < old.length; k++) {
        const o = old[k]!;
        if (!kept[k] && o.kpi === next.kpi[n] && o.at === next.at[n] && o.agent === next.agent[n] && o.num === next.num[n] && o.den === next.den[n]) {
          match = k;
          break;
        }
      }
      if (match >= 0) kept[match] = true;
      else {
        same = false;
        const input: Input = { kpi: next.kpi[n]!, at: next.at[n]!, agent: next.agent[n]!, num: next.num[n]!, den: next.den[n]! };
        this.buckets[input.kpi].add(input, 1);
        fresh.push(input);
      }
    }
    if (same) return;
    const inputs = fresh;
    for (let k = 0; k < old.length; k++) {
      if (kept[k]) inputs.push(old[k]!);
      else this.buckets[old[k]!.kpi].add(old[k]!, -1);
    }
    if (inputs.length) this.inputs.set(subject, inputs);
    else this.inputs.delete(subject);
  }
  private kept: boolean[] = [];
  /** Where a subject's inputs are written before they are compared with its stored ones. */
  private scratch = new Scratch();

  /** Every input a ticket gives, wherever in time it falls: the same rules as evaluate.ts. */
  private ticketInputs(t: TicketFacts): Scratch {
    const out = this.scratch.reset();
    const first = t.responses[0];
    // [M3]
    if (first && t.created) out.push("frt", first.at, key(first.actorId), Math.max(0, first.at - t.created.at), 1);
    // [M9] and [M6]
    let resolutions = 0;
    let resolution: StatusRef | undefined;
    for (const s of t.statuses) {
      if (isReopening(s)) out.push("reopenRate", s.at, key(assigneeAt(t, s.at)), 1, 0);
      if (isResolution(s)) {
        out.push("reopenRate", s.at, key(s.actorId), 0, 1);
        resolutions++;
        resolution = s;
      }
    }
    if (resolutions > 1) this.resolvedTwice.add(t);
    else this.resolvedTwice.delete(t);
    if (resolutions === 1) out.push("fcr", resolution!.at, key(resolution!.actorId), fcrOf(t, resolution!).hit, 1);
    // [M7]
    for (const s of this.surveys.get(t.id) ?? []) {
      out.push("csat", s.at, key(assigneeAt(t, s.at)), s.score >= 4 ? 1 : 0, 1);
    }
    // [M8]
    if (t.created) {
      const deadline = deadlineOf(t, this.settings)!;
      out.push("sla", deadline, key(assigneeAt(t, deadline)), first !== undefined && first.at <= deadline ? 1 : 0, 1);
    }
    this.backlogSteps(t, out);
    return out;
  }

  /**
   * [M10] The ticket's part of the backlog as steps: a window ending after `at` counts the ticket for
   * `agent` (+1) or no longer (-1). The backlog at `to` counts the events before `to`, so after
   * each moment something changed, the ticket's state is read with everything at or before it.
   */
  private backlogSteps(t: TicketFacts, out: Scratch): void {
    const statuses = t.statuses;
    const assignments = t.assignments;
    let si = 0;
    let ai = 0;
    let status: TicketStatus | undefined;
    let assignee: string | null = null;
    let counted: string | null = null;
    // A merge of the (sorted) moments: creation, status changes, assignments.
    for (let at = this.nextMoment(t, -Infinity); at !== Infinity; at = this.nextMoment(t, at)) {
      while (si < statuses.length && statuses[si]!.at <= at) status = statuses[si++]!.to;
      while (ai < assignments.length && assignments[ai]!.at <= at) assignee = assignments[ai++]!.to;
      const state = status ?? (t.created && t.created.at <= at ? "new" : undefined);
      const now = state && openStatuses.has(state) ? key(assignee) : null;
      if (now === counted) continue;
      if (counted !== null) out.push("backlog", at, counted, -1, -1);
      if (now !== null) out.push("backlog", at, now, 1, 1);
      counted = now;
    }
  }

  /** The first moment after `after` at which the ticket's status, assignee or existence can change. */
  private nextMoment(t: TicketFacts, after: number): number {
    let next = t.created && t.created.at > after ? t.created.at : Infinity;
    const s = t.statuses[firstAfter(t.statuses, after)];
    if (s && s.at < next) next = s.at;
    const a = t.assignments[firstAfter(t.assignments, after)];
    if (a && a.at < next) next = a.at;
    return next;
  }

  /** Recounts a call and keeps it in its technician's list of call ends. */
  private callChangedTo(c: CallFacts): void {
    this.replace(c, this.callInputs(c));
    const was = this.callEnd.get(c);
    const agent = c.started?.actorId;
    const now = agent && c.ended ? { agent, at: c.ended.at, call: c } : undefined;
    if (was && now && was.agent === now.agent && was.at === now.at) return;
    if (was) {
      const list = this.callsOf.get(was.agent)!;
      list.splice(list.indexOf(was), 1);
      this.callEnd.delete(c);
    }
    if (now) {
      let list = this.callsOf.get(now.agent);
      if (!list) this.callsOf.set(now.agent, (list = []));
      let i = list.length;
      while (i > 0 && list[i - 1]!.at > now.at) i--;
      list.splice(i, 0, now);
      this.callEnd.set(c, now);
    }
  }

  private callInputs(c: CallFacts): Scratch {
    const out = this.scratch.reset();
    if (!c.started || !c.ended) return out;
    const { talk, wrap, end } = handlingOf(this.org, { started: c.started, ended: c.ended });
    if (wrap && !end) return out;
    const acw = wrap && end ? end.at - wrap.at : 0;
    const agent = key(c.started.actorId);
    out.push("aht", c.ended.at, agent, talk + acw, 1);
    out.push("acw", c.ended.at, agent, acw, 1);
    return out;
  }

  // ---- answering --------------------------------------------------------------------------------
  /** Per-technician tallies of every figure over the span, equal to evaluate()'s. */
  breakdown(span: Span): Breakdown {
    this.sync();
    const b = Object.fromEntries([...summed, "occupancy"].map((k) => [k, new Map<string, Tally>()])) as Breakdown;
    for (const kpi of summed) {
      if (kpi === "backlog") this.buckets.backlog.sum(this.buckets.backlog.earliest, span.to, b.backlog);
      else this.buckets[kpi].sum(span.from, span.to, b[kpi]);
    }
    for (const t of this.resolvedTwice) this.fcrResolvedTwice(t, span, b.fcr);
    for (const a of this.org.agents.values()) this.occupancyOf(a, span, b.occupancy);
    return b;
  }

  private fcrResolvedTwice(t: TicketFacts, span: Span, into: Map<string, Tally>): void {
    for (let i = t.statuses.length - 1; i >= 0; i--) {
      const s = t.statuses[i]!;
      if (isResolution(s) && s.at >= span.from && s.at < span.to) {
        bump(into, key(s.actorId), fcrOf(t, s).hit, 1);
        return;
      }
    }
  }

  private occupancyOf(a: AgentFacts, span: Span, into: Map<string, Tally>): void {
    const states = a.states;
    if (states.length === 0) return;
    let occ = this.occupancy.get(a);
    if (!occ) this.occupancy.set(a, (occ = { busy: [0], staffed: [0], validTo: 0 }));
    if (occ.validTo < states.length - 1) {
      // Totals at each state's start: index i holds the time before states[i].
      occ.busy.length = states.length;
      occ.staffed.length = states.length;
      occ.busy[0] = 0;
      occ.staffed[0] = 0;
      for (let i = Math.max(1, occ.validTo + 1); i < states.length; i++) {
        const length = states[i]!.at - states[i - 1]!.at;
        const state = states[i - 1]!.to;
        occ.busy[i] = occ.busy[i - 1]! + (busyStates.has(state) ? length : 0);
        occ.staffed[i] = occ.staffed[i - 1]! + (staffedStates.has(state) ? length : 0);
      }
      occ.validTo = states.length - 1;
    }
    // Time in each kind of state before `x`.
    const upTo = (x: number, totals: number[], kinds: Set<string>) => {
      const k = firstIndexFrom(states, x);
      if (k === 0) return 0;
      return totals[k - 1]! + (kinds.has(states[k - 1]!.to) ? x - states[k - 1]!.at : 0);
    };
    // As evaluate.ts: a technician with no state overlapping the span is not in it.
    if (states[0]!.at >= span.to || span.to <= span.from) return;
    const busy = upTo(span.to, occ.busy, busyStates) - upTo(span.from, occ.busy, busyStates);
    const staffed = upTo(span.to, occ.staffed, staffedStates) - upTo(span.from, occ.staffed, staffedStates);
    bump(into, a.id, busy, staffed);
  }
}
