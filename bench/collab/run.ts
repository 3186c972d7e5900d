// Co-editing benchmark (issue 3; prints figures, not a test). N clients on one ticket document, and
// many documents with two clients each: update latency from send to receipt by the other clients
// (p50, p99), updates per second, server RSS per connection and per document. The same load runs
// against our server (durable: every update stored before it is relayed; PGlite and PostgreSQL) and
// the stock @y/websocket-server 0.1.1 (in memory) as the reference, scenario by scenario, so that
// both see the same background load; ours is reported as ratios to the reference.
//
// Run:   node --import tsx bench/collab/run.ts [--quick]
// Sizes: --clients 10,50,200  --docs 1000  --seconds 8  --warmup 2  --rate <updates/s per client>
//        --updates <per client, throughput phase>  --servers ours-pglite,ours-postgres,reference
//        --profile <dir> (V8 CPU profiles of our server)  --entry <file> (a variant of main.ts)
//        --no-write (keep results.md)
// Each flag can also be given as an environment variable: COLLAB_BENCH_CLIENTS=10,50 and so on.
// Every connection goes to 127.0.0.1; the run is bounded by --max-minutes (default 12).
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import postgres from "postgres";
import { connectAll, disconnectAll, latencyPhase, sleep, throughputPhase, unexpectedCloses, type BenchClient } from "./clients.ts";
import { latencyStats, renderTables, TARGET_EDITORS, updatesPerSecond, type Row, type Scenario } from "./report.ts";
import { DATABASE_URL, serverKinds, startOurs, startReference, type BenchServer, type ServerKind } from "./servers.ts";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick") || process.env.COLLAB_BENCH_QUICK === "1";
function option(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  return process.env[`COLLAB_BENCH_${name.toUpperCase().replace(/-/g, "_")}`];
}
const numbers = (name: string, fallback: number[]) => (option(name)?.split(",").map(Number) ?? fallback).filter((n) => Number.isFinite(n) && n >= 0);
const number = (name: string, fallback: number) => numbers(name, [fallback])[0] ?? fallback;

process.setMaxListeners(0); // every provider adds an exit listener to remove its presence
const CLIENTS = numbers("clients", quick ? [5, 20] : [10, 50, 200]).filter((n) => n > 1);
const DOCS = number("docs", quick ? 50 : 1000);
const SECONDS = number("seconds", quick ? 3 : 8);
const WARMUP_S = number("warmup", quick ? 1 : 2);
const DRAIN_MS = 3000;
const THROUGHPUT_TIMEOUT_MS = 60_000;
const MAX_MINUTES = number("max-minutes", 12);
const SERVERS = (option("servers")?.split(",") ?? serverKinds).filter((k): k is ServerKind => serverKinds.includes(k as ServerKind));
const PROFILE_DIR = option("profile") && path.resolve(option("profile")!);
const ENTRY = option("entry") && path.resolve(option("entry")!);
const WRITE = !argv.includes("--no-write");

// The bench's own process sends and applies everything: keep sends and receipts per second in the
// latency phase, and updates and deliveries in the throughput phase, within what it can do on one
// core, so that the servers rather than the clients are what is measured.
const SENDS_PER_S = quick ? 500 : 1_000;
const RECEIPTS_PER_S = quick ? 5_000 : 10_000;
const UPDATES = quick ? 5_000 : 20_000;
const DELIVERIES = quick ? 20_000 : 150_000;
const rateFor = (docs: number, perDoc: number) =>
  number("rate", Math.max(0.1, Math.min(10, SENDS_PER_S / (docs * perDoc), RECEIPTS_PER_S / (docs * perDoc * (perDoc - 1)))));
// At most 300 per client: well under the server's per-connection burst of 3,000 messages.
const updatesFor = (docs: number, perDoc: number) =>
  number("updates", Math.round(Math.max(3, Math.min(300, UPDATES / (docs * perDoc), DELIVERIES / (docs * perDoc * (perDoc - 1))))));

const scenarios: Scenario[] = [
  ...CLIENTS.map((n) => ({ id: `n${n}`, label: `${n} clients, 1 doc`, docs: 1, clientsPerDoc: n, rate: rateFor(1, n), perClient: updatesFor(1, n) })),
  ...(DOCS > 0 ? [{ id: `d${DOCS}`, label: `${DOCS} docs × 2 clients`, docs: DOCS, clientsPerDoc: 2, rate: rateFor(DOCS, 2), perClient: updatesFor(DOCS, 2) }] : []),
];

const line = (s = "") => process.stdout.write(`${s}\n`);
const servers: BenchServer[] = [];
const deadline = setTimeout(() => {
  line(`\nstopped: the run exceeded ${MAX_MINUTES} minutes`);
  void Promise.race([Promise.all(servers.splice(0).map((s) => s.stop())), sleep(20_000)]).finally(() => process.exit(2));
}, MAX_MINUTES * 60_000);
deadline.unref();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    line(`\n${signal}: stopping the servers`);
    void Promise.race([Promise.all(servers.splice(0).map((s) => s.stop())), sleep(20_000)]).finally(() => process.exit(130));
  });
}
process.on("exit", () => {
  for (const server of servers) {
    try {
      process.kill(server.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
});

const loadBefore = os.loadavg();
const startedAt = new Date();
line(`co-editing benchmark${quick ? " (quick)" : ""}: ${os.cpus().length} cores, node ${process.version}, load average ${loadBefore.map((n) => n.toFixed(2)).join(" ")}`);
line("The clients (stock y-websocket providers with ws) run in this process on the same cores as the server under test;");
line("they load every server equally, and their own work is part of every latency and throughput figure.");
const scenarioLines = scenarios.map(
  (s) => `${s.label}: latency phase ${s.rate.toFixed(2)} updates/s per client (${Math.round(s.rate * s.docs * s.clientsPerDoc).toLocaleString("en")} sends/s in all); throughput phase ${s.perClient} updates per client back to back`,
);
for (const text of scenarioLines) line(`  ${text}`);

async function postgresReachable(): Promise<boolean> {
  const sql = postgres(DATABASE_URL, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const notes: string[] = [];
const kinds = [...SERVERS];
if (kinds.includes("ours-postgres") && !(await postgresReachable())) {
  kinds.splice(kinds.indexOf("ours-postgres"), 1);
  notes.push(`PostgreSQL was not reachable at ${DATABASE_URL}: ours-postgres was skipped.`);
}
line(`starting ${kinds.join(", ")} …`);
const startMs = performance.now();
const starts = await Promise.allSettled(
  kinds.map(async (kind) => {
    const server = await (kind === "reference" ? startReference() : startOurs(kind === "ours-pglite" ? "pglite" : "postgres", { profileDir: PROFILE_DIR, entry: ENTRY }));
    servers.push(server);
    return server;
  }),
);
const failed = starts.find((s): s is PromiseRejectedResult => s.status === "rejected");
if (failed) {
  line(`a server did not start: ${String(failed.reason)}`);
  for (const server of servers.splice(0)) await server.stop();
  process.exit(1);
}
servers.sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind));
line(`servers ready in ${((performance.now() - startMs) / 1000).toFixed(1)} s\n`);

// How busy the bench process itself is: when its event loop lags, latencies are the clients' own.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

const rssNow = async (server: BenchServer) => {
  // Three readings a little apart, the middle one: a lone reading can catch a GC half done.
  const readings: number[] = [];
  for (let i = 0; i < 3; i++) {
    readings.push(server.rssKiB());
    await sleep(150);
  }
  return readings.sort((a, b) => a - b)[1]!;
};

async function measure(server: BenchServer, scenario: Scenario): Promise<Row> {
  const row: Row = { scenario, server: server.kind, closes: 0 };
  const began = performance.now();
  const closesBefore = unexpectedCloses.length;
  let clients: BenchClient[] = [];
  try {
    const rooms = await server.rooms(scenario.docs);
    await sleep(1000);
    const base = await rssNow(server);
    // Clients of one document are consecutive: group i is document i.
    clients = await connectAll(rooms.flatMap((room) => Array.from({ length: scenario.clientsPerDoc }, () => room)), { timeoutMs: 60_000 });
    row.setupMs = performance.now() - began;
    const groups = Array.from({ length: scenario.docs }, (_, i) => clients.slice(i * scenario.clientsPerDoc, (i + 1) * scenario.clientsPerDoc));
    await sleep(1000);
    const connected = await rssNow(server);
    const cpu0 = server.cpuMs();
    const own0 = process.cpuUsage();
    const wall0 = performance.now();
    loopDelay.reset();
    loopDelay.enable();
    row.latency = await latencyPhase(groups, { ratePerClient: scenario.rate, warmupMs: WARMUP_S * 1000, measureMs: SECONDS * 1000, drainMs: DRAIN_MS });
    loopDelay.disable();
    const cpu1 = server.cpuMs();
    const own1 = process.cpuUsage(own0);
    const wall1 = performance.now();
    await sleep(500);
    const cpu2 = server.cpuMs();
    const own2 = process.cpuUsage();
    const wall2 = performance.now();
    row.throughput = await throughputPhase(groups, scenario.perClient, THROUGHPUT_TIMEOUT_MS);
    const cpu3 = server.cpuMs();
    const own3 = process.cpuUsage(own2);
    const wall3 = performance.now();
    if (PROFILE_DIR) {
      const at = (t: number) => ((t - server.spawnedAt) / 1000).toFixed(1);
      line(`  (${server.kind} profile offsets: latency phase ${at(wall0)}–${at(wall1)} s, throughput phase ${at(wall2)}–${at(wall3)} s)`);
    }
    row.cpu = { latencyMs: cpu1 - cpu0, latencyWallMs: wall1 - wall0, throughputMs: cpu3 - cpu2 };
    row.bench = {
      latencyCpuPct: ((own1.user + own1.system) / 1000 / (wall1 - wall0)) * 100,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      throughputCpuPct: ((own3.user + own3.system) / 1000 / (wall3 - wall2)) * 100,
    };
    row.rss = { base, connected, after: await rssNow(server) };
  } catch (err) {
    row.error = err instanceof Error ? err.message : String(err);
  } finally {
    disconnectAll(clients);
    row.closes = unexpectedCloses.length - closesBefore;
  }
  return row;
}

const rows: Row[] = [];
// Scenario by scenario, every server in turn: background load on the machine hits all alike.
for (const scenario of scenarios) {
  for (const server of servers) {
    const row = await measure(server, scenario);
    rows.push(row);
    const s = latencyStats(row);
    line(
      `${scenario.label.padEnd(22)} ${server.kind.padEnd(14)} ` +
        (row.error
          ? `error: ${row.error}`
          : `p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  receipts ${s.count}/${row.latency?.expected}  ` +
            `${Math.round(updatesPerSecond(row)).toLocaleString("en")} updates/s  (${row.throughput?.complete}/${row.throughput?.total} complete; ` +
            `rooms and connections took ${((row.setupMs ?? 0) / 1000).toFixed(1)} s)`),
    );
    // Let the server settle (and our idle documents start to unload) before the next server's turn.
    await sleep(1000);
  }
}

line("\nstopping servers …");
clearTimeout(deadline);
for (const server of servers.splice(0)) await server.stop();

const loadAfter = os.loadavg();
const closeCodes = [...new Set(unexpectedCloses.map((c) => `${c.code} ${c.reason}`.trim()))];
if (closeCodes.length > 0) notes.push(`Unexpected closes seen: ${closeCodes.join("; ")}.`);
const tables = renderTables(rows);
const header = [
  `Date: ${startedAt.toISOString()}. Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}.`,
  `Load average before / after the run: ${loadBefore.map((n) => n.toFixed(2)).join(" ")} / ${loadAfter.map((n) => n.toFixed(2)).join(" ")} (other work on the machine shares these cores).`,
  `Command: node --import tsx bench/collab/run.ts ${argv.join(" ")}`.trim() + ".",
  `Latency phase: each client sets its own key of a Y.Map to {t: performance.now(), seq}; receipts by the other clients of the document are timed on the same clock. ${WARMUP_S} s warm-up, ${SECONDS} s measured, then senders stop and receipts are awaited for up to ${DRAIN_MS / 1000} s.`,
  "Throughput phase: every client appends N characters to its own Y.Text, one update message each, all back to back; updates/s = all updates / time until every client holds every update; deliveries/s counts each update once per receiving client.",
  "ours-pglite and ours-postgres: our server (server/src/main.ts), every update stored before it is relayed (group commit). reference: @y/websocket-server 0.1.1, in memory, which also echoes each update to its sender.",
  `The clients (stock y-websocket providers with ws, BroadcastChannel off) run in the bench process on the same ${os.cpus().length} cores: they load every server equally and their own time is inside every figure. "bench loop delay p99" is this process's event-loop delay during the latency phase: where it approaches a latency figure, that figure measures the clients rather than the server. The stock provider also re-sends every presence (awareness) update it receives, so presence traffic grows with the square of the clients on a document.`,
  `RSS is the server process's VmRSS (PGlite runs inside it; PostgreSQL's own processes are not counted). Per connection = (RSS with the clients synced − RSS before they connected) / connections; per document likewise over documents, two connections each. Servers are reused across scenarios in this order, so later deltas partly reuse heap freed by earlier ones.`,
  "Targets (issue 3): p99 under 25 ms with 50 editors on one document, durable; throughput at least 0.8 of the reference.",
];
const out = [
  `# Co-editing benchmark results`,
  "",
  ...header.map((h) => `- ${h}`),
  ...scenarioLines.map((text) => `- ${text}.`),
  ...notes.map((n) => `- ${n}`),
  "",
  tables,
  "",
].join("\n");
line(`\n${tables}\n`);
for (const note of notes) line(note);
const target = rows.filter((r) => r.server !== "reference" && r.scenario.clientsPerDoc === TARGET_EDITORS && r.scenario.docs === 1);
if (target.length === 0) line(`(no ${TARGET_EDITORS}-client scenario in this run: the latency target was not evaluated)`);
if (WRITE && !quick) {
  const file = path.join(import.meta.dirname, "results.md");
  writeFileSync(file, out);
  line(`written to ${path.relative(process.cwd(), file)}`);
}
process.exit(0);
