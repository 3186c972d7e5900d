// Between the engine and its adapters: resolves scopes against the directory, checks who may see
// what ([M20]), and assembles summaries, explanations, wallboards and cabinets.
import {
  can,
  kpiNames,
  parseScope,
  type Cabinet,
  type ExplainQuery,
  type Explanation,
  type KpiName,
  type Scope,
  type Summary,
  type SummaryQuery,
  type Wallboard,
} from "@caseroom/shared";
import type { StaffPrincipal } from "../auth/index.ts";
import type { Queryable } from "../db/index.ts";
import { AppError } from "../http/index.ts";
import type { MetricsEngine, ScopeSpec } from "./engine.ts";
import { peersOf, type DirectoryStore, type OrgDirectory } from "./directory.ts";
import { lastDays, resolveSpan, windowSpan, yesterdayOf } from "./time.ts";

export interface MetricsServiceDeps {
  db: Queryable;
  directory: DirectoryStore;
  /** The engine may be replaced once at start (checkpoint restore), so it is asked for each time. */
  engine(): MetricsEngine;
  /** Resolves when the engine has folded the log as it stood at start. */
  ready: Promise<void>;
  now?: () => number;
}

const median = (values: number[]) => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return Math.round((s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2) * 1000) / 1000;
};

export function metricsService(deps: MetricsServiceDeps) {
  const now = deps.now ?? Date.now;

  /** The scope as the engine needs it; another organisation's team or agent is simply not found. */
  function specOf(dir: OrgDirectory, scope: Scope): ScopeSpec {
    const parsed = parseScope(scope);
    const peers = (id: string) => peersOf(dir, id);
    if (parsed.kind === "org") return { scope, agents: null, scored: [...dir.users.keys()], peersOf: peers };
    if (parsed.kind === "team") {
      const members = dir.teams.get(parsed.id);
      if (!members) throw new AppError("not_found", "Team not found");
      return { scope, agents: new Set(members), scored: members, peersOf: peers };
    }
    if (!dir.users.has(parsed.id)) throw new AppError("not_found", "Agent not found");
    return { scope, agents: new Set([parsed.id]), scored: [parsed.id], peersOf: peers };
  }

  /** [M20] Technicians see their own agent scope only; supervisors and admins any scope of their organisation. */
  function authorize(principal: StaffPrincipal, scope: Scope): void {
    if (can(principal, "metrics:read:any")) return;
    if (scope !== `agent:${principal.userId}`) throw new AppError("forbidden", "You may only see your own figures");
  }

  async function summaryFor(orgId: string, scope: Scope, q: Pick<SummaryQuery, "window" | "from" | "to">): Promise<Summary> {
    const dir = await deps.directory.get(orgId);
    const spec = specOf(dir, scope);
    return deps.engine().summary(orgId, spec, resolveSpan(q, now(), dir.timeZone), dir.settings);
  }

  async function wallboard(orgId: string, scope: Scope): Promise<Wallboard> {
    await deps.ready;
    const dir = await deps.directory.get(orgId);
    const spec = specOf(dir, scope);
    const at = now();
    const engine = deps.engine();
    const today = windowSpan("today", at, dir.timeZone);
    const live = engine.live(orgId, at, dir.settings, spec.agents);
    const states = new Map(live.agents.map((a) => [a.id, a]));
    // Everyone of the scope is on the board; someone who never set a state is offline.
    const people = spec.agents ? [...spec.agents] : [...dir.users.keys()];
    const agents = people
      .filter((id) => dir.users.has(id))
      .map((id) => {
        const s = states.get(id);
        return { id, name: dir.users.get(id)!.name, state: s?.state ?? ("offline" as const), since: s ? new Date(s.since).toISOString() : null };
      });
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      scope,
      teams: [...dir.teamNames].map(([id, name]) => ({ id, name })),
      at: iso(at),
      today: engine.summary(orgId, spec, today, dir.settings),
      yesterday: engine.summary(orgId, spec, yesterdayOf(today, dir.timeZone), dir.settings),
      live: {
        now: iso(at),
        agents,
        openCalls: live.openCalls.map((c) => ({ ...c, since: iso(c.since) })),
        queue: live.queue,
        atRisk: live.atRisk.map((t) => ({ ...t, deadline: iso(t.deadline) })),
        breached: live.breached,
      },
      series: engine.activity(orgId, at - 59 * 60_000, 60),
    };
  }

  return {
    authorize,
    wallboard,

    async summary(principal: StaffPrincipal, q: SummaryQuery): Promise<Summary> {
      authorize(principal, q.scope);
      await deps.ready;
      return summaryFor(principal.orgId, q.scope, q);
    },

    async explain(principal: StaffPrincipal, q: ExplainQuery): Promise<Explanation> {
      authorize(principal, q.scope);
      await deps.ready;
      const dir = await deps.directory.get(principal.orgId);
      const spec = specOf(dir, q.scope);
      return deps.engine().explain(principal.orgId, q.kpi, spec, resolveSpan(q, now(), dir.timeZone), dir.settings, q.limit);
    },

    /** The technician cabinet: today, the team median, 30 days of daily figures and today's own events. */
    async cabinet(principal: StaffPrincipal, agentId = principal.userId): Promise<Cabinet> {
      const scope: Scope = `agent:${agentId}`;
      authorize(principal, scope);
      await deps.ready;
      const dir = await deps.directory.get(principal.orgId);
      const spec = specOf(dir, scope);
      const engine = deps.engine();
      const at = now();
      const today = windowSpan("today", at, dir.timeZone);
      const peers = peersOf(dir, agentId).filter((id) => dir.users.has(id));
      const peerSummaries = peers.map((id) => engine.summary(principal.orgId, specOf(dir, `agent:${id}`), today, dir.settings));
      const teamMedian = Object.fromEntries(
        kpiNames.map((k) => [k, median(peerSummaries.filter((s) => s.kpis[k].n > 0).map((s) => s.kpis[k].value!))]),
      ) as Record<KpiName, number | null>;
      const days = lastDays(at, 30, dir.timeZone).map(({ day, span }) => {
        const s = engine.summary(principal.orgId, spec, span, dir.settings);
        return { day, kpis: Object.fromEntries(kpiNames.map((k) => [k, s.kpis[k].value])) as Record<KpiName, number | null> };
      });
      const rows = await deps.db.query<{ at: Date; id: string; type: string; ticket_id: string | null; call_id: string | null; data: unknown }>(
        `select at, id, type, ticket_id, call_id, data from events
          where org_id = $1 and actor_id = $2 and at >= $3 and at < $4 order by at, seq limit 500`,
        [principal.orgId, agentId, new Date(today.from).toISOString(), new Date(at).toISOString()],
      );
      return {
        agent: { id: agentId, name: dir.users.get(agentId)!.name },
        timeZone: dir.timeZone,
        today: engine.summary(principal.orgId, spec, today, dir.settings),
        teamMedian,
        peers: peers.length,
        days,
        timeline: rows.map((r) => ({
          at: new Date(r.at).toISOString(),
          eventId: r.id,
          type: r.type,
          ticketId: r.ticket_id,
          callId: r.call_id,
          data: (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
        })),
      };
    },
  };
}
export type MetricsService = ReturnType<typeof metricsService>;
