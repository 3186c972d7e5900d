// Metrics benchmark: (1) events folded per second on one core, (2) a day of 1 million events: the
// engine's answer against the same KPIs by SQL over PostgreSQL (the reference), (3) end-to-end latency
// from POST /api/events to the wallboard's socket update at 1,000 events/s sustained.
// Run: node --expose-gc --import tsx bench/metrics/run.ts [--events 1000000] [--seconds 20]
//        [--day-only | --latency-only] [--no-write]
// Writes bench/metrics/results.md (unless --no-write or only one part ran), with the load average
// before and after: the machine is shared, so read the figures with it.
// Needs PostgreSQL at TEST_DATABASE_URL. Every load goes to 127.0.0.1 and is bounded in count and time.
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultMetricSettings, kpiNames, type Wallboard } from "@caseroom/shared";
import { evaluate, Sink } from "../../server/src/metrics/evaluate.ts";
import type { OrgFacts } from "../../server/src/metrics/facts.ts";
import { MetricsEngine, type ScopeSpec } from "../../server/src/metrics/index.ts";
import { freshPostgres } from "../../tests/helpers/databases.ts";
import { orgIdBySlug } from "../../tests/helpers/dbState.ts";
import { spawnServer } from "../../tests/helpers/process.ts";
import { ApiClient, loginAs, waitFor } from "../../tests/helpers/server.ts";
import { connectSocket } from "../../tests/helpers/sockets.ts";
import { generateDay, uuid } from "./generate.ts";
import { referenceKpis } from "./sql.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg("events", 1_000_000);
const SECONDS = Math.min(arg("seconds", 20), 120);
const RATE = 1000;
const BATCH_MS = 50;
const WARMUP_MS = 3000;
const DAY_START = Date.parse("2026-03-02T00:00:00Z");
const DAY_END = DAY_START + 24 * 3600_000;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const printed: string[] = [];
const line = (s: string) => {
  printed.push(s);
  process.stdout.write(`${s}\n`);
};

const skipDay = process.argv.includes("--latency-only");
const skipLatency = process.argv.includes("--day-only");
const write = !process.argv.includes("--no-write") && !skipDay && !skipLatency;
const loadBefore = os.loadavg();
const startedAt = new Date();
/** Events folded between two syncs of the running totals: about what a live node folds between pushes. */
const SYNC_EVERY = 1000;

// ---- (1) and (2a): the engine on one core ---------------------------------------------------------
if (!skipDay) await dayBenchmark();

async function dayBenchmark() {
const pg = await freshPostgres();
const orgId = await orgIdBySlug(pg.db, "demo");
const agents = Array.from({ length: 50 }, () => uuid());
const events = generateDay(orgId, DAY_START, EVENTS, agents);
line(`generated ${fmt(events.length)} events for one organisation, one day, ${agents.length} technicians`);

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const engine = new MetricsEngine();
// As a live node does: fold what arrived, then bring the running totals up to date (each push does).
let foldMs = 0;
let syncMs = 0;
for (let i = 0; i < events.length; i += SYNC_EVERY) {
  const foldStart = performance.now();
  for (let j = i; j < Math.min(events.length, i + SYNC_EVERY); j++) engine.fold(events[j]!);
  const syncStart = performance.now();
  engine.sync(() => defaultMetricSettings);
  syncMs += performance.now() - syncStart;
  foldMs += syncStart - foldStart;
}
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
line(`fold: ${fmt(events.length)} events in ${fmt(foldMs + syncMs)} ms = ${fmt(events.length / ((foldMs + syncMs) / 1000))} events/s (target ≥ 100,000), of which facts ${fmt(foldMs)} ms (${fmt(events.length / (foldMs / 1000))} events/s) and running totals ${fmt(syncMs)} ms, synced every ${fmt(SYNC_EVERY)} events`);
if (global.gc) line(`memory: ${fmt((heapAfter - heapBefore) / 1024 / 1024)} MiB of facts and totals = ${fmt((heapAfter - heapBefore) / events.length)} bytes per event`);

const spec: ScopeSpec = { scope: "org", agents: null, scored: agents, peersOf: () => agents };
const span = { from: DAY_START, to: DAY_END, now: DAY_END };
const queryTimes: number[] = [];
global.gc?.(); // the generated events are garbage by now: collect them before timing, not during
let summary = engine.summary(orgId, spec, span, defaultMetricSettings);
for (let i = 0; i < 5; i++) {
  // Measure the computation from the running totals, not a cached answer.
  engine.clearCache();
  const started = performance.now();
  summary = engine.summary(orgId, spec, span, defaultMetricSettings);
  queryTimes.push(performance.now() - started);
}
queryTimes.sort((a, b) => a - b);
const engineMs = queryTimes[2]!;
line(`engine: the day's KPIs (org scope, all ${kpiNames.length} figures incl. per-technician scores) in ${engineMs.toFixed(1)} ms (median of 5, uncached, from the running totals)`);
// The same figures by one pass over the facts (what the engine did before running totals, and what
// explanations still do), to show what the totals save.
engine.clearCache();
const passStart = performance.now();
evaluate((engine as unknown as { orgs: Map<string, OrgFacts> }).orgs.get(orgId)!, span, defaultMetricSettings, new Sink());
line(`  one pass over the facts instead: ${fmt(performance.now() - passStart)} ms`);

// ---- (2b): the SQL reference over the same events in PostgreSQL -----------------------------------
const insertStart = performance.now();
for (let i = 0; i < events.length; i += 10_000) {
  const chunk = events.slice(i, i + 10_000);
  await pg.db.query(
    `insert into events (id, org_id, type, at, actor_id, ticket_id, call_id, data)
     select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::uuid[], $6::uuid[], $7::uuid[], $8::jsonb[])`,
    [chunk.map((e) => e.id), chunk.map(() => orgId), chunk.map((e) => e.type), chunk.map((e) => new Date(e.at).toISOString()), chunk.map((e) => e.actorId), chunk.map((e) => e.ticketId), chunk.map((e) => e.callId), chunk.map((e) => JSON.stringify(e.data))],
  );
}
await pg.db.query("analyze events");
line(`postgres: loaded ${fmt(events.length)} events in ${fmt((performance.now() - insertStart) / 1000)} s`);
await referenceKpis(pg.db, orgId, DAY_START, DAY_END, defaultMetricSettings); // warm the cache, as the engine's data is warm
const sqlStart = performance.now();
const reference = await referenceKpis(pg.db, orgId, DAY_START, DAY_END, defaultMetricSettings);
const sqlMs = performance.now() - sqlStart;
line(`sql: the same day's KPIs by SQL in ${fmt(sqlMs)} ms (warm): ${Object.entries(reference).filter(([, r]) => r.ms).map(([k, r]) => `${k} ${fmt(r.ms)}`).join(", ")}`);
line(`ratio: engine answers ${fmt(sqlMs / engineMs)}× faster than the SQL recompute (target ≥ 50×); fold of the whole day from scratch + answer: ${(sqlMs / (foldMs + syncMs + engineMs)).toFixed(1)}×`);
for (const kpi of ["frt", "aht", "acw", "fcr", "csat", "sla", "reopenRate", "backlog", "occupancy"] as const) {
  const mine = summary.kpis[kpi];
  const theirs = reference[kpi]!;
  const same = mine.n === theirs.n && (mine.value === null ? theirs.value === null : Math.abs(mine.value - (theirs.value ?? NaN)) < 0.01);
  line(`  ${kpi.padEnd(10)} engine ${String(mine.value).padEnd(10)} n=${String(mine.n).padEnd(7)} sql ${String(theirs.value === null ? null : Math.round(theirs.value * 1000) / 1000).padEnd(10)} n=${String(theirs.n).padEnd(7)} ${same ? "same" : "DIFFERENT"}`);
}
await pg.drop();
}

// ---- (3) end to end: POST /api/events → metrics:update at 1,000 events/s --------------------------
// The server runs in its own process, as in production: the load generator and the wallboard client
// here must not share its event loop (nor its garbage collector, full of the day above).
if (!skipLatency) await latencyBenchmark();

const loadAfter = os.loadavg();
if (write) {
  const file = path.join(import.meta.dirname, "results.md");
  const cpu = os.cpus()[0]?.model ?? "unknown";
  writeFileSync(
    file,
    [
      "# Metrics benchmark results",
      "",
      `- Date: ${startedAt.toISOString()}. Machine: ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}.`,
      `- Load average before / after the run: ${loadBefore.map((l) => l.toFixed(2)).join(" ")} / ${loadAfter.map((l) => l.toFixed(2)).join(" ")} (other work on the machine shares these cores).`,
      `- Command: node --expose-gc --import tsx bench/metrics/run.ts ${process.argv.slice(2).join(" ")}`.trim() + ".",
      "- Targets (issue 4): ≥ 100,000 events/s folded on one core; p99 < 250 ms from POST /api/events to the wallboard's socket update at 1,000 events/s; the day's KPIs ≥ 50× faster than the SQL recompute over a day of 1 million events.",
      "",
      "```",
      ...printed,
      "```",
      "",
    ].join("\n"),
  );
  process.stdout.write(`written to ${path.relative(process.cwd(), file)}\n`);
}
process.stdout.write(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}\n`);

async function latencyBenchmark() {
global.gc?.();
const pgLive = await freshPostgres();
const server = await spawnServer({ DATABASE_URL: `${pgLive.url}?search_path=${pgLive.schema}`, SEED_DEMO: "false", LOG_LEVEL: process.env.BENCH_SERVER_LOG ?? "warn",
  // For profiling the server, e.g. BENCH_SERVER_NODE_OPTIONS="--import ./profile-hook.mjs".
  ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}) });
try {
  const admin = await loginAs(server.url, "admin@caseroom.local");
  const key = (await admin.post("/api/admin/api-keys", { name: "Bench", scopes: ["events:write"] })).body.key as string;
  const supervisor = await loginAs(server.url, "supervisor@caseroom.local");
  const socket = await connectSocket(server.url, supervisor.cookie);
  const ack = await socket.timeout(5000).emitWithAck("metrics:subscribe", { scope: "org" });
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  const base = ack.data.today.kpis.backlog.value!;
  const techs = (await pgLive.db.query<{ id: string }>("select id from users where email like 'tech%@caseroom.local'")).map((r) => r.id);
  const client = new ApiClient(server.url);
  const perBatch = (RATE * BATCH_MS) / 1000;
  const created = perBatch / 5;
  const sentAt: number[] = [];
  const answeredAt: number[] = [];
  const seenAt: number[] = [];
  let updates = 0;
  let bytes = 0;
  socket.on("metrics:update", (board: Wallboard) => {
    updates++;
    bytes += JSON.stringify(board).length;
    const batches = Math.floor((board.today.kpis.backlog.value! - base) / created);
    for (let b = 0; b < batches; b++) seenAt[b] ??= Date.now();
  });
  const batches = (SECONDS * 1000 + WARMUP_MS) / BATCH_MS;
  const started = Date.now();
  const inFlight: Promise<unknown>[] = [];
  for (let b = 0; b < batches; b++) {
    const at = new Date().toISOString();
    const batch: unknown[] = [];
    const fresh: string[] = [];
    for (let i = 0; i < created; i++) {
      const ticketId = uuid();
      fresh.push(ticketId);
      const tech = techs[i % techs.length]!;
      batch.push({ id: crypto.randomUUID(), type: "ticket.created", at, ticketId, data: { title: "Load", priority: "normal" } });
      batch.push({ id: crypto.randomUUID(), type: "ticket.assigned", at, ticketId, actorId: tech, data: { from: null, to: tech } });
      batch.push({ id: crypto.randomUUID(), type: "message.sent", at, ticketId, actorId: tech, data: { messageId: crypto.randomUUID(), visibility: "public", authorKind: "staff" } });
    }
    // Batches overlap in flight, so each refers only to the tickets it creates itself.
    for (const ticketId of fresh) {
      batch.push({ id: crypto.randomUUID(), type: "csat.submitted", at, ticketId, data: { score: 5 } });
      batch.push({ id: crypto.randomUUID(), type: "message.sent", at, ticketId, data: { messageId: crypto.randomUUID(), visibility: "public", authorKind: "customer" } });
    }
    sentAt[b] = Date.now();
    const index = b;
    inFlight.push(client.request("POST", "/api/events", { events: batch }, { headers: { authorization: `Bearer ${key}` } }).then((res) => {
      answeredAt[index] = Date.now();
      if (res.status !== 200) throw new Error(`POST /api/events ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }));
    const next = started + (b + 1) * BATCH_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  await Promise.all(inFlight);
  const elapsed = (Date.now() - started) / 1000;
  await waitFor(() => seenAt.length >= batches && seenAt[batches - 1] !== undefined, { timeoutMs: 10_000, what: "the last batch on the board" });
  // The first seconds warm the server (JIT, caches, pools) and are not counted.
  const warm = (WARMUP_MS / BATCH_MS);
  const measured = (list: number[]) => list.slice(warm);
  const latencies = measured(sentAt.map((s, i) => seenAt[i]! - s)).sort((a, b) => a - b);
  line(`end to end: ${fmt(batches * perBatch)} events in ${batches} batches over ${elapsed.toFixed(1)} s (${fmt((batches * perBatch) / elapsed)} events/s, the first ${WARMUP_MS / 1000} s a warm-up not counted), ${updates} wallboard updates (${(updates / elapsed).toFixed(1)}/s, ${fmt(bytes / Math.max(1, updates))} bytes each)`);
  line(`latency POST → wallboard update: p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms, max ${latencies.at(-1)} ms (target p99 < 250 ms)`);
  const posts = measured(sentAt.map((s, i) => answeredAt[i]! - s)).sort((a, b) => a - b);
  const afterCommit = measured(sentAt.map((_, i) => seenAt[i]! - answeredAt[i]!)).sort((a, b) => a - b);
  line(`  of which POST /api/events answered: p50 ${pct(posts, 50)} ms, p99 ${pct(posts, 99)} ms; answer → board: p50 ${pct(afterCommit, 50)} ms, p99 ${pct(afterCommit, 99)} ms`);
  socket.close();
  if (process.env.BENCH_SERVER_LOG) {
    const ms = server.output().split("\n").filter((l) => l.includes('"path":"/api/events"')).map((l) => JSON.parse(l).ms as number).sort((a, b) => a - b);
    line(`  server-side POST /api/events: p50 ${pct(ms, 50)} ms, p99 ${pct(ms, 99)} ms`);
  }
} finally {
  await server.stop();
  await pgLive.drop();
}
}
