// Facts to plain JSON and back (the checkpoint), and the retention prune. The minute index is not
// stored: it is rebuilt from the facts, so it can never disagree with them.
import { METRICS_RETENTION_DAYS, openTicketStatuses } from "@caseroom/shared";
import { reindex, type AgentFacts, type CallFacts, type OrgFacts, type SurveyRef, type TicketFacts } from "./facts.ts";

export interface SerializedOrg {
  tickets: TicketFacts[];
  calls: CallFacts[];
  agents: AgentFacts[];
  surveys: SurveyRef[];
}

export function serializeOrg(org: OrgFacts): SerializedOrg {
  return { tickets: [...org.tickets.values()], calls: [...org.calls.values()], agents: [...org.agents.values()], surveys: org.surveys };
}

export function restoreOrg(s: SerializedOrg): OrgFacts {
  const org: OrgFacts = {
    tickets: new Map(s.tickets.map((t) => [t.id, t])),
    calls: new Map(s.calls.map((c) => [c.id, c])),
    agents: new Map(s.agents.map((a) => [a.id, a])),
    surveys: s.surveys,
    index: undefined as never,
    version: 0,
  };
  reindex(org);
  return org;
}

export const RETENTION_MS = METRICS_RETENTION_DAYS * 24 * 3600 * 1000;
/** SLA targets are capped at 7 days, so a ticket created before the horizon can still have its deadline inside it. */
export const PRUNE_MARGIN_MS = 7 * 24 * 3600 * 1000;

/**
 * [M17] Forgets what can no longer change a figure at or after `horizon`: tickets whose every event
 * is older (unless still open, which the backlog needs), finished calls, surveys, and agent states
 * except the last one before the horizon (the state an agent was in when the horizon passed).
 */
export function pruneOrg(org: OrgFacts, horizon: number): void {
  const cutoff = horizon - PRUNE_MARGIN_MS;
  const open = new Set<string>(openTicketStatuses);
  for (const [id, t] of org.tickets) {
    const status = t.statuses.at(-1)?.to ?? (t.created ? "new" : undefined);
    if (t.lastAt < cutoff && !(status && open.has(status))) org.tickets.delete(id);
  }
  for (const [id, c] of org.calls) {
    const last = c.ended?.at ?? c.started?.at ?? 0;
    if (last < cutoff) org.calls.delete(id);
  }
  for (const a of org.agents.values()) {
    const keepFrom = a.states.findIndex((s) => s.at >= cutoff);
    const first = keepFrom < 0 ? a.states.length - 1 : Math.max(0, keepFrom - 1);
    if (first > 0) a.states.splice(0, first);
  }
  org.surveys = org.surveys.filter((s) => s.at >= cutoff);
  reindex(org);
  org.rollup = undefined;
  org.version++;
}
