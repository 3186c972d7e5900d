// The engine against a hand-built log (tests/fixtures/metricsLog.ts), every figure worked out by hand
// below, for every scope; window edges; out-of-order arrival; replay and checkpoint round trip.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { defaultMetricSettings, kpiNames, type DomainEvent, type KpiName, type Scope } from "@caseroom/shared";
import { MetricsEngine, type ScopeSpec } from "../../server/src/metrics/engine.ts";
import type { LogEvent } from "../../server/src/metrics/facts.ts";
import { startOfDay, lastDays } from "../../server/src/metrics/time.ts";
import { handBuiltLog, shuffled, T0 } from "../fixtures/metricsLog.ts";

const ORG = randomUUID();
const log = handBuiltLog();
const { A, B } = log;
const toLog = (events: DomainEvent[]): LogEvent[] =>
  events.map((e, i) => ({ seq: i + 1, id: e.id, orgId: ORG, type: e.type, at: Date.parse(e.at), actorId: e.actorId ?? null, ticketId: e.ticketId ?? null, callId: e.callId ?? null, data: e.data as Record<string, unknown> }));
// Arrival order is shuffled: seq order is not `at` order ([M14]).
const arrived = toLog(shuffled(log.events));

function engineOf(events: LogEvent[]): MetricsEngine {
  const engine = new MetricsEngine();
  for (const e of events) engine.fold(e);
  return engine;
}

const peers: Record<string, string[]> = { [A]: [A, B], [B]: [A, B] };
const spec = (scope: Scope, agents: string[] | null, scored: string[]): ScopeSpec => ({
  scope,
  agents: agents && new Set(agents),
  scored,
  peersOf: (id) => peers[id] ?? [],
});
const scopes = {
  org: spec("org", null, [A, B]),
  solo: spec(`team:${randomUUID()}`, [A], [A]),
  pair: spec(`team:${randomUUID()}`, [A, B], [A, B]),
  A: spec(`agent:${A}`, [A], [A]),
  B: spec(`agent:${B}`, [B], [B]),
};
const min = (m: number) => T0 + m * 60_000;
const whole = { from: min(0), to: min(65), now: min(65) };
const r3 = (v: number) => Math.round(v * 1000) / 1000;

// ---- the figures, by hand -----------------------------------------------------------------------
// FRT: K1 600 s (A), K2 1200 s (B, its first reply), K4 600 s (B).
// AHT: C1 300 s talk + 120 s ACW = 420 (A); C2 240 s + 0 (wrap_up began 10 s after the end) = 240 (B).
// FCR: K1 ✓ (1 reply, 1 call, never reopened); K2 ✗ (2 replies); K4 ✗ (reopened).
// CSAT: 5 (A's K1) ✓, 3 (B's K2) ✗, 4 (B's K4) ✓.
// SLA deadlines in [0:00, 1:05): K1 high 1:00 met (A), K3 urgent 0:20 breached (A), K4 urgent 0:25 met (B).
// Reopen: K4 reopened at 1:00 while B's; resolutions K1 (A), K2 (B), K4 (B).
// Backlog at 1:05: K3 new (A), K4 open (B), K5 new (nobody).
// Occupancy: A staffed 3900 s, busy 303 + 120 = 423 s; B staffed 2700 s (away from 0:45), busy 250 + 60 = 310 s.
// Score (30/25/20/15/10): AHT median of {A, B} = 330 s.
const scoreA = 30 * 1 + 25 * 0.5 + 20 * 1 + 15 * (330 / 420) + 10 * (423 / 3900);
const scoreB = 30 * 0.5 + 25 * 1 + 20 * 0 + 15 * 1 + 10 * (310 / 2700);
type Expect = Record<KpiName, [value: number | null, n: number]>;
const expected: Record<keyof typeof scopes, Expect> = {
  org: {
    frt: [800, 3], aht: [330, 2], acw: [60, 2], fcr: [r3(100 / 3), 3], csat: [r3(200 / 3), 3], sla: [r3(200 / 3), 3],
    reopenRate: [r3(100 / 3), 3], backlog: [3, 3], occupancy: [r3((100 * 733) / 6600), 2], score: [r3((r3(scoreA) + r3(scoreB)) / 2), 2],
  },
  A: {
    frt: [600, 1], aht: [420, 1], acw: [120, 1], fcr: [100, 1], csat: [100, 1], sla: [50, 2],
    reopenRate: [0, 1], backlog: [1, 1], occupancy: [r3((100 * 423) / 3900), 1], score: [r3(scoreA), 1],
  },
  B: {
    frt: [900, 2], aht: [240, 1], acw: [0, 1], fcr: [0, 2], csat: [50, 2], sla: [100, 1],
    reopenRate: [50, 2], backlog: [1, 1], occupancy: [r3((100 * 310) / 2700), 1], score: [r3(scoreB), 1],
  },
  solo: {} as Expect,
  pair: {} as Expect,
};
expected.solo = expected.A;
// The pair sees everything the organisation does except the unattributed backlog ticket K5.
expected.pair = { ...expected.org, backlog: [2, 2] };

const test = suite("[M3]–[M12] hand-built log: every figure, every scope");
const engine = engineOf(arrived);

for (const [name, scope] of Object.entries(scopes) as [keyof typeof scopes, ScopeSpec][]) {
  test(`[M3]-[M12] every KPI for scope ${name} matches the hand computation`, () => {
    const summary = engine.summary(ORG, scope, whole, defaultMetricSettings);
    for (const kpi of kpiNames) {
      const [value, n] = expected[name][kpi];
      assert.equal([summary.kpis[kpi].value, summary.kpis[kpi].n], [value, n], `${name} ${kpi}`);
      assert.ok(summary.kpis[kpi].formula.length > 20, "each figure carries its formula");
    }
  });
}

test("[M2] window edges: an event at `from` counts, one at `to` belongs to the next window", () => {
  const early = engine.summary(ORG, scopes.org, { from: min(10), to: min(20), now: min(65) }, defaultMetricSettings);
  assert.equal([early.kpis.frt.value, early.kpis.frt.n], [600, 1], "K1's reply at 0:10 is in, the 0:20 replies are out");
  assert.equal([early.kpis.sla.value, early.kpis.sla.n], [null, 0], "K3's deadline at 0:20 is not in [0:10, 0:20)");
  const next = engine.summary(ORG, scopes.org, { from: min(20), to: min(21), now: min(65) }, defaultMetricSettings);
  assert.equal([next.kpis.frt.value, next.kpis.frt.n], [900, 2]);
  assert.equal([next.kpis.sla.value, next.kpis.sla.n], [0, 1], "K3 breached at 0:20");
  assert.equal(next.kpis.backlog.value, 5, "at 0:21 all five tickets are open");
});

test("[M15] a figure with no inputs is null with n = 0, never 0 %", () => {
  const empty = engine.summary(ORG, scopes.org, { from: min(-60), to: min(-30), now: min(65) }, defaultMetricSettings);
  for (const kpi of ["frt", "aht", "fcr", "csat", "sla", "reopenRate", "occupancy", "score"] as const) {
    assert.equal([empty.kpis[kpi].value, empty.kpis[kpi].n], [null, 0], kpi);
  }
  assert.is(empty.kpis.backlog.value, 0);
});
test.run();

const explain = suite("[M13] explanations list their inputs down to event ids");

explain("FRT for the organisation: three tickets, each with its created and reply event", () => {
  const e = engine.explain(ORG, "frt", scopes.org, whole, defaultMetricSettings, 100);
  assert.is(e.value, 800);
  assert.equal([e.numerator, e.denominator], [2400, 3]);
  const bySubject = (rows: unknown[][]) => rows.sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  assert.equal(bySubject(e.inputs.map((i) => [i.subjectId, i.value, i.attributedTo])), bySubject([
    [log.K[1], 600, A],
    [log.K[2], 1200, B],
    [log.K[4], 600, B],
  ]));
  assert.equal(e.inputs[0]!.eventIds, [log.ids["K1.created"], log.ids["K1.reply"]], "the earliest response first");
});

explain("AHT for A names the call's start, end and the wrap-up events", () => {
  const e = engine.explain(ORG, "aht", scopes.A, whole, defaultMetricSettings, 100);
  assert.is(e.inputs.length, 1);
  assert.equal(e.inputs[0]!.eventIds, [log.ids["C1.started"], log.ids["C1.ended"], log.ids["A.wrap_up"], log.ids["A.back"]]);
  assert.equal(e.inputs[0]!.detail, { talkS: 300, acwS: 120, startedAt: new Date(min(11)).toISOString(), ticketId: log.K[1] });
});

explain("FCR for B says why each ticket missed", () => {
  const e = engine.explain(ORG, "fcr", scopes.B, whole, defaultMetricSettings, 100);
  assert.equal(e.inputs.map((i) => [i.subjectId, i.outcome]), [
    [log.K[2], "too_many_messages"],
    [log.K[4], "reopened"],
  ]);
  assert.ok(e.inputs[1]!.eventIds.includes(log.ids["K4.reopened"]!));
});

explain("the score explanation lists each component's value, normalisation, weight and contribution", () => {
  const e = engine.explain(ORG, "score", scopes.A, whole, defaultMetricSettings, 100);
  const parts = Object.fromEntries(e.components!.map((c) => [c.component, c]));
  assert.equal(Object.keys(parts).sort(), ["aht", "csat", "fcr", "occupancy", "sla"]);
  assert.is(parts.aht!.weight, 15);
  assert.is(parts.aht!.normalised, r3(330 / 420));
  assert.is(parts.sla!.contribution, 12.5);
  assert.is(e.value, r3(scoreA));
});

explain("the organisation's score explanation lists each technician's score", () => {
  const e = engine.explain(ORG, "score", scopes.org, whole, defaultMetricSettings, 100);
  assert.equal(e.inputs.map((i) => [i.subjectId, i.value]), [[A, r3(scoreA)], [B, r3(scoreB)]]);
});
explain.run();

const order = suite("[M14] [M16] order independence, replay and checkpoint");

const allSpans = [whole, { from: min(10), to: min(20), now: min(65) }, { from: min(25), to: min(62), now: min(65) }];
const everything = (e: MetricsEngine) => allSpans.flatMap((span) => Object.values(scopes).map((s) => e.summary(ORG, s, span, defaultMetricSettings)));

order("[M14] folding in `at` order and in a shuffled arrival order gives the same figures", () => {
  const inOrder = engineOf(toLog(log.events));
  assert.equal(everything(inOrder), everything(engine));
});

order("[M16] a checkpoint (serialize → JSON → restore) answers exactly like the engine it came from", () => {
  const restored = MetricsEngine.restore(JSON.parse(JSON.stringify(engine.serialize())));
  assert.equal(everything(restored), everything(engine));
});

order("[M16] restore half-way, fold the rest: the same as folding everything at once", () => {
  const half = engineOf(arrived.slice(0, 20));
  const resumed = MetricsEngine.restore(JSON.parse(JSON.stringify(half.serialize())));
  for (const e of arrived.slice(20)) resumed.fold(e);
  assert.equal(everything(resumed), everything(engine));
});

order("[M17] pruning keeps every figure inside the retention horizon", () => {
  const pruned = engineOf(arrived);
  pruned.prune(min(30));
  const inside = [{ from: min(30), to: min(65), now: min(65) }];
  const figures = (e: MetricsEngine) => inside.flatMap((span) => Object.values(scopes).map((s) => e.summary(ORG, s, span, defaultMetricSettings)));
  assert.equal(figures(pruned), figures(engine));
});
order.run();

const live = suite("[M18] live state");
live("agents by state, the unassigned queue, and tickets at risk or breached", () => {
  const state = engine.live(ORG, min(65), defaultMetricSettings, null);
  assert.equal(state.agents.map((a) => [a.id, a.state]).sort(), [[A, "available"], [B, "away"]].sort());
  assert.is(state.queue, 1, "K5 is the only unassigned open ticket");
  assert.is(state.breached, 1, "K3 is unanswered past its deadline");
  const soon = engine.live(ORG, min(16), defaultMetricSettings, null);
  assert.equal(soon.atRisk.map((t) => t.ticketId), [log.K[3], log.K[4]], "urgent K3 and K4 are due within 30 minutes at 0:16");
  assert.equal(soon.openCalls.map((c) => c.callId), [], "C1 ended at 0:16");
  assert.equal(engine.live(ORG, min(13), defaultMetricSettings, null).openCalls.map((c) => c.callId), [log.C[1]]);
});
live.run();

const time = suite("[M2] today in the organisation's time zone");
time("today starts at local midnight, across a DST change too", () => {
  assert.is(new Date(startOfDay(Date.parse("2026-03-02T21:30:00Z"), "Europe/Moscow")).toISOString(), "2026-03-02T21:00:00.000Z");
  assert.is(new Date(startOfDay(Date.parse("2026-03-29T12:00:00Z"), "Europe/London")).toISOString(), "2026-03-29T00:00:00.000Z");
  assert.is(new Date(startOfDay(Date.parse("2026-03-30T12:00:00Z"), "Europe/London")).toISOString(), "2026-03-29T23:00:00.000Z");
  const days = lastDays(Date.parse("2026-03-30T12:00:00Z"), 3, "Europe/London");
  assert.equal(days.map((d) => d.day), ["2026-03-28", "2026-03-29", "2026-03-30"]);
  assert.is(days[1]!.span.to - days[1]!.span.from, 23 * 3600_000, "the day the clocks go forward has 23 hours");
});
time.run();
