// LLM gateway benchmark (prints figures; not a test). Run: node --import tsx bench/llm/run.ts
//
// Overhead = time to the first token through the gateway − the fake provider's own first-token
// delay. The fakes run in a child process and stamp each first token with how long they themselves
// took from receiving the request to sending it, so the subtraction is exact per stream. Measured
// at 50 concurrent streams, for each SDK: first the SDK called directly (the floor: loopback HTTP,
// the SDK's own parsing, this machine's scheduling), then the gateway core (what the co-pilot calls),
// then the whole HTTP path (POST /api/ai/complete, session lookup and SSE included; the reading
// client runs in this process too). Target: p99 overhead under 5 ms. Then memory per open stream.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import v8 from "node:v8";
import vm from "node:vm";
import type { AiProvider } from "@caseroom/shared";
import { createApplication } from "../../server/src/app.ts";
import { loadConfig } from "../../server/src/config/index.ts";
import { aiAdminStore } from "../../server/src/llm/adminStore.ts";
import { createLlmGateway, type LlmGateway } from "../../server/src/llm/index.ts";
import { createProviderClient } from "../../server/src/llm/providers/index.ts";
import { createLogger } from "../../server/src/log.ts";
import { DEMO_PASSWORD, freshPglite } from "../../tests/helpers/databases.ts";

const CONCURRENCY = 50;
const STREAMS = 500;
const WARMUP = 100;
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
const db = await freshPglite();
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
});
const log = createLogger("silent");
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

/** Runs `total` calls, `CONCURRENCY` at a time; returns the overheads of all but the warm-up ones. */
async function load(total: number, one: () => Promise<number>): Promise<number[]> {
  const results: { index: number; overhead: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const index = next++;
        results.push({ index, overhead: await one() });
      }
    }),
  );
  return results.filter((r) => r.index >= WARMUP).map((r) => r.overhead).sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (v: number) => `${v.toFixed(2)} ms`;
function report(name: string, sorted: number[]) {
  const p99 = pct(sorted, 99);
  console.log(`  ${name.padEnd(34)} p50 ${ms(pct(sorted, 50)).padStart(9)}   p99 ${ms(p99).padStart(9)}   max ${ms(sorted.at(-1)!).padStart(9)}   ${p99 < TARGET_P99_MS ? "within" : "OVER"} the ${TARGET_P99_MS} ms target`);
}

const load1 = () => os.loadavg()[0]!.toFixed(1);
console.log(`machine: ${os.cpus().length} cores, load average ${load1()} at the start (other work on this machine counts against every figure)`);
console.log(`LLM gateway overhead: ${CONCURRENCY} concurrent streams, ${STREAMS} measured after ${WARMUP} warm-up, fake first token after ${fake.firstTokenDelayMs} ms then ${fake.chunks} chunks every ${fake.chunkDelayMs} ms`);

// ---- 1. the SDK alone, then the gateway core, per SDK --------------------------------------------
const gateway = await createLlmGateway({ db, log, config });
for (const provider of ["openai", "anthropic", "gemini"] as const) {
  const direct = createProviderClient({ provider, apiKey: "bench-direct-key", baseUrl: fake.urls[provider]!, source: "environment" });
  const floor = await load(STREAMS + WARMUP, async () => {
    const started = performance.now();
    let overhead = NaN;
    for await (const chunk of direct.stream({ model: "bench-model", system: "s", messages: [{ role: "user", content: request.input }], maxOutputTokens: 100, json: false }, new AbortController().signal)) {
      if (chunk.type === "text" && Number.isNaN(overhead)) overhead = performance.now() - started - stampOf(chunk.text);
    }
    return overhead;
  });
  report(`${provider} SDK called directly (floor)`, floor);
  await route(gateway, provider);
  const timing = await timeTheSdk(gateway, provider);
  const own: number[] = [];
  const overheads = await load(STREAMS + WARMUP, async () => {
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
  });
  report(`gateway core, ${provider} SDK`, overheads);
  console.log(`  ${"".padEnd(34)} the gateway adds p50 ${ms(pct(overheads, 50) - pct(floor, 50))}, p99 ${ms(pct(overheads, 99) - pct(floor, 99))} over the SDK alone`);
  own.splice(0, WARMUP);
  report(`  of which the gateway's own code`, own.sort((a, b) => a - b));
}

// ---- 2. the whole HTTP path ------------------------------------------------------------------------
const app = await createApplication({ config, db, log });
await new Promise<void>((resolve) => app.httpServer.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "tech1@caseroom.local", password: DEMO_PASSWORD }) });
const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
const headers = { "content-type": "application/json", cookie };

/** Opens POST /api/ai/complete, reads it to the end, and returns the overhead at the first delta. */
async function httpCall(): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}/api/ai/complete`, { method: "POST", headers, body: JSON.stringify({ task: request.task, input: request.input }) });
  const decoder = new TextDecoder();
  let buffer = "";
  let overhead = NaN;
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(part, { stream: true });
    const data = Number.isNaN(overhead) ? /event: delta\ndata: (.*)\n\n/.exec(buffer)?.[1] : undefined;
    if (data) overhead = performance.now() - started - stampOf(JSON.parse(data).text);
  }
  return overhead;
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

for (const provider of ["openai", "anthropic", "gemini"] as const) {
  await route(gateway, provider);
  await new Promise((r) => setTimeout(r, 50)); // the app's own gateway hears the NOTIFY
  report(`HTTP + SSE, ${provider} SDK`, await load(STREAMS + WARMUP, httpCall));
}

// ---- 3. memory per open stream ---------------------------------------------------------------------
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
  const call = await gateway.prepare(request);
  const iterator = call.run(signal);
  await iterator.next();
  return iterator;
});
console.log(`  ${"gateway core (with SDK and socket)".padEnd(40)} ${kib(core)}`);
const http = await memoryPer((signal) => holdOpen(`${base}/api/ai/complete`, { method: "POST", headers, body: JSON.stringify({ task: request.task, input: request.input }), signal }, "event: delta"));
const client = await memoryPer((signal) =>
  holdOpen(`${fake.urls["openai-hold"]}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "m", stream: true }), signal }, "held"),
);
console.log(`  ${"HTTP + SSE, server side".padEnd(40)} ${kib(http - client)}   (${kib(http)} measured, less ${kib(client)} for the reading client in this process)`);

console.log(`\nload average ${load1()} at the end`);
await new Promise((r) => setTimeout(r, 200));
await app.close();
await gateway.close();
await db.close();
child.stdin!.end();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
