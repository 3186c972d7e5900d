// The fold: each event becomes a fact about a ticket, a call, an agent or a survey. Facts are kept
// sorted by (at, seq), and every figure is derived from them when asked. So the state after folding
// a set of events does not depend on the order they arrived in ([M14]: out-of-order `at`, late
// commits), which is what makes replay-from-scratch give exactly the same figures ([M16]).
import type { AgentState, TicketPriority, TicketStatus } from "@caseroom/shared";
import type { Rollup } from "./rollup.ts";

/** An event as the engine reads it from the log; `at` in epoch milliseconds. */
export interface LogEvent {
  seq: number;
  id: string;
  orgId: string;
  type: string;
  at: number;
  actorId: string | null;
  ticketId: string | null;
  callId: string | null;
  data: Record<string, unknown>;
}

/** Enough of an event to place it in time, break ties, and name it in an explanation. */
export interface Ref {
  at: number;
  seq: number;
  id: string;
}
export interface CreatedRef extends Ref { priority: TicketPriority; title: string }
export interface ValueRef<T> extends Ref { to: T }
export interface StatusRef extends Ref { ticketId: string; from: TicketStatus; to: TicketStatus; actorId: string | null }
export interface ResponseRef extends Ref { ticketId: string; actorId: string | null }
export interface StateRef extends Ref { from: AgentState; to: AgentState }
export interface SurveyRef extends Ref { ticketId: string; score: number }

export interface TicketFacts {
  id: string;
  created: CreatedRef | null;
  titles: ValueRef<string>[];
  priorities: ValueRef<TicketPriority>[];
  statuses: StatusRef[];
  assignments: ValueRef<string | null>[];
  /** Public staff messages only: the only ones any figure counts ([M3]). */
  responses: ResponseRef[];
  /** call.started events that name this ticket ([M6]). */
  calls: Ref[];
  /** The latest `at` of anything about the ticket, for pruning. */
  lastAt: number;
}

export interface CallFacts {
  id: string;
  started: (Ref & { actorId: string | null; ticketId: string | null }) | null;
  ended: Ref | null;
}

export interface AgentFacts {
  id: string;
  states: StateRef[];
}

/** An event in the minute index with the ticket it is about: a direct reference, no map look-up. */
export interface Indexed<R> {
  ref: R;
  ticket: TicketFacts;
}

/**
 * Per-minute lists of the moments a window query starts from. Entries point at their ticket or call
 * directly: a window over a busy day visits hundreds of thousands of them, and a Map look-up by id
 * each would cost more than the figure itself.
 */
export interface MinuteIndex {
  created: Map<number, TicketFacts[]>;
  responses: Map<number, Indexed<ResponseRef>[]>;
  statuses: Map<number, Indexed<StatusRef>[]>;
  callEnds: Map<number, CallFacts[]>;
  surveys: Map<number, Indexed<SurveyRef>[]>;
}

export interface OrgFacts {
  tickets: Map<string, TicketFacts>;
  calls: Map<string, CallFacts>;
  agents: Map<string, AgentFacts>;
  surveys: SurveyRef[];
  index: MinuteIndex;
  /** Bumped by every fold, so cached answers know when they are stale. */
  version: number;
  /** Running totals derived from the facts; never stored, rebuilt when missing. */
  rollup?: Rollup;
}

export const MINUTE_MS = 60_000;
export const minuteOf = (at: number) => Math.floor(at / MINUTE_MS);
const before = (a: Ref, b: Ref) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** Inserts keeping (at, seq) order; events mostly arrive in order, so search from the end. */
export function insertSorted<T extends Ref>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && before(item, list[i - 1]!)) i--;
  list.splice(i, 0, item);
}

/** The index of the first item at or after `at` (the list's length when there is none). */
export function firstIndexFrom<T extends Ref>(list: readonly T[], at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last item at or before `at` (strictly before when `strict`), or undefined. */
export function lastBefore<T extends Ref>(list: readonly T[], at: number, strict = true): T | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (strict ? list[mid]!.at < at : list[mid]!.at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? list[lo - 1] : undefined;
}

export function emptyIndex(): MinuteIndex {
  return { created: new Map(), responses: new Map(), statuses: new Map(), callEnds: new Map(), surveys: new Map() };
}

export function emptyOrg(): OrgFacts {
  return { tickets: new Map(), calls: new Map(), agents: new Map(), surveys: [], index: emptyIndex(), version: 0 };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function ticketOf(org: OrgFacts, id: string): TicketFacts {
  let t = org.tickets.get(id);
  if (!t) {
    t = { id, created: null, titles: [], priorities: [], statuses: [], assignments: [], responses: [], calls: [], lastAt: 0 };
    org.tickets.set(id, t);
  }
  return t;
}

function callOf(org: OrgFacts, id: string): CallFacts {
  let c = org.calls.get(id);
  if (!c) org.calls.set(id, (c = { id, started: null, ended: null }));
  return c;
}

function agentOf(org: OrgFacts, id: string): AgentFacts {
  let a = org.agents.get(id);
  if (!a) org.agents.set(id, (a = { id, states: [] }));
  return a;
}

/** Folds one event into its organisation's facts. Types no figure uses are ignored. */
export function foldEvent(org: OrgFacts, e: LogEvent): void {
  const ref: Ref = { at: e.at, seq: e.seq, id: e.id };
  const d = e.data;
  org.version++;
  if (e.ticketId && (e.type.startsWith("ticket.") || e.type === "message.sent" || e.type === "csat.submitted")) {
    const t = ticketOf(org, e.ticketId);
    if (e.at > t.lastAt) t.lastAt = e.at;
  }
  switch (e.type) {
    case "ticket.created": {
      const t = ticketOf(org, e.ticketId!);
      // Two creations of one ticket (an import replayed with new ids): the earliest stands.
      if (t.created && before(t.created, ref)) return;
      if (t.created) removeFrom(org.index.created, minuteOf(t.created.at), t);
      t.created = { ...ref, priority: d.priority as TicketPriority, title: String(d.title) };
      push(org.index.created, minuteOf(e.at), t);
      return;
    }
    case "ticket.title_changed":
      return insertSorted(ticketOf(org, e.ticketId!).titles, { ...ref, to: String(d.to) });
    case "ticket.priority_changed":
      return insertSorted(ticketOf(org, e.ticketId!).priorities, { ...ref, to: d.to as TicketPriority });
    case "ticket.assigned":
      return insertSorted(ticketOf(org, e.ticketId!).assignments, { ...ref, to: (d.to as string | null) ?? null });
    case "ticket.status_changed": {
      const s: StatusRef = { ...ref, ticketId: e.ticketId!, from: d.from as TicketStatus, to: d.to as TicketStatus, actorId: e.actorId };
      const t = ticketOf(org, e.ticketId!);
      insertSorted(t.statuses, s);
      push(org.index.statuses, minuteOf(e.at), { ref: s, ticket: t });
      return;
    }
    case "message.sent": {
      if (d.visibility !== "public" || d.authorKind !== "staff") return;
      const r: ResponseRef = { ...ref, ticketId: e.ticketId!, actorId: e.actorId };
      const t = ticketOf(org, e.ticketId!);
      insertSorted(t.responses, r);
      push(org.index.responses, minuteOf(e.at), { ref: r, ticket: t });
      return;
    }
    case "call.started": {
      const c = callOf(org, e.callId!);
      if (c.started && before(c.started, ref)) return;
      c.started = { ...ref, actorId: e.actorId, ticketId: e.ticketId };
      if (e.ticketId) {
        const t = ticketOf(org, e.ticketId);
        insertSorted(t.calls, ref);
        if (e.at > t.lastAt) t.lastAt = e.at;
      }
      return;
    }
    case "call.ended": {
      const c = callOf(org, e.callId!);
      if (c.ended && !before(ref, c.ended)) return;
      if (c.ended) removeFrom(org.index.callEnds, minuteOf(c.ended.at), c);
      c.ended = ref;
      push(org.index.callEnds, minuteOf(e.at), c);
      return;
    }
    case "agent.status_changed":
      return insertSorted(agentOf(org, e.actorId!).states, { ...ref, from: d.from as AgentState, to: d.to as AgentState });
    case "csat.submitted": {
      const s: SurveyRef = { ...ref, ticketId: e.ticketId!, score: Number(d.score) };
      org.surveys.push(s);
      push(org.index.surveys, minuteOf(e.at), { ref: s, ticket: ticketOf(org, e.ticketId!) });
      return;
    }
  }
}

function removeFrom<T>(map: Map<number, T[]>, minute: number, item: T): void {
  const list = map.get(minute);
  const i = list ? list.indexOf(item) : -1;
  if (list && i >= 0) list.splice(i, 1);
}

/** Rebuilds the minute index from the facts (after a restore or a prune). */
export function reindex(org: OrgFacts): void {
  org.index = emptyIndex();
  for (const t of org.tickets.values()) {
    if (t.created) push(org.index.created, minuteOf(t.created.at), t);
    for (const s of t.statuses) push(org.index.statuses, minuteOf(s.at), { ref: s, ticket: t });
    for (const r of t.responses) push(org.index.responses, minuteOf(r.at), { ref: r, ticket: t });
  }
  for (const c of org.calls.values()) if (c.ended) push(org.index.callEnds, minuteOf(c.ended.at), c);
  for (const s of org.surveys) push(org.index.surveys, minuteOf(s.at), { ref: s, ticket: ticketOf(org, s.ticketId) });
}
