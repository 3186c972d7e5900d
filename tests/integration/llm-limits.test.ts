// [L8] At most LLM_MAX_STREAMS_PER_USER answers streaming at once per user: one more is refused with
// a plain 429 before anything reaches a provider; other users are not affected; a slot comes back when
// an answer ends, however it ends.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../../server/src/config/index.ts";
import { ApiClient, loginAs, waitFor, type TestServer } from "../helpers/server.ts";
import { postSse, type SseResult } from "../helpers/sse.ts";
import { closeFakes, lastUsageId, startFakes, startLlmServer, usageAfter, type Fakes } from "../helpers/llm.ts";

const LIMIT = 2;

const test = suite<{ fakes: Fakes; server: TestServer; tech: ApiClient; tech2: ApiClient }>("LLM streams per user");

test.before(async (ctx) => {
  ctx.fakes = await startFakes();
  ctx.server = await startLlmServer(ctx.fakes, { only: ["openai"], env: { LLM_MAX_STREAMS_PER_USER: String(LIMIT) } });
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.tech2 = await loginAs(ctx.server.url, "tech2@caseroom.local");
});
test.after(async (ctx) => {
  await ctx.server?.close();
  await closeFakes(ctx.fakes);
});

const ask = (client: ApiClient, options: Parameters<typeof postSse>[3] = {}) =>
  postSse(client, "/api/ai/complete", { task: "summarize_call", input: "Customer called about the printer." }, options);

/** Starts an answer that stays open after its first delta; resolves once that delta arrived. */
async function holdOne(ctx: { fakes: Fakes }, client: ApiClient) {
  ctx.fakes.openai.enqueue({ kind: "stream", chunks: ["Working on it"], holdOpen: true });
  const controller = new AbortController();
  let started!: () => void;
  const first = new Promise<void>((resolve) => (started = resolve));
  const done: Promise<SseResult> = ask(client, { signal: controller.signal, onEvent: (e) => e.event === "delta" && started() });
  await first;
  return { close: () => controller.abort(), done };
}

test("[L8] the stream over the limit is refused with 429 too_many_streams; nothing reaches the provider", async (ctx) => {
  const held = [await holdOne(ctx, ctx.tech), await holdOne(ctx, ctx.tech)];
  const asked = ctx.fakes.openai.requests.length;
  const mark = await lastUsageId(ctx.server.db);
  const refused = await ask(ctx.tech);
  assert.is(refused.status, 429);
  assert.equal(refused.body, {
    error: { code: "rate_limited", message: `You already have ${LIMIT} AI answers in progress: wait for one to finish`, details: { reason: "too_many_streams", limit: LIMIT } },
  });
  assert.is(refused.headers.get("retry-after"), "1");
  assert.is(ctx.fakes.openai.requests.length, asked, "no provider request");

  // Another technician is not held up by the first one's streams.
  ctx.fakes.openai.enqueue({ kind: "stream", chunks: ["For Jordan"] });
  const other = await ask(ctx.tech2);
  assert.equal([other.status, other.text], [200, "For Jordan"]);

  // An answer that ends (here: its reader leaves) gives its slot back.
  held[0]!.close();
  await held[0]!.done;
  ctx.fakes.openai.enqueue({ kind: "stream", chunks: ["Now it fits"] });
  const again = await waitFor(async () => {
    const res = await ask(ctx.tech);
    return res.status === 200 ? res : undefined;
  }, { what: "a slot to come back after the reader left" });
  assert.is(again.text, "Now it fits");
  held[1]!.close();
  await held[1]!.done;
  const rows = await usageAfter(ctx.server.db, mark);
  assert.not.ok(rows.some((r) => r.outcome === "rate_limited"), "a refusal is not an attempt");
});

test("[L8] failed answers give their slots back too", async (ctx) => {
  for (let i = 0; i < LIMIT + 2; i++) {
    ctx.fakes.openai.enqueue({ kind: "status", status: 500 });
    const res = await ask(ctx.tech);
    assert.equal([res.status, res.events.at(-1)?.event], [200, "error"]);
  }
  ctx.fakes.openai.enqueue({ kind: "stream", chunks: ["Fine"] });
  assert.is((await ask(ctx.tech)).text, "Fine");
});

test("[L8] the limit is read from LLM_MAX_STREAMS_PER_USER and checked", async () => {
  const env = { NODE_ENV: "test", SESSION_SECRET: "limits-test-secret-limits-test-secret-0", DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "caseroom-limits-")) };
  assert.is(loadConfig(env).llmMaxStreamsPerUser, 4);
  assert.is(loadConfig({ ...env, LLM_MAX_STREAMS_PER_USER: "10" }).llmMaxStreamsPerUser, 10);
  assert.throws(() => loadConfig({ ...env, LLM_MAX_STREAMS_PER_USER: "0" }), /LLM_MAX_STREAMS_PER_USER/);
  rmSync(env.DATA_DIR, { recursive: true, force: true });
});

test.run();
