// Turns measurements into the two tables (latency and throughput with ratios to the reference;
// memory and CPU) printed by run.ts and written to results.md.
import type { LatencyResult, ThroughputResult } from "./clients.ts";
import type { ServerKind } from "./servers.ts";

export const TARGET_P99_MS = 25;
export const TARGET_EDITORS = 50;
export const TARGET_THROUGHPUT_RATIO = 0.8;

export interface Scenario {
  id: string;
  label: string;
  docs: number;
  clientsPerDoc: number;
  /** Latency phase: updates per second per client. */
  rate: number;
  /** Throughput phase: updates each client sends back to back. */
  perClient: number;
}

export interface Row {
  scenario: Scenario;
  server: ServerKind;
  latency?: LatencyResult;
  throughput?: ThroughputResult;
  /** VmRSS in KiB: before the clients connect, once all are synced, after both phases. */
  rss?: { base: number; connected: number; after: number };
  /** Server CPU time (ms) spent in each phase. */
  cpu?: { latencyMs: number; latencyWallMs: number; throughputMs: number };
  /** The bench process itself: CPU (% of one core) in each phase, and its event-loop delay p99 in the latency phase. */
  bench?: { latencyCpuPct: number; loopDelayP99Ms: number; throughputCpuPct: number };
  closes: number;
  /** Time to prepare the rooms and connect every client (not a measured figure; for the log). */
  setupMs?: number;
  error?: string;
}

export const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–");
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? num(n, 2) : n < 100 ? num(n, 1) : num(n)) : "–");
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${num(a / b, 2)}×` : "–");

// A warm process's RSS moves with garbage collection: a fall says nothing about the clients.
const perUnit = (grownKiB: number, units: number) => (grownKiB < 0 ? "n/a (RSS fell)" : num(grownKiB / units, 1));

export function latencyStats(row: Row) {
  const sorted = [...(row.latency?.samples ?? [])].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, count: sorted.length };
}

export function updatesPerSecond(row: Row): number {
  const t = row.throughput;
  return t && t.complete === t.total ? t.updates / (t.ms / 1000) : NaN;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function renderTables(rows: Row[]): string {
  const reference = (scenario: Scenario) => rows.find((r) => r.scenario.id === scenario.id && r.server === "reference");
  const main = rows.map((row) => {
    const s = latencyStats(row);
    const ref = reference(row.scenario);
    const r = ref ? latencyStats(ref) : undefined;
    const ups = updatesPerSecond(row);
    const refUps = ref ? updatesPerSecond(ref) : NaN;
    const t = row.throughput;
    const ours = row.server !== "reference";
    const targets: string[] = [];
    if (ours && row.scenario.clientsPerDoc === TARGET_EDITORS && row.scenario.docs === 1) {
      targets.push(`p99<${TARGET_P99_MS}ms ${s.p99 < TARGET_P99_MS ? "met" : "MISSED"}`);
    }
    if (ours && Number.isFinite(refUps)) targets.push(`thr≥${TARGET_THROUGHPUT_RATIO} ${ups / refUps >= TARGET_THROUGHPUT_RATIO ? "met" : "MISSED"}`);
    const lost = row.latency ? row.latency.expected - s.count : NaN;
    return [
      row.scenario.label,
      row.server,
      row.error ? `error: ${row.error.split("\n")[0]!.slice(0, 80)}` : `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`,
      row.latency ? `${num(s.count)}${lost > 0 ? ` (${num(lost)} missing)` : ""}` : "–",
      t ? (t.complete === t.total ? num(ups) : `incomplete ${t.complete}/${t.total}`) : "–",
      t && t.complete === t.total ? num(t.deliveries / (t.ms / 1000)) : "–",
      row.bench ? ms(row.bench.loopDelayP99Ms) : "–",
      ours && r ? `${ratio(s.p50, r.p50)} / ${ratio(s.p99, r.p99)}` : "",
      ours ? ratio(ups, refUps) : "",
      targets.join(", "),
    ];
  });
  const memory = rows.map((row) => {
    const m = row.rss;
    const connections = row.scenario.docs * row.scenario.clientsPerDoc;
    const grown = m ? m.connected - m.base : NaN;
    return [
      row.scenario.label,
      row.server,
      m ? num(m.base / 1024, 1) : "–",
      m ? num(m.connected / 1024, 1) : "–",
      m ? num(m.after / 1024, 1) : "–",
      m && row.scenario.docs === 1 ? perUnit(grown, connections) : "",
      m && row.scenario.docs > 1 ? perUnit(grown, row.scenario.docs) : "",
      row.cpu ? `${num((row.cpu.latencyMs / row.cpu.latencyWallMs) * 100)}%` : "–",
      row.cpu && row.throughput ? num((row.cpu.throughputMs / row.throughput.updates) * 1000, 0) : "–",
      row.bench ? `${num(row.bench.latencyCpuPct)}% / ${num(row.bench.throughputCpuPct)}%` : "–",
      String(row.closes),
    ];
  });
  return [
    table(
      ["scenario", "server", "latency p50 / p99 / max ms", "receipts", "updates/s", "deliveries/s", "bench loop delay p99 ms", "p50 / p99 vs ref", "updates/s vs ref", "targets"],
      main,
    ),
    "",
    table(
      ["scenario", "server", "RSS before MiB", "RSS connected MiB", "RSS after load MiB", "KiB per connection", "KiB per document (2 connections)", "server CPU, latency phase (% of a core)", "server CPU µs per update (throughput)", "bench process CPU, latency / throughput phase", "unexpected closes"],
      memory,
    ),
  ].join("\n");
}
