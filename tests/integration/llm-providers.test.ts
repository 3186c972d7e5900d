// [L1]–[L4] The provider contract, one suite run against every adapter: the official SDK talks to a
// local fake that speaks that provider's real streaming protocol.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { AiProvider } from "@caseroom/shared";
import { AttemptError, newStats, runAttempt } from "../../server/src/llm/attempt.ts";
import { createProviderClient } from "../../server/src/llm/providers/index.ts";
import { startFakeProvider, type FakeDialect, type FakeProvider } from "../../server/src/llm/testing/fakeProvider.ts";
import type { ProviderChunk, ProviderClient } from "../../server/src/llm/types.ts";
import { waitFor } from "../helpers/server.ts";

const dialects: Record<AiProvider, FakeDialect> = { anthropic: "anthropic", gemini: "gemini", openai: "openai", deepseek: "openai", perplexity: "openai" };
const KEY = "test-key-0123456789abcdef";
const request = { model: "model-x", system: "system text", messages: [{ role: "user" as const, content: "user text" }], maxOutputTokens: 50, json: false };
// Generous: other test files share the machine. Only the hang test relies on a timeout firing.
const timeouts = { firstTokenMs: 10_000, totalMs: 20_000 };

async function collect(client: ProviderClient, signal = new AbortController().signal) {
  const chunks: ProviderChunk[] = [];
  for await (const chunk of client.stream(request, signal)) chunks.push(chunk);
  return chunks;
}

async function failureOf(client: ProviderClient, signal = new AbortController().signal) {
  const stats = newStats();
  try {
    for await (const _ of runAttempt(client, request, signal, timeouts, stats));
  } catch (err) {
    if (err instanceof AttemptError) return { failure: err.failure, stats };
    throw err;
  }
  throw new Error("expected the attempt to fail");
}

for (const provider of Object.keys(dialects) as AiProvider[]) {
  interface Ctx {
    fake: FakeProvider;
    client: ProviderClient;
  }
  const test = suite<Ctx>(`provider contract: ${provider}`);
  test.before(async (ctx) => {
    ctx.fake = await startFakeProvider(dialects[provider]);
    ctx.client = createProviderClient({ provider, apiKey: KEY, baseUrl: ctx.fake.baseUrl, source: "organization" });
  });
  test.after(async (ctx) => ctx.fake?.close());

  test("[L1] deltas arrive in order and assemble to the answer; usage is reported", async ({ fake, client }) => {
    fake.enqueue({ kind: "stream", chunks: ["Re", "start ", "the ", "spooler", "."], chunkDelayMs: 2, usage: { inputTokens: 321, outputTokens: 5 } });
    const chunks = await collect(client);
    const texts = chunks.flatMap((c) => (c.type === "text" ? [c.text] : []));
    assert.equal(texts, ["Re", "start ", "the ", "spooler", "."]);
    const usage = chunks.filter((c) => c.type === "usage").at(-1);
    assert.equal(usage, { type: "usage", inputTokens: 321, outputTokens: 5 });
  });

  test("the SDK sent our key, model, system prompt and message", ({ fake }) => {
    const received = fake.requests.at(-1)!;
    assert.is(received.apiKey, KEY);
    assert.is(received.model, "model-x");
    assert.match(received.raw, "system text");
    assert.match(received.raw, "user text");
  });

  test("[L2] 429 is rate_limited with its retry-after; 500 is server_error; 401 is auth; 404 is not_found", async ({ fake, client }) => {
    fake.enqueue({ kind: "status", status: 429, retryAfter: "1" });
    const limited = await failureOf(client);
    assert.is(limited.failure.outcome, "rate_limited");
    assert.is(limited.failure.retryAfterMs, provider === "gemini" ? undefined : 1000);
    for (const [status, outcome] of [[500, "server_error"], [503, "server_error"], [401, "auth"], [404, "not_found"], [400, "bad_request"]] as const) {
      fake.enqueue({ kind: "status", status });
      assert.is((await failureOf(client)).failure.outcome, outcome, `status ${status}`);
    }
  });

  test("[L2] a stream cut off half-way is a network failure, after the text that did arrive", async ({ fake, client }) => {
    fake.enqueue({ kind: "break", chunks: ["Half ", "an answer"] });
    const { failure, stats } = await failureOf(client);
    assert.is(failure.outcome, "network");
    assert.is(stats.text, "Half an answer");
  });

  test("[L2] nothing before the first-token timeout is a timeout, and the connection is closed", async ({ fake, client }) => {
    for (const headers of [true, false]) {
      fake.enqueue({ kind: "hang", headers });
      const before = fake.requests.length;
      const stats = newStats();
      const started = Date.now();
      let outcome: string | undefined;
      try {
        for await (const _ of runAttempt(client, request, new AbortController().signal, { firstTokenMs: 300, totalMs: 20_000 }, stats));
      } catch (err) {
        outcome = (err as AttemptError).failure.outcome;
      }
      assert.is(outcome, "timeout");
      assert.ok(Date.now() - started < 10_000, "gave up at the first-token timeout, not the total one");
      const received = fake.requests[before]!;
      await waitFor(() => received.closedEarly, { what: "the fake to see the connection closed" });
    }
  });

  test("[L3] aborting mid-answer stops the upstream request: the fake sees the connection closed", async ({ fake, client }) => {
    fake.enqueue({ kind: "stream", chunks: ["first"], holdOpen: true });
    const controller = new AbortController();
    const stats = newStats();
    let outcome: string | undefined;
    try {
      for await (const _text of runAttempt(client, request, controller.signal, timeouts, stats)) controller.abort();
    } catch (err) {
      outcome = (err as AttemptError).failure.outcome;
    }
    assert.is(outcome, "cancelled");
    const received = fake.requests.at(-1)!;
    await waitFor(() => received.closedEarly, { what: "the fake to see the connection closed" });
    await waitFor(() => fake.openCount() === 0, { what: "no response left open" });
  });

  test("[L3] leaving the iteration early closes the connection too", async ({ fake, client }) => {
    fake.enqueue({ kind: "stream", chunks: ["one", "two"], holdOpen: true });
    for await (const _text of runAttempt(client, request, new AbortController().signal, timeouts, newStats())) break;
    const received = fake.requests.at(-1)!;
    await waitFor(() => received.closedEarly, { what: "the fake to see the connection closed" });
  });

  test("[L1] a finished attempt leaves its connection open for the next one (keep-alive)", async ({ fake, client }) => {
    const before = { connections: fake.connectionCount(), requests: fake.requests.length };
    for (let i = 0; i < 5; i++) for await (const _ of runAttempt(client, request, new AbortController().signal, timeouts, newStats()));
    assert.is(fake.requests.length - before.requests, 5);
    assert.ok(fake.connectionCount() - before.connections <= 1, `${fake.connectionCount() - before.connections} new connections for 5 calls`);
  });

  if (provider === "perplexity") {
    test("[L4] Perplexity's citations are kept", async ({ fake, client }) => {
      const citations = ["https://example.com/a", "https://example.com/b"];
      fake.enqueue({ kind: "stream", chunks: ["Per [1]", " and [2]."], citations });
      const chunks = await collect(client);
      assert.equal(chunks.filter((c) => c.type === "citations").at(-1), { type: "citations", urls: citations });
    });
  }

  test.run();
}
