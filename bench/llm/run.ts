// LLM gateway benchmark (prints figures; not a test). Run: node --import tsx bench/llm/run.ts
//   [--db=pglite|postgres] [--phases=core,http,memory] [--providers=openai,anthropic,gemini]
//   [--blocks=5] [--profile=DIR]   (a full run writes bench/llm/results.md)
//
// Overhead = time to the first token through the gateway − the fake provider's own first-token
// delay. The fakes run in a child process and stamp each first token with how long they themselves
// took from receiving the request to sending it, so the subtraction is exact per stream. Measured
// at 50 concurrent streams, for each SDK: the SDK called directly (the floor: loopback HTTP, the
// SDK's own parsing, this machine's scheduling), the gateway core (what the co-pilot calls), and the
// whole HTTP path (POST /api/ai/complete, session lookup and SSE included, read by a client in a
// process of its own). The three run in interleaved blocks so a busy machine weighs on each alike.
// Target: p99 overhead under 5 ms. Then memory per open stream.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import v8 from "node:v8";
import vm from "node:vm";
import type { AiProvider } from "@caseroom/shared";
import { createApplication } from "../../server/src/app.ts";
import { loadConfig } from "../../server/src/config/index.ts";
import { aiAdminStore } from "../../server/src/llm/adminStore.ts";
import { createLlmGateway, type LlmGateway } from "../../server/src/llm/index.ts";
import { createProviderClient } from "../../server/src/llm/providers/index.ts";
import { createLogger } from "../../server/src/log.ts";
import { DEMO_PASSWORD, freshPglite, freshPostgres } from "../../tests/helpers/databases.ts";

const { values: args } = parseArgs({
  options: {
    // core: the gateway as the co-pilot calls it; http: POST /api/ai/complete; memory: per open stream.
    phases: { type: "string", default: "core,http,memory" },
    providers: { type: "string", default: "openai,anthropic,gemini" },
    // pglite: the embedded database (on this thread, as in a single-node install); postgres: TEST_DATABASE_URL.
    db: { type: "string", default: "pglite" },
    blocks: { type: "string", default: "4" },
    // A folder: writes a CPU profile of each measured block, named by mode, to find where time goes.
    profile: { type: "string" },
  },
});
const phases = new Set(args.phases.split(","));
const providers = args.providers.split(",") as ("openai" | "anthropic" | "gemini")[];

const CONCURRENCY = 50;
/** Streams per block; each mode runs BLOCKS measured blocks after one warm-up block. */
const BLOCK = 200;
const BLOCKS = Number(args.blocks);
const HELD = 300;
const TARGET_P99_MS = 5;

v8.setFlagsFromString("--expose_gc");
const gc = vm.runInNewContext("gc") as () => void;

// ---- the fakes, in their own process ----------------------------------------------------------
const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "fakeProcess.ts")], { stdio: ["pipe", "pipe", "inherit"] });
const fake = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve))) as {
  urls: Record<string, string>;
  firstTokenDelayMs: number;
  chunks: number;
  chunkDelayMs: number;
};

// ---- the gateway, on an embedded database -------------------------------------------------------
const dataDir = mkdtempSync(path.join(os.tmpdir(), "caseroom-bench-llm-"));
const pg = args.db === "postgres" ? await freshPostgres() : undefined;
const db = pg?.db ?? (await freshPglite());
const config = loadConfig({
  NODE_ENV: "test",
  DATA_DIR: dataDir,
  SESSION_SECRET: "bench-secret-bench-secret-bench-secret-0",
  LOG_LEVEL: "silent",
  ANTHROPIC_API_KEY: "bench-anthropic-key",
  ANTHROPIC_BASE_URL: fake.urls.anthropic,
  OPENAI_API_KEY: "bench-openai-key",
  OPENAI_BASE_URL: fake.urls.openai,
  GEMINI_API_KEY: "bench-gemini-key",
  GEMINI_BASE_URL: fake.urls.gemini,
  // All streams are one user's: the per-user limit (4 by default) would refuse the 5th.
  LLM_MAX_STREAMS_PER_USER: "100",
});
const log = createLogger("silent");
/**
 * The workers start one after another, spread over one stream's length, so that streams start and end
 * at a steady rate with CONCURRENCY open, as 50 people's requests would: started together, every
 * stream of a block would queue behind the same burst of 50 requests.
 */
const STAGGER_MS = (fake.firstTokenDelayMs + fake.chunks * fake.chunkDelayMs) / CONCURRENCY;
const [org] = await db.query<{ id: string }>("select id from orgs where slug = 'demo'");
const [user] = await db.query<{ id: string }>("select id from users where email = 'tech1@caseroom.local'");
const orgId = org!.id;
const request = { orgId, userId: user!.id, task: "suggest_next_step" as const, input: "Printer prints blank pages since this morning; customer jane@example.com, +44 20 7946 0958." };

async function route(gateway: LlmGateway, provider: AiProvider) {
  await db.query(
    "insert into ai_routes (org_id, task, chain) values ($1, 'suggest_next_step', $2::jsonb) on conflict (org_id, task) do update set chain = excluded.chain",
    [orgId, JSON.stringify([{ provider, model: "bench-model" }])],
  );
  await gateway.orgConfig.changed(orgId);
}

/**
 * Wraps the organisation's cached client for `provider` to note, per call, when the gateway handed
 * the request to the SDK and when the SDK handed back the first text (marked `⟦n⟧` on that text):
 * what lies between is the SDK, the network and the provider, not the gateway.
 */
async function timeTheSdk(gateway: LlmGateway, provider: AiProvider) {
  const timing = new Map<string, { called: number; firstText: number }>();
  const reachable = (await gateway.orgConfig.get(orgId)).reachable.get(provider)!;
  const inner = reachable.client;
  let calls = 0;
  reachable.client = {
    provider,
    async *stream(req, signal) {
      const called = performance.now();
      const id = `${(calls += 1)}`;
      let first = true;
      for await (const chunk of inner.stream(req, signal)) {
        if (first && chunk.type === "text") {
          first = false;
          timing.set(id, { called, firstText: performance.now() });
          yield { ...chunk, text: `${chunk.text}⟦${id}⟧` };
          continue;
        }
        yield chunk;
      }
    },
  };
  return timing;
}

/** The fake's own first-token delay, from the stamp on the first token, in ms. */
const stampOf = (text: string) => Number(/^‹(\d+)›/.exec(text)?.[1] ?? NaN) / 1000;

/** Runs `total` calls, `CONCURRENCY` at a time; returns their overheads. */
async function load(total: number, one: () => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      await new Promise((r) => setTimeout(r, worker * STAGGER_MS));
      while (next < total) {
        next += 1;
        // A failed stream counts as NaN: reported below, not fatal.
        results.push(await one().catch(() => NaN));
      }
    }),
  );
  return results;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (v: number) => `${v.toFixed(2)} ms`;
function report(name: string, sorted: number[]) {
  const p99 = pct(sorted, 99);
  console.log(`  ${name.padEnd(34)} p50 ${ms(pct(sorted, 50)).padStart(9)}   p99 ${ms(p99).padStart(9)}   max ${ms(sorted.at(-1)!).padStart(9)}   ${p99 < TARGET_P99_MS ? "within" : "OVER"} the ${TARGET_P99_MS} ms target`);
}

const load1 = () => os.loadavg()[0]!.toFixed(1);
const loadStart = load1();
console.log(`machine: ${os.cpus().length} cores, load average ${loadStart} at the start (other work on this machine counts against every figure)`);
console.log(`LLM gateway overhead: ${CONCURRENCY} concurrent streams, ${BLOCKS}×${BLOCK} measured per mode (interleaved) after ${BLOCK} warm-up, database ${args.db}, fake first token after ${fake.firstTokenDelayMs} ms then ${fake.chunks} chunks every ${fake.chunkDelayMs} ms`);

// ---- 1 and 2: the SDK alone, the gateway core and the HTTP path, interleaved -----------------------
// The three run in alternating blocks of BLOCK streams (each block at CONCURRENCY), so whatever else
// this machine is doing weighs on all of them alike; the first block of each is warm-up.
const gateway = await createLlmGateway({ db, log, config });
const app = await createApplication({ config, db, log });
await new Promise<void>((resolve) => app.httpServer.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
async function sessionOf(email: string) {
  const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
  return { "content-type": "application/json", cookie: login.headers.getSetCookie()[0]!.split(";")[0]! };
}
const headers = await sessionOf("tech1@caseroom.local");

// The reading client runs in a process of its own (bench/llm/reader.ts), like the fakes: the server's
// event loop then carries only the server's work.
const reader = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "reader.ts")], { stdio: ["pipe", "pipe", "inherit"] });
const readerLines = createInterface({ input: reader.stdout! })[Symbol.asyncIterator]();
/** BLOCK streams of POST /api/ai/complete, CONCURRENCY at a time, read by the reader process. */
async function httpBlock(): Promise<number[]> {
  reader.stdin!.write(`${JSON.stringify({ url: `${base}/api/ai/complete`, headers, body: JSON.stringify({ task: request.task, input: request.input }), count: BLOCK, concurrency: CONCURRENCY, staggerMs: STAGGER_MS })}\n`);
  return JSON.parse((await readerLines.next()).value as string) as number[];
}

/** Opens a streaming POST and returns its reader once the first bytes of `marker` arrived: the stream stays open. */
async function holdOpen(url: string, init: RequestInit, marker: string) {
  const res = await fetch(url, init);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  while (!seen.includes(marker)) seen += decoder.decode((await reader.read()).value, { stream: true });
  return reader;
}

const profiler = new Session();
if (args.profile) {
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.setSamplingInterval", { interval: 200 });
}
const summary: string[] = [];
for (const provider of providers) {
  const direct = createProviderClient({ provider, apiKey: "bench-direct-key", baseUrl: fake.urls[provider]!, source: "environment" });
  await route(gateway, provider);
  await new Promise((r) => setTimeout(r, 50)); // the app's own gateway hears the NOTIFY
  const timing = await timeTheSdk(gateway, provider);
  const own: number[] = [];

  const directCall = async () => {
    const started = performance.now();
    let overhead = NaN;
    for await (const chunk of direct.stream({ model: "bench-model", system: "s", messages: [{ role: "user", content: request.input }], maxOutputTokens: 100, json: false }, new AbortController().signal)) {
      if (chunk.type === "text" && Number.isNaN(overhead)) overhead = performance.now() - started - stampOf(chunk.text);
    }
    return overhead;
  };
  const coreCall = async () => {
    const started = performance.now();
    const call = await gateway.prepare(request);
    let overhead = NaN;
    for await (const event of call.run(new AbortController().signal)) {
      if (event.type === "delta" && Number.isNaN(overhead)) {
        const now = performance.now();
        overhead = now - started - stampOf(event.text);
        const t = timing.get(/⟦(\d+)⟧/.exec(event.text)?.[1] ?? "");
        // The gateway's own code: before the SDK was called, and from the SDK's first text to the delta.
        if (t) own.push(t.called - started + (now - t.firstText));
      }
      // Like the co-pilot: the answer is complete at `done` (the ledger row follows on its own).
      if (event.type === "done") break;
    }
    return overhead;
  };
  // cpuMs: CPU time of this process (the reading client of the HTTP path runs elsewhere) in measured blocks.
  const modes: { name: string; one: (() => Promise<number>) | null; results: number[]; cpuMs: number; failed: number }[] = [
    { name: `${provider} SDK called directly (floor)`, one: directCall, results: [], cpuMs: 0, failed: 0 },
    ...(phases.has("core") ? [{ name: `gateway core, ${provider} SDK`, one: coreCall, results: [], cpuMs: 0, failed: 0 }] : []),
    ...(phases.has("http") ? [{ name: `HTTP + SSE, ${provider} SDK`, one: null, results: [], cpuMs: 0, failed: 0 }] : []),
  ];
  for (let block = 0; block <= BLOCKS; block++) {
    for (const mode of modes) {
      const ownBefore = own.length;
      if (args.profile && block > 0) await profiler.post("Profiler.start");
      const cpu = process.cpuUsage();
      const overheads = mode.one ? await load(BLOCK, mode.one) : await httpBlock();
      const used = process.cpuUsage(cpu);
      if (block > 0) mode.cpuMs += (used.user + used.system) / 1000;
      if (args.profile && block > 0) {
        const { profile } = (await profiler.post("Profiler.stop")) as { profile: object };
        mkdirSync(args.profile, { recursive: true });
        writeFileSync(path.join(args.profile, `${mode.name.replace(/\W+/g, "-")}-${block}.cpuprofile`), JSON.stringify(profile));
      }
      if (block > 0) {
        mode.failed += overheads.filter(Number.isNaN).length;
        mode.results.push(...overheads.filter((v) => !Number.isNaN(v)));
      }
      else if (mode.one === coreCall) own.splice(ownBefore);
    }
  }
  const [floor, ...rest] = modes.map((m) => ({ ...m, sorted: m.results.sort((a, b) => a - b), cpuPerStream: m.cpuMs / m.results.length }));
  for (const m of modes) if (m.failed > 0) console.log(`  ${m.name}: ${m.failed} stream(s) failed and are not in its figures`);
  report(floor!.name, floor!.sorted);
  console.log(`  ${"".padEnd(34)} CPU ${ms(floor!.cpuPerStream)} per stream`);
  for (const mode of rest) {
    report(mode.name, mode.sorted);
    const line = `p50 ${ms(pct(mode.sorted, 50) - pct(floor!.sorted, 50))}, p99 ${ms(pct(mode.sorted, 99) - pct(floor!.sorted, 99))} over the SDK alone; p99 ratio ${(pct(mode.sorted, 99) / pct(floor!.sorted, 99)).toFixed(2)}x; CPU ${ms(mode.cpuPerStream)} per stream`;
    console.log(`  ${"".padEnd(34)} adds ${line}`);
    summary.push(
      `| ${mode.name} | ${ms(pct(mode.sorted, 50))} | ${ms(pct(mode.sorted, 99))} | ${ms(pct(floor!.sorted, 50))} | ${ms(pct(floor!.sorted, 99))} | ${(pct(mode.sorted, 99) / pct(floor!.sorted, 99)).toFixed(2)}x | ${ms(mode.cpuPerStream)} vs ${ms(floor!.cpuPerStream)} |`,
    );
    if (mode.one === coreCall) {
      const sortedOwn = own.sort((a, b) => a - b);
      report(`  of which the gateway's own code`, sortedOwn);
      summary.push(`| of which the gateway's own code (${provider}) | ${ms(pct(sortedOwn, 50))} | ${ms(pct(sortedOwn, 99))} | | | | |`);
    }
  }
}

// ---- 3. memory per open stream ---------------------------------------------------------------------
const memory: string[] = [];
if (phases.has("memory")) {
  console.log(`\nMemory per open stream (${HELD} streams held open after their first token):`);
  await aiAdminStore(db, gateway, { httpsOnly: false }).addProvider(orgId, user!.id, { provider: "openai", apiKey: "bench-held-key-0123", baseUrl: fake.urls["openai-hold"]! });
  await route(gateway, "openai");
  await new Promise((r) => setTimeout(r, 50));

  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** Bytes of heap (with buffers) per stream held open by `open`; the streams are closed afterwards. */
  async function memoryPer(open: (signal: AbortSignal) => Promise<unknown>): Promise<number> {
    await settle();
    const before = process.memoryUsage();
    const controllers = Array.from({ length: HELD }, () => new AbortController());
    const held = await Promise.all(controllers.map((c) => open(c.signal)));
    await settle();
    const after = process.memoryUsage();
    for (const c of controllers) c.abort();
    held.length = 0;
    await new Promise((r) => setTimeout(r, 300));
    return (after.heapUsed + after.external - before.heapUsed - before.external) / HELD;
  }
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

  const core = await memoryPer(async (signal) => {
    // As a server-side call (no user), which the per-user stream limit does not count.
    const call = await gateway.prepare({ ...request, userId: null });
    const iterator = call.run(signal);
    await iterator.next();
    return iterator;
  });
  console.log(`  ${"gateway core (with SDK and socket)".padEnd(40)} ${kib(core)}`);
  // Spread over three users: one may hold at most LLM_MAX_STREAMS_PER_USER (100 here) open.
  const users = [headers, await sessionOf("tech2@caseroom.local"), await sessionOf("supervisor@caseroom.local")];
  let opened = 0;
  const http = await memoryPer((signal) =>
    holdOpen(`${base}/api/ai/complete`, { method: "POST", headers: users[opened++ % users.length], body: JSON.stringify({ task: request.task, input: request.input }), signal }, "event: delta"),
  );
  const client = await memoryPer((signal) =>
    holdOpen(`${fake.urls["openai-hold"]}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "m", stream: true }), signal }, "held"),
  );
  console.log(`  ${"HTTP + SSE, server side".padEnd(40)} ${kib(http - client)}   (${kib(http)} measured, less ${kib(client)} for the reading client in this process)`);
  memory.push(`gateway core (with SDK and socket): ${kib(core)}`, `HTTP + SSE, server side: ${kib(http - client)} (${kib(http)} measured, less ${kib(client)} for the reading client)`);
}

const loadEnd = load1();
console.log(`\nload average ${loadEnd} at the end`);
if (args.phases === "core,http,memory") {
  writeFileSync(
    path.join(import.meta.dirname, "results.md"),
    `# LLM gateway overhead (bench/llm/run.ts, --db=${args.db})\n\n` +
      `Measured ${new Date().toISOString()} on ${os.cpus().length} cores; load average ${loadStart} before, ${loadEnd} after. ` +
      `${CONCURRENCY} concurrent streams (workers started ${STAGGER_MS} ms apart); ${BLOCKS} blocks of ${BLOCK} streams per mode, interleaved, after one warm-up block each. ` +
      `Overhead = time to the first token − the fake provider's own first-token delay (stamped by the fake).\n\n` +
      `| path | p50 | p99 | direct SDK p50 | direct SDK p99 | p99 ratio | CPU per stream, vs direct SDK |\n| --- | --- | --- | --- | --- | --- | --- |\n${summary.join("\n")}\n\n` +
      `Memory per open stream (${HELD} held open): ${memory.join("; ")}.\n`,
  );
}
await new Promise((r) => setTimeout(r, 200));
await app.close();
await gateway.close();
await (pg ? pg.drop() : db.close());
child.stdin!.end();
reader.stdin!.end();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
