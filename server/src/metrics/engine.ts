// The metrics engine: folds events into facts per organisation and answers summaries, explanations
// and live state for any scope and span. It knows nothing of HTTP, sockets or the database.
import {
  AT_RISK_WITHIN_MS,
  kpiDefinitions,
  kpiNames,
  openTicketStatuses,
  scoreComponents,
  type AgentState,
  type ExplainInput,
  type Explanation,
  type KpiName,
  type Kpis,
  type MetricSettings,
  type Scope,
  type Summary,
  type TicketPriority,
} from "@caseroom/shared";
import { evaluate, Sink, assigneeAt, deadlineOf, statusAt, titleOf, type Breakdown, type Span, type TalliedKpi } from "./evaluate.ts";
import { emptyOrg, foldEvent, lastBefore, minuteOf, type LogEvent, type OrgFacts } from "./facts.ts";
import { restoreOrg, serializeOrg, pruneOrg, type SerializedOrg } from "./persist.ts";
import { Rollup } from "./rollup.ts";

/** Who a query is about, resolved by the caller from the directory. */
export interface ScopeSpec {
  scope: Scope;
  /** Whose attributed inputs count; null means the whole organisation, unattributed inputs included. */
  agents: ReadonlySet<string> | null;
  /** The technicians whose scores make a team or organisation score (for an agent: that agent). */
  scored: readonly string[];
  /** The peers whose median AHT an agent's AHT is compared with ([M12]). */
  peersOf(agentId: string): readonly string[];
}

export interface LiveCore {
  agents: { id: string; state: AgentState; since: number }[];
  openCalls: { callId: string; actorId: string | null; ticketId: string | null; since: number }[];
  queue: number;
  atRisk: { ticketId: string; title: string; priority: TicketPriority; deadline: number; assigneeId: string | null }[];
  breached: number;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

export class MetricsEngine {
  private orgs = new Map<string, OrgFacts>();
  private cache = new Map<string, { version: number; breakdown: Breakdown }>();
  /** Events folded since this engine was built or restored. */
  folded = 0;

  fold(event: LogEvent): void {
    let org = this.orgs.get(event.orgId);
    if (!org) this.orgs.set(event.orgId, (org = emptyOrg()));
    foldEvent(org, event);
    this.folded++;
    // Tell the running totals what changed; they catch up when next asked (one pass per batch).
    const rollup = org.rollup;
    if (rollup) {
      // Only what can change a ticket's inputs: not titles, internal notes, customers' messages.
      if (event.ticketId && ticketFacts(event)) rollup.ticketChanged(event.ticketId);
      if (event.callId) rollup.callChanged(event.callId);
      if (event.type === "agent.status_changed" && event.actorId) rollup.stateFolded(event.actorId, event.at);
      if (event.type === "csat.submitted" && event.ticketId) rollup.surveyFolded(org.surveys.at(-1)!);
    }
  }

  /** Brings every organisation's running totals up to date (the live node does so on each push). */
  sync(settingsOf: (orgId: string) => MetricSettings): void {
    for (const [orgId, org] of this.orgs) this.rollupOf(org, settingsOf(orgId)).sync();
  }

  /** Forgets cached answers, so the next one is computed (for measuring). */
  clearCache(): void {
    this.cache.clear();
  }

  private rollupOf(org: OrgFacts, settings: MetricSettings): Rollup {
    const key = Rollup.keyOf(settings);
    if (!org.rollup) org.rollup = new Rollup(org, key, settings);
    else if (org.rollup.slaKey !== key) org.rollup.retarget(key, settings);
    return org.rollup;
  }

  private org(orgId: string): OrgFacts {
    return this.orgs.get(orgId) ?? emptyOrg();
  }

  /** Per-technician tallies of every figure over a span, cached until the next fold. */
  breakdown(orgId: string, span: Span, settings: MetricSettings): Breakdown {
    const org = this.org(orgId);
    const cacheKey = `${orgId}:${span.from}:${span.to}:${JSON.stringify(settings)}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.version === org.version) return hit.breakdown;
    // From the running totals; evaluate() over the facts gives the same tallies and is what an
    // explanation lists (tests/unit/metrics-rollup.test.ts holds the two equal).
    const breakdown = this.rollupOf(org, settings).breakdown(span);
    if (this.cache.size > 64) this.cache.clear();
    this.cache.set(cacheKey, { version: org.version, breakdown });
    return breakdown;
  }

  summary(orgId: string, spec: ScopeSpec, span: Span, settings: MetricSettings): Summary {
    const b = this.breakdown(orgId, span, settings);
    const kpis = Object.fromEntries(kpiNames.map((k) => [k, this.kpi(k, b, spec, settings)])) as Kpis;
    return { scope: spec.scope, from: new Date(span.from).toISOString(), to: new Date(span.to).toISOString(), kpis };
  }

  /** The same figure as `summary`, with every input behind it, down to event ids. */
  explain(orgId: string, kpi: KpiName, spec: ScopeSpec, span: Span, settings: MetricSettings, limit: number): Explanation {
    const b = this.breakdown(orgId, span, settings);
    const figure = this.kpi(kpi, b, spec, settings);
    let inputs: ExplainInput[] = [];
    let components: Explanation["components"];
    let numerator: number | null = null;
    let denominator: number | null = null;
    if (kpi === "score") {
      const scored = spec.scored.map((id) => ({ id, ...scoreOf(id, b, spec.peersOf(id), settings) }));
      if (spec.scope.startsWith("agent:")) components = scored[0]?.components;
      else {
        inputs = scored.map((s) => ({
          subject: "agent",
          subjectId: s.id,
          counted: s.value !== null,
          outcome: "counted",
          value: round(s.value),
          at: new Date(span.from).toISOString(),
          attributedTo: s.id,
          eventIds: [],
          detail: {},
        }));
      }
    } else {
      const sink = evaluate(this.org(orgId), span, settings, new Sink({ kpi, includes: (agent) => includes(spec, agent) }));
      inputs = sink.inputs.sort((x, y) => x.at.localeCompare(y.at) || x.subjectId.localeCompare(y.subjectId));
      const t = total(b[kpi], spec);
      // Durations are tallied in milliseconds; the explanation speaks seconds like the figure.
      const ms = kpiDefinitions[kpi].unit === "s" || kpi === "occupancy";
      numerator = ms ? t.num / 1000 : t.num;
      denominator = kpi === "backlog" ? null : kpi === "occupancy" ? t.den / 1000 : t.den;
    }
    return {
      kpi,
      rule: kpiDefinitions[kpi].rule,
      scope: spec.scope,
      from: new Date(span.from).toISOString(),
      to: new Date(span.to).toISOString(),
      ...figure,
      numerator,
      denominator,
      totalInputs: inputs.length,
      inputs: inputs.slice(0, limit),
      ...(components ? { components } : {}),
    };
  }

  private kpi(kpi: KpiName, b: Breakdown, spec: ScopeSpec, settings: MetricSettings) {
    const { unit, formula } = kpiDefinitions[kpi];
    if (kpi === "score") {
      const values = spec.scored.map((id) => scoreOf(id, b, spec.peersOf(id), settings).value).filter((v): v is number => v !== null);
      return { value: values.length ? round(values.reduce((s, v) => s + v, 0) / values.length) : null, unit, n: values.length, formula };
    }
    return { ...valueOf(kpi, b[kpi], spec), unit, formula };
  }

  /** [M18] Agents by state, open calls, the unassigned queue and tickets near or past their deadline. */
  live(orgId: string, now: number, settings: MetricSettings, agents: ReadonlySet<string> | null): LiveCore {
    const org = this.org(orgId);
    const mine = (id: string | null) => agents === null || (id !== null && agents.has(id));
    const live: LiveCore = { agents: [], openCalls: [], queue: 0, atRisk: [], breached: 0 };
    // Everything as of `now`: an import may carry times ahead of the server's clock.
    for (const a of org.agents.values()) {
      const last = lastBefore(a.states, now, false);
      if (last && mine(a.id)) live.agents.push({ id: a.id, state: last.to, since: last.at });
    }
    for (const c of org.calls.values()) {
      if (c.started && c.started.at <= now && !(c.ended && c.ended.at <= now) && mine(c.started.actorId)) {
        live.openCalls.push({ callId: c.id, actorId: c.started.actorId, ticketId: c.started.ticketId, since: c.started.at });
      }
    }
    const open = new Set<string>(openTicketStatuses);
    for (const t of org.tickets.values()) {
      const status = statusAt(t, now + 1);
      if (!status || !open.has(status)) continue;
      const assignee = assigneeAt(t, now);
      if (assignee === null) live.queue++;
      // A team's wallboard watches its members' tickets and the unassigned ones.
      const answered = t.responses.length > 0 && t.responses[0]!.at <= now;
      if (answered || !t.created || (assignee !== null && !mine(assignee))) continue;
      const deadline = deadlineOf(t, settings)!;
      if (deadline < now) live.breached++;
      else if (deadline <= now + AT_RISK_WITHIN_MS) {
        live.atRisk.push({ ticketId: t.id, title: titleOf(t), priority: t.priorities.at(-1)?.to ?? t.created.priority, deadline, assigneeId: assignee });
      }
    }
    live.atRisk.sort((x, y) => x.deadline - y.deadline);
    live.openCalls.sort((x, y) => x.since - y.since);
    return live;
  }

  /** Per-minute counts of tickets created, resolutions and public staff messages, for the live chart. */
  activity(orgId: string, from: number, minutes: number) {
    const org = this.org(orgId);
    const created: number[] = [];
    const resolved: number[] = [];
    const responses: number[] = [];
    const first = minuteOf(from);
    for (let m = first; m < first + minutes; m++) {
      created.push(org.index.created.get(m)?.length ?? 0);
      resolved.push(org.index.statuses.get(m)?.filter(({ ref: s }) => s.to === "resolved" && s.from !== "resolved").length ?? 0);
      responses.push(org.index.responses.get(m)?.length ?? 0);
    }
    return { stepS: 60, from: new Date(first * 60_000).toISOString(), created, resolved, responses };
  }

  /** [M17] Drops detail older than the retention horizon. */
  prune(before: number): void {
    for (const org of this.orgs.values()) pruneOrg(org, before);
    this.cache.clear();
  }

  serialize(): Record<string, SerializedOrg> {
    return Object.fromEntries([...this.orgs].map(([id, org]) => [id, serializeOrg(org)]));
  }

  static restore(state: Record<string, SerializedOrg>): MetricsEngine {
    const engine = new MetricsEngine();
    for (const [id, org] of Object.entries(state)) engine.orgs.set(id, restoreOrg(org));
    return engine;
  }
}

const ticketInputTypes = new Set(["ticket.created", "ticket.priority_changed", "ticket.assigned", "ticket.status_changed", "call.started"]);
/** Whether the event can change a ticket's inputs (surveys are told apart, see fold). */
const ticketFacts = (e: LogEvent) =>
  e.type === "message.sent" ? e.data.visibility === "public" && e.data.authorKind === "staff" : ticketInputTypes.has(e.type);

const includes = (spec: ScopeSpec, agent: string) => spec.agents === null || spec.agents.has(agent);

function total(tallies: Map<string, { num: number; den: number }>, spec: ScopeSpec) {
  let num = 0;
  let den = 0;
  let staffed = 0;
  for (const [agent, t] of tallies) {
    if (!includes(spec, agent)) continue;
    num += t.num;
    den += t.den;
    if (t.den > 0) staffed++;
  }
  return { num, den, staffed };
}

function valueOf(kpi: TalliedKpi, tallies: Map<string, { num: number; den: number }>, spec: ScopeSpec): { value: number | null; n: number } {
  const { num, den, staffed } = total(tallies, spec);
  return figureOf(kpi, num, den, staffed);
}

function figureOf(kpi: TalliedKpi, num: number, den: number, staffed: number): { value: number | null; n: number } {
  switch (kpi) {
    case "frt":
    case "aht":
    case "acw":
      return { value: den ? round(num / den / 1000) : null, n: den };
    case "backlog":
      return { value: num, n: num };
    case "occupancy":
      return { value: den ? round((100 * num) / den) : null, n: staffed };
    default:
      return { value: den ? round((100 * num) / den) : null, n: den };
  }
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** [M12] One technician's efficiency score with every component's part in it. */
const agentValues = new WeakMap<Breakdown, Map<string, number | null>>();

/** One technician's value of one figure, remembered per breakdown: scores ask for each many times. */
function agentValue(b: Breakdown, kpi: TalliedKpi, id: string): number | null {
  let memo = agentValues.get(b);
  if (!memo) agentValues.set(b, (memo = new Map()));
  const k = `${kpi}:${id}`;
  if (!memo.has(k)) {
    // One technician's tally alone, as valueOf would add it up for a scope of just them.
    const t = b[kpi].get(id);
    memo.set(k, figureOf(kpi, t?.num ?? 0, t?.den ?? 0, t && t.den > 0 ? 1 : 0).value);
  }
  return memo.get(k)!;
}

export function scoreOf(agentId: string, b: Breakdown, peers: readonly string[], settings: MetricSettings) {
  const one = (kpi: TalliedKpi, id: string) => agentValue(b, kpi, id);
  const ahtMedian = median(peers.map((p) => one("aht", p)).filter((v): v is number => v !== null));
  const components = scoreComponents.map((component) => {
    const value = one(component, agentId);
    let normalised: number | null = null;
    let normalisation = "value ÷ 100";
    if (component === "aht") {
      normalisation = `min(1, team median AHT ${ahtMedian ?? "–"} s ÷ AHT)`;
      if (value !== null && ahtMedian !== null) normalised = value <= 0 ? 1 : Math.min(1, ahtMedian / value);
    } else if (value !== null) normalised = value / 100;
    return { component, value, normalised, normalisation, weight: settings.scoreWeights[component], contribution: null as number | null };
  });
  const present = components.filter((c) => c.normalised !== null && c.weight > 0);
  const weights = present.reduce((s, c) => s + c.weight, 0);
  let sum = 0;
  for (const c of present) {
    const exact = (100 * c.weight * c.normalised!) / weights;
    sum += exact;
    c.contribution = round(exact);
  }
  // Rounded for reading only; the score is the sum of the exact contributions.
  for (const c of components) c.normalised = round(c.normalised);
  return { value: weights > 0 ? round(sum) : null, components };
}
