// [A2] [A7] The price table admins edit (per model: input and output per million tokens, and a fee per
// request), Perplexity's search fee in the cost of each answered request, on PGlite and PostgreSQL.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ApiClient, loginAs, type TestServer } from "../helpers/server.ts";
import { postSse } from "../helpers/sse.ts";
import { closeFakes, lastUsageId, startFakes, startLlmServer, usageAfter, type Fakes } from "../helpers/llm.ts";

interface Ctx {
  fakes: Fakes;
  server: TestServer;
  tech: ApiClient;
  admin: ApiClient;
}

interface Price {
  provider: string;
  model: string;
  inputMicroUsdPerMTok: number;
  outputMicroUsdPerMTok: number;
  requestMicroUsd: number;
  source: string;
  builtIn: { inputMicroUsdPerMTok: number; outputMicroUsdPerMTok: number; requestMicroUsd: number } | null;
}

const find = (prices: Price[], provider: string, model: string) => prices.find((p) => p.provider === provider && p.model === model);

for (const database of ["pglite", "postgres"] as const) {
  const test = suite<Ctx>(`LLM price table (${database})`);

  test.before(async (ctx) => {
    ctx.fakes = await startFakes();
    ctx.server = await startLlmServer(ctx.fakes, { database, only: ["openai", "perplexity"] });
    ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
    ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
    await ctx.admin.request("PUT", "/api/admin/ai/routing/translate", { chain: [{ provider: "perplexity", model: "sonar" }] });
  });
  test.after(async (ctx) => {
    await ctx.server?.close();
    await closeFakes(ctx.fakes);
  });

  const translate = (ctx: Ctx) => postSse(ctx.tech, "/api/ai/complete", { task: "translate", input: "Hello", language: "de" });

  test("[A7] the built-in list has Perplexity's request fee, and each row says what its built-in price is", async (ctx) => {
    const res = await ctx.admin.get("/api/admin/ai/prices");
    assert.is(res.status, 200);
    const sonar = find(res.body.prices, "perplexity", "sonar")!;
    assert.equal(sonar, {
      provider: "perplexity",
      model: "sonar",
      inputMicroUsdPerMTok: 1_000_000,
      outputMicroUsdPerMTok: 1_000_000,
      requestMicroUsd: 5000,
      source: "default",
      builtIn: { inputMicroUsdPerMTok: 1_000_000, outputMicroUsdPerMTok: 1_000_000, requestMicroUsd: 5000 },
    });
    assert.is(find(res.body.prices, "openai", "gpt-4.1-mini")!.requestMicroUsd, 0);
  });

  test("[A7] an answered Perplexity request costs its tokens plus the search fee; a refused one costs nothing", async (ctx) => {
    const mark = await lastUsageId(ctx.server.db);
    ctx.fakes.perplexity.enqueue({ kind: "stream", chunks: ["Hallo"], usage: { inputTokens: 1000, outputTokens: 500 }, citations: ["https://example.com/a"] });
    const ok = await translate(ctx);
    // sonar: $1 in and $1 out per million tokens, $5 per 1,000 requests: 1000 + 500 + 5000 millionths.
    assert.equal(ok.events.at(-1)!.data.usage, { inputTokens: 1000, outputTokens: 500, costMicroUsd: 6500 });
    ctx.fakes.perplexity.enqueue({ kind: "status", status: 500 });
    const failed = await translate(ctx);
    assert.is(failed.events.at(-1)!.event, "error");
    const rows = await usageAfter(ctx.server.db, mark);
    assert.equal(
      rows.map((r) => [r.outcome, r.cost_micro_usd]),
      [["ok", 6500], ["server_error", 0]],
    );
  });

  test("[A2] admins override token prices and the fee; bad lists are refused whole and change nothing", async (ctx) => {
    const before = (await ctx.admin.get("/api/admin/ai/prices")).body.prices;
    const bad = [
      [{ provider: "perplexity", model: "sonar", inputMicroUsdPerMTok: -1, outputMicroUsdPerMTok: 0 }],
      [{ provider: "perplexity", model: "sonar", inputMicroUsdPerMTok: 0, outputMicroUsdPerMTok: 0, requestMicroUsd: 10_000_001 }],
      [{ provider: "perplexity", model: "sonar", inputMicroUsdPerMTok: 1.5, outputMicroUsdPerMTok: 0 }],
      [{ provider: "mistral", model: "large", inputMicroUsdPerMTok: 0, outputMicroUsdPerMTok: 0 }],
      [{ provider: "openai", model: "has space", inputMicroUsdPerMTok: 0, outputMicroUsdPerMTok: 0 }],
      [
        { provider: "openai", model: "gpt-x", inputMicroUsdPerMTok: 1, outputMicroUsdPerMTok: 1 },
        { provider: "openai", model: "gpt-x", inputMicroUsdPerMTok: 2, outputMicroUsdPerMTok: 2 },
      ],
    ];
    for (const prices of bad) {
      const res = await ctx.admin.request("PUT", "/api/admin/ai/prices", { prices });
      assert.is(res.status, 400, JSON.stringify(prices));
      assert.is(res.body.error.code, "validation_failed");
    }
    assert.is((await ctx.admin.request("PUT", "/api/admin/ai/prices", { prices: [], extra: 1 })).status, 400);
    assert.equal((await ctx.admin.get("/api/admin/ai/prices")).body.prices, before, "nothing changed");

    const put = await ctx.admin.request("PUT", "/api/admin/ai/prices", {
      prices: [
        { provider: "perplexity", model: "sonar", inputMicroUsdPerMTok: 2_000_000, outputMicroUsdPerMTok: 2_000_000, requestMicroUsd: 12_000 },
        // No fee given: none.
        { provider: "openai", model: "in-house-model", inputMicroUsdPerMTok: 500_000, outputMicroUsdPerMTok: 700_000 },
      ],
    });
    assert.is(put.status, 200, JSON.stringify(put.body));
    const sonar = find(put.body.prices, "perplexity", "sonar")!;
    assert.equal([sonar.source, sonar.requestMicroUsd, sonar.builtIn?.requestMicroUsd], ["organization", 12_000, 5000]);
    assert.equal(find(put.body.prices, "openai", "in-house-model"), {
      provider: "openai",
      model: "in-house-model",
      inputMicroUsdPerMTok: 500_000,
      outputMicroUsdPerMTok: 700_000,
      requestMicroUsd: 0,
      source: "organization",
      builtIn: null,
    });

    ctx.fakes.perplexity.enqueue({ kind: "stream", chunks: ["Hallo"], usage: { inputTokens: 1000, outputTokens: 500 } });
    assert.is((await translate(ctx)).events.at(-1)!.data.usage.costMicroUsd, 2000 + 1000 + 12_000, "the new prices apply at once");

    // Another organisation's table is its own.
    const ruAdmin = await loginAs(ctx.server.url, "admin@ru.caseroom.local");
    assert.is(find((await ruAdmin.get("/api/admin/ai/prices")).body.prices, "perplexity", "sonar")!.requestMicroUsd, 5000);

    // Leaving a model out of the list returns it to its built-in price; a model without one disappears.
    const reset = await ctx.admin.request("PUT", "/api/admin/ai/prices", { prices: [] });
    assert.equal(find(reset.body.prices, "perplexity", "sonar")!.source, "default");
    assert.is(find(reset.body.prices, "openai", "in-house-model"), undefined);
    assert.equal(reset.body.prices, before);
  });

  test.run();
}
