// [L1]–[L7] POST /api/ai/complete end to end: the real server, the official SDKs, and fakes that speak
// each provider's wire protocol. Every attempt's outcome is checked in the ledger.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { aiProviders, type AiProvider } from "@caseroom/shared";
import { ApiClient, loginAs, waitFor, type TestServer } from "../helpers/server.ts";
import { postSse } from "../helpers/sse.ts";
import { closeFakes, lastUsageId, startFakes, startLlmServer, usageAfter, type Fakes } from "../helpers/llm.ts";

interface Ctx {
  fakes: Fakes;
  server: TestServer;
  tech: ApiClient;
  admin: ApiClient;
  /** Sets the chain of the suggest_next_step task. */
  route(...providers: AiProvider[]): Promise<void>;
  ask(body?: Record<string, unknown>, options?: Parameters<typeof postSse>[3]): ReturnType<typeof postSse>;
}

const test = suite<Ctx>("LLM gateway: streaming, fallback, retries, cancellation");

test.before(async (ctx) => {
  ctx.fakes = await startFakes();
  ctx.server = await startLlmServer(ctx.fakes);
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  ctx.route = async (...providers) => {
    const chain = providers.map((provider) => ({ provider, model: `${provider}-model` }));
    const res = await ctx.admin.request("PUT", "/api/admin/ai/routing/suggest_next_step", { chain });
    assert.is(res.status, 200, JSON.stringify(res.body));
  };
  ctx.ask = (body = {}, options) => postSse(ctx.tech, "/api/ai/complete", { task: "suggest_next_step", input: "The printer prints blank pages.", ...body }, options);
});
test.after(async (ctx) => {
  await ctx.server?.close();
  await closeFakes(ctx.fakes);
});

for (const provider of aiProviders) {
  test(`[L1] ${provider}: deltas stream in order, assemble to the answer, and done names the provider`, async (ctx) => {
    await ctx.route(provider);
    const chunks = ["Check ", "the toner ", "cartridge, ", "then print ", "a test page."];
    ctx.fakes[provider].enqueue({ kind: "stream", chunks, chunkDelayMs: 3, usage: { inputTokens: 200, outputTokens: 12 } });
    const res = await ctx.ask();
    assert.is(res.status, 200);
    assert.is(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const deltas = res.events.filter((e) => e.event === "delta").map((e) => e.data.text);
    assert.is(deltas.join(""), chunks.join(""));
    assert.ok(deltas.length >= 2, "the answer arrived in pieces, not at once");
    const done = res.events.at(-1)!;
    assert.is(done.event, "done");
    assert.equal({ provider: done.data.provider, model: done.data.model }, { provider, model: `${provider}-model` });
    assert.equal({ inputTokens: done.data.usage.inputTokens, outputTokens: done.data.usage.outputTokens }, { inputTokens: 200, outputTokens: 12 });
  });
}

const fallbackCases = [
  { name: "429 without retry-after", behavior: { kind: "status", status: 429 }, outcome: "rate_limited" },
  { name: "429 with a long retry-after", behavior: { kind: "status", status: 429, retryAfter: "30" }, outcome: "rate_limited" },
  { name: "500", behavior: { kind: "status", status: 500 }, outcome: "server_error" },
  { name: "a hang before the first token", behavior: { kind: "hang", headers: true }, outcome: "timeout" },
  { name: "a silent hang (no headers)", behavior: { kind: "hang" }, outcome: "timeout" },
  { name: "a break mid-stream", behavior: { kind: "break", chunks: ["Replace the ", "dr"] }, outcome: "network" },
  { name: "a rejected key (401)", behavior: { kind: "status", status: 401 }, outcome: "auth" },
] as const;

for (const first of ["anthropic", "gemini", "openai"] as const) {
  for (const c of fallbackCases) {
    test(`[L2] ${first} answering ${c.name} falls back to the next provider; outcomes recorded`, async (ctx) => {
      await ctx.route(first, "deepseek");
      const mark = await lastUsageId(ctx.server.db);
      ctx.fakes[first].enqueue(c.behavior);
      ctx.fakes.deepseek.enqueue({ kind: "stream", chunks: ["Fallback ", "answer."] });
      const res = await ctx.ask();
      assert.is(res.text, "Fallback answer.");
      const done = res.events.at(-1)!;
      assert.equal([done.event, done.data.provider], ["done", "deepseek"]);
      const restarts = res.events.filter((e) => e.event === "restart");
      // Text already shown from the broken provider is withdrawn before the next one starts.
      assert.equal(restarts.map((e) => e.data), c.behavior.kind === "break" ? [{ provider: first, reason: "network" }] : []);
      const rows = await usageAfter(ctx.server.db, mark);
      assert.equal(rows.map((r) => [r.attempt, r.provider, r.outcome]), [[1, first, c.outcome], [2, "deepseek", "ok"]]);
      assert.is(new Set(rows.map((r) => r.call_id)).size, 1, "both attempts belong to one call");
      assert.ok(rows.every((r) => r.task === "suggest_next_step" && r.user_id), "task and user recorded");
    });
  }
}

test("[L2] a short retry-after is waited out once and the same provider asked again", async (ctx) => {
  await ctx.route("openai", "deepseek");
  const mark = await lastUsageId(ctx.server.db);
  ctx.fakes.openai.enqueue({ kind: "status", status: 429, retryAfter: "0.2" }, { kind: "stream", chunks: ["After waiting."] });
  const started = Date.now();
  const res = await ctx.ask();
  assert.is(res.text, "After waiting.");
  assert.is(res.events.at(-1)!.data.provider, "openai");
  assert.ok(Date.now() - started >= 190, "waited for the retry-after");
  const rows = await usageAfter(ctx.server.db, mark);
  assert.equal(rows.map((r) => [r.provider, r.outcome]), [["openai", "rate_limited"], ["openai", "ok"]]);
});

test("[L2] a second 429 after the wait moves on: the retry happens once only", async (ctx) => {
  await ctx.route("openai", "deepseek");
  const mark = await lastUsageId(ctx.server.db);
  ctx.fakes.openai.enqueue({ kind: "status", status: 429, retryAfter: "0" }, { kind: "status", status: 429, retryAfter: "0" });
  ctx.fakes.deepseek.enqueue({ kind: "stream", chunks: ["Deepseek."] });
  const res = await ctx.ask();
  assert.is(res.text, "Deepseek.");
  const rows = await usageAfter(ctx.server.db, mark);
  assert.equal(rows.map((r) => [r.provider, r.outcome]), [["openai", "rate_limited"], ["openai", "rate_limited"], ["deepseek", "ok"]]);
});

test("[L2] a 400 is not the provider's fault: no fallback, an error event with every attempt", async (ctx) => {
  await ctx.route("openai", "deepseek");
  ctx.fakes.openai.enqueue({ kind: "status", status: 400 });
  const before = ctx.fakes.deepseek.requests.length;
  const res = await ctx.ask();
  const error = res.events.at(-1)!;
  assert.is(error.event, "error");
  assert.is(error.data.code, "unavailable");
  assert.equal(error.data.details, { reason: "provider_rejected", attempts: [{ provider: "openai", model: "openai-model", outcome: "bad_request" }] });
  assert.is(ctx.fakes.deepseek.requests.length, before, "the next provider was not asked");
});

test("[L2] when every provider fails the stream ends with an error naming each attempt", async (ctx) => {
  await ctx.route("anthropic", "gemini");
  ctx.fakes.anthropic.enqueue({ kind: "status", status: 503 });
  ctx.fakes.gemini.enqueue({ kind: "status", status: 500 });
  const res = await ctx.ask();
  assert.equal(res.events.map((e) => e.event), ["error"]);
  assert.equal(res.events[0]!.data, {
    code: "unavailable",
    message: "No AI provider could answer",
    details: { reason: "all_failed", attempts: [{ provider: "anthropic", model: "anthropic-model", outcome: "server_error" }, { provider: "gemini", model: "gemini-model", outcome: "server_error" }] },
  });
});

test("[L3] the client going away stops the upstream request: the fake sees the connection closed", async (ctx) => {
  for (const provider of ["anthropic", "gemini", "openai"] as const) {
    await ctx.route(provider);
    const mark = await lastUsageId(ctx.server.db);
    ctx.fakes[provider].enqueue({ kind: "stream", chunks: ["Start of a long answer"], holdOpen: true });
    const controller = new AbortController();
    await ctx.ask({}, { signal: controller.signal, onEvent: (e) => e.event === "delta" && controller.abort() });
    const received = ctx.fakes[provider].requests.at(-1)!;
    await waitFor(() => received.closedEarly, { what: `${provider}: the fake to see the connection closed` });
    const [row] = await waitFor(async () => {
      const rows = await usageAfter(ctx.server.db, mark);
      return rows.length > 0 ? rows : undefined;
    }, { what: "the cancelled attempt in the ledger" });
    assert.equal([row!.provider, row!.outcome], [provider, "cancelled"]);
    assert.ok(row!.output_tokens > 0 && row!.usage_estimated, "the text that did arrive is billed, as an estimate");
  }
});

test("[L5] structured output: classify_ticket is validated and arrives as done.result", async (ctx) => {
  await ctx.admin.request("PUT", "/api/admin/ai/routing/classify_ticket", { chain: [{ provider: "openai", model: "gpt-4.1-mini" }] });
  ctx.fakes.openai.enqueue({ kind: "stream", chunks: ['{"category": "Printing", "prio', 'rity": "high", "tags": ["printer"], "confidence": 0.9}'] });
  const res = await postSse(ctx.tech, "/api/ai/complete", { task: "classify_ticket", input: "Printer prints blank pages." });
  const done = res.events.at(-1)!;
  assert.equal(done.data.result, { category: "Printing", priority: "high", tags: ["printer"], confidence: 0.9 });
  assert.equal(JSON.parse(res.text), done.data.result, "the one delta is the validated object");
  assert.is(ctx.fakes.openai.requests.at(-1)!.body.response_format && (ctx.fakes.openai.requests.at(-1)!.body.response_format as { type: string }).type, "json_object");
});

test("[L5] an invalid structured answer gets one repair retry with the problem named", async (ctx) => {
  await ctx.admin.request("PUT", "/api/admin/ai/routing/classify_ticket", { chain: [{ provider: "anthropic", model: "claude-haiku-4-5" }, { provider: "gemini", model: "gemini-2.5-flash" }] });
  const mark = await lastUsageId(ctx.server.db);
  ctx.fakes.anthropic.enqueue(
    { kind: "stream", chunks: ['{"category": "Printing", "priority": "critical", "tags": [], "confidence": 0.5}'] },
    { kind: "stream", chunks: ['```json\n{"category": "Printing", "priority": "urgent", "tags": [], "confidence": 0.5}\n```'] },
  );
  const res = await postSse(ctx.tech, "/api/ai/complete", { task: "classify_ticket", input: "Printer on fire." });
  assert.equal(res.events.at(-1)!.data.result, { category: "Printing", priority: "urgent", tags: [], confidence: 0.5 });
  const repair = ctx.fakes.anthropic.requests.at(-1)!;
  assert.match(repair.raw, "priority");
  assert.match(repair.raw, "not valid");
  const rows = await usageAfter(ctx.server.db, mark);
  assert.equal(rows.map((r) => [r.provider, r.outcome]), [["anthropic", "invalid_output"], ["anthropic", "ok"]]);
});

test("[L5] still invalid after the repair: the next provider is asked", async (ctx) => {
  const mark = await lastUsageId(ctx.server.db);
  ctx.fakes.anthropic.enqueue({ kind: "stream", chunks: ["not json"] }, { kind: "stream", chunks: ["still not json"] });
  ctx.fakes.gemini.enqueue({ kind: "stream", chunks: ['{"category": "Hardware", "priority": "low", "tags": ["x"], "confidence": 1}'] });
  const res = await postSse(ctx.tech, "/api/ai/complete", { task: "classify_ticket", input: "Mouse squeaks." });
  assert.equal(res.events.at(-1)!.data.provider, "gemini");
  const rows = await usageAfter(ctx.server.db, mark);
  assert.equal(rows.map((r) => [r.provider, r.outcome]), [["anthropic", "invalid_output"], ["anthropic", "invalid_output"], ["gemini", "ok"]]);
});

test("[L4] Perplexity's citations reach the client in done", async (ctx) => {
  await ctx.route("perplexity");
  const citations = ["https://support.example.com/printers", "https://kb.example.com/toner"];
  ctx.fakes.perplexity.enqueue({ kind: "stream", chunks: ["See [1] and [2]."], citations });
  const res = await ctx.ask();
  assert.equal(res.events.at(-1)!.data.citations, citations);
});

test("[L6] bad input is a 400 naming the field, before anything streams", async (ctx) => {
  for (const [body, field] of [
    [{ task: "write_poem", input: "x" }, "task"],
    [{ task: "suggest_next_step", input: "" }, "input"],
    [{ task: "translate", input: "hello" }, "language"],
    [{ task: "suggest_next_step", input: "x", model: "gpt-5" }, "model"],
  ] as const) {
    const res = await postSse(ctx.tech, "/api/ai/complete", body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is(res.body.error.code, "validation_failed");
    assert.ok(res.body.error.details.fields.some((f: { path: string }) => f.path === field), JSON.stringify(res.body));
  }
});

test("[L6] a ticket of another organisation is not found", async (ctx) => {
  const [other] = await ctx.server.db.query<{ id: string }>("select t.id from tickets t join orgs o on o.id = t.org_id where o.slug = 'demo-ru' limit 1");
  const res = await ctx.ask({ ticketId: other!.id });
  assert.is(res.status, 404);
  assert.is(res.body.error.code, "not_found");
});

test.run();

const none = suite<{ server: TestServer }>("LLM gateway without any provider");
none.before(async (ctx) => {
  ctx.server = await startLlmServer({} as Fakes, { only: [] });
});
none.after(async (ctx) => ctx.server?.close());

none("[L7] with no provider configured the answer is a plain 503 no_provider, and nothing streams", async ({ server }) => {
  const tech = await loginAs(server.url, "tech1@caseroom.local");
  const res = await postSse(tech, "/api/ai/complete", { task: "suggest_next_step", input: "Printer is broken" });
  assert.is(res.status, 503);
  assert.equal(res.body.error, { code: "unavailable", message: "No AI provider is configured for this organisation", details: { reason: "no_provider" } });
  assert.equal(res.events, []);
});

none.run();
