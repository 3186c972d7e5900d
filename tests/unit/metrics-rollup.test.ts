// The running totals (server/src/metrics/rollup.ts) against the plain pass over the facts
// (evaluate.ts) that explanations use: the same per-technician tallies for every figure, for windows
// on and off minute boundaries, after folding in a shuffled order with questions asked in between
// (so totals are taken out and put back), with SLA targets changed, and after a prune.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { defaultMetricSettings, type MetricSettings } from "@caseroom/shared";
import { evaluate, Sink, type Breakdown, type Span } from "../../server/src/metrics/evaluate.ts";
import { MetricsEngine } from "../../server/src/metrics/engine.ts";
import type { LogEvent, OrgFacts } from "../../server/src/metrics/facts.ts";
import { shuffled } from "../fixtures/metricsLog.ts";

const ORG = randomUUID();
const T0 = Date.parse("2026-03-02T00:00:00.000Z");
const MIN = 60_000;

/** A messy log: late and duplicate events, reopen/close/resolve-again, priority changes, wrap-ups near call ends. */
function messyLog(tickets: number, seed: number): LogEvent[] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const agents = Array.from({ length: 6 }, () => randomUUID());
  const events: Omit<LogEvent, "seq">[] = [];
  const add = (type: string, at: number, data: Record<string, unknown>, refs: Partial<Pick<LogEvent, "actorId" | "ticketId" | "callId">> = {}) =>
    events.push({ id: randomUUID(), orgId: ORG, type, at: Math.round(at), actorId: refs.actorId ?? null, ticketId: refs.ticketId ?? null, callId: refs.callId ?? null, data });
  const span = 6 * 3600_000;
  for (const agent of agents) {
    let t = T0 + rand() * 600_000;
    while (t < T0 + span) {
      add("agent.status_changed", t, { from: "offline", to: pick(["available", "busy", "away", "on_call", "wrap_up", "offline"]) }, { actorId: agent });
      t += rand() < 0.3 ? rand() * 5000 : rand() * 1800_000;
    }
  }
  for (let k = 0; k < tickets; k++) {
    const ticketId = randomUUID();
    const created = T0 + rand() * span;
    // Some tickets have no created event, some two (an import replayed).
    if (rand() < 0.95) add("ticket.created", created, { title: "T", priority: pick(["low", "normal", "high", "urgent"]) }, { ticketId });
    if (rand() < 0.05) add("ticket.created", created + rand() * 60_000 - 30_000, { title: "T", priority: "urgent" }, { ticketId });
    let t = created + rand() * 600_000;
    for (let i = Math.floor(rand() * 3); i > 0; i--) {
      add("ticket.assigned", t, { from: null, to: rand() < 0.1 ? null : pick(agents) }, { ticketId, actorId: pick(agents) });
      t += rand() * 1200_000;
    }
    if (rand() < 0.2) add("ticket.priority_changed", created + rand() * 3600_000, { from: "normal", to: pick(["low", "high", "urgent"]) }, { ticketId });
    for (let i = Math.floor(rand() * 4); i > 0; i--) {
      add("message.sent", created + rand() * 5 * 3600_000, { messageId: randomUUID(), visibility: pick(["public", "internal"]), authorKind: pick(["staff", "customer"]) }, { ticketId, actorId: pick(agents) });
    }
    for (let i = Math.floor(rand() * 3); i > 0; i--) {
      const callId = randomUUID();
      const agent = pick(agents);
      const start = created + rand() * 3 * 3600_000;
      const end = start + rand() * 900_000;
      if (rand() < 0.95) add("call.started", start, {}, { callId, ticketId: rand() < 0.8 ? ticketId : null, actorId: agent });
      add("call.ended", end, {}, { callId, actorId: agent });
      if (rand() < 0.1) add("call.ended", end + 1000, {}, { callId, actorId: agent });
      if (rand() < 0.7) add("agent.status_changed", end + rand() * 7000, { from: "on_call", to: "wrap_up" }, { actorId: agent });
      if (rand() < 0.6) add("agent.status_changed", end + 7000 + rand() * 200_000, { from: "wrap_up", to: pick(["available", "busy"]) }, { actorId: agent });
    }
    // Statuses, including reopenings and resolve → close → resolve again.
    let status = "new";
    for (let i = Math.floor(rand() * 5); i > 0; i--) {
      const to = pick(["open", "pending", "resolved", "resolved", "closed"]);
      if (to === status) continue;
      add("ticket.status_changed", created + rand() * 5 * 3600_000, { from: status, to }, { ticketId, actorId: rand() < 0.9 ? pick(agents) : null });
      status = to;
    }
    if (rand() < 0.3) add("csat.submitted", created + rand() * 6 * 3600_000, { score: 1 + Math.floor(rand() * 5) }, { ticketId });
  }
  return events.map((e, i) => ({ ...e, seq: i + 1 }));
}

const nonZero = (b: Breakdown) =>
  Object.fromEntries(
    Object.entries(b).map(([kpi, tallies]) => [
      kpi,
      [...tallies].filter(([, t]) => t.num !== 0 || t.den !== 0).map(([agent, t]) => [agent, t.num, t.den]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ]),
  );
const orgOf = (engine: MetricsEngine) => (engine as unknown as { orgs: Map<string, OrgFacts> }).orgs.get(ORG)!;
const spans = (seed: number): Span[] => {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const now = T0 + 12 * 3600_000;
  const list: Span[] = [
    { from: T0 - 3600_000, to: now, now },
    { from: T0, to: T0 + 24 * 3600_000, now },
    { from: T0 + 3 * 3600_000, to: T0 + 4 * 3600_000, now },
    { from: T0 + 90 * MIN, to: T0 + 91 * MIN, now },
  ];
  for (let i = 0; i < 40; i++) {
    // Half on minute boundaries, half anywhere.
    const from = T0 + Math.floor(rand() * 8 * 3600_000 / (i % 2 ? 1 : MIN)) * (i % 2 ? 1 : MIN);
    const length = Math.floor(rand() * (rand() < 0.5 ? 120_000 : 5 * 3600_000));
    list.push({ from, to: from + length, now });
  }
  return list;
};

function assertSame(engine: MetricsEngine, settings: MetricSettings, label: string, seed = 1) {
  for (const span of spans(seed)) {
    engine.clearCache();
    const fromTotals = nonZero(engine.breakdown(ORG, span, settings));
    const fromFacts = nonZero(evaluate(orgOf(engine), span, settings, new Sink()).tallies);
    assert.equal(fromTotals, fromFacts, `${label}: span ${new Date(span.from).toISOString()} → ${new Date(span.to).toISOString()}`);
  }
}

const test = suite("[M16] running totals equal the pass over the facts");
const log = messyLog(600, 11);

test("folded in commit order, asked once", () => {
  const engine = new MetricsEngine();
  for (const e of log) engine.fold(e);
  assertSame(engine, defaultMetricSettings, "in order");
});

test("folded shuffled, with questions in between (totals taken out and put back)", () => {
  const engine = new MetricsEngine();
  const arrival = shuffled(log, 3);
  const step = { from: T0, to: T0 + 24 * 3600_000, now: T0 + 24 * 3600_000 };
  for (let i = 0; i < arrival.length; i++) {
    engine.fold(arrival[i]!);
    if (i % 97 === 0) engine.breakdown(ORG, step, defaultMetricSettings);
  }
  assertSame(engine, defaultMetricSettings, "shuffled", 2);
  const inOrder = new MetricsEngine();
  for (const e of log) inOrder.fold(e);
  for (const span of spans(5)) assert.equal(nonZero(engine.breakdown(ORG, span, defaultMetricSettings)), nonZero(inOrder.breakdown(ORG, span, defaultMetricSettings)));
});

test("other SLA targets: the totals follow", () => {
  const engine = new MetricsEngine();
  for (const e of log) engine.fold(e);
  engine.breakdown(ORG, spans(1)[0]!, defaultMetricSettings);
  const strict = { ...defaultMetricSettings, slaTargetsS: { urgent: 90, high: 1800, normal: 3601, low: 7200 } };
  assertSame(engine, strict, "changed targets", 3);
  assertSame(engine, defaultMetricSettings, "back to defaults", 4);
});

test("after a checkpoint restore and after a prune", () => {
  const engine = new MetricsEngine();
  for (const e of log.slice(0, 2000)) engine.fold(e);
  engine.breakdown(ORG, spans(1)[0]!, defaultMetricSettings);
  const restored = MetricsEngine.restore(JSON.parse(JSON.stringify(engine.serialize())));
  for (const e of log.slice(2000)) restored.fold(e);
  assertSame(restored, defaultMetricSettings, "restored", 6);
  restored.prune(T0 + 2 * 3600_000);
  assertSame(restored, defaultMetricSettings, "pruned", 7);
});
test.run();
