// [A1]–[A6] Organisation settings and accounting, on PGlite and on PostgreSQL: provider keys override
// the deployment's, routing, prices, token and cost accounting, the usage report, and the budget.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ApiClient, loginAs, type TestServer } from "../helpers/server.ts";
import { postSse } from "../helpers/sse.ts";
import { closeFakes, envKey, lastUsageId, startFakes, startLlmServer, usageAfter, type Fakes } from "../helpers/llm.ts";

interface Ctx {
  fakes: Fakes;
  server: TestServer;
  tech: ApiClient;
  admin: ApiClient;
  ask(task?: string): ReturnType<typeof postSse>;
}

for (const database of ["pglite", "postgres"] as const) {
  const test = suite<Ctx>(`LLM settings and accounting (${database})`);

  test.before(async (ctx) => {
    ctx.fakes = await startFakes();
    // The deployment has keys for OpenAI and Gemini only.
    ctx.server = await startLlmServer(ctx.fakes, { database, only: ["openai", "gemini"] });
    ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
    ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
    ctx.ask = (task = "summarize_call") => postSse(ctx.tech, "/api/ai/complete", { task, input: "Customer called about the printer." });
  });
  test.after(async (ctx) => {
    await ctx.server?.close();
    await closeFakes(ctx.fakes);
  });

  test("[A1] the list shows each provider's source; deployment keys are used by default, in the standard order", async (ctx) => {
    const res = await ctx.admin.get("/api/admin/ai/providers");
    assert.is(res.status, 200);
    const sources = Object.fromEntries(res.body.providers.map((p: { provider: string; source: string }) => [p.provider, p.source]));
    assert.equal(sources, { anthropic: "none", gemini: "environment", openai: "environment", deepseek: "none", perplexity: "none" });
    assert.is(res.body.canStoreKeys, true);
    const routing = await ctx.admin.get("/api/admin/ai/routing");
    const summarize = routing.body.routes.find((r: { task: string }) => r.task === "summarize_call");
    assert.equal(summarize, { task: "summarize_call", custom: false, chain: [{ provider: "openai", model: "gpt-4.1-mini" }, { provider: "gemini", model: "gemini-2.5-flash" }] });
    ctx.fakes.openai.enqueue({ kind: "stream", chunks: ["Summary."] });
    const answer = await ctx.ask();
    assert.is(answer.events.at(-1)!.data.provider, "openai");
    assert.is(ctx.fakes.openai.requests.at(-1)!.apiKey, envKey("openai"));
  });

  test("[A1] an organisation's own key overrides the deployment's, and removing it restores the default", async (ctx) => {
    const key = "org-openai-key-abcdefghijkl";
    assert.is((await ctx.admin.post("/api/admin/ai/providers", { provider: "openai", apiKey: key })).status, 201);
    assert.is((await ctx.admin.post("/api/admin/ai/providers", { provider: "openai", apiKey: key })).status, 409, "one setting per provider");
    await ctx.ask();
    assert.is(ctx.fakes.openai.requests.at(-1)!.apiKey, key);
    assert.is((await ctx.admin.delete("/api/admin/ai/providers/openai")).status, 204);
    assert.is((await ctx.admin.delete("/api/admin/ai/providers/openai")).status, 404);
    await ctx.ask();
    assert.is(ctx.fakes.openai.requests.at(-1)!.apiKey, envKey("openai"));
  });

  test("[A1] a provider the deployment lacks can be added with its own address, tested, and routed to", async (ctx) => {
    const added = await ctx.admin.post("/api/admin/ai/providers", { provider: "anthropic", apiKey: "org-claude-key-0123456789", baseUrl: `${ctx.fakes.anthropic.baseUrl}/` });
    assert.is(added.status, 201);
    assert.equal({ source: added.body.provider.source, baseUrl: added.body.provider.baseUrl }, { source: "organization", baseUrl: ctx.fakes.anthropic.baseUrl });
    const ok = await ctx.admin.post("/api/admin/ai/providers/anthropic/test", { model: "claude-haiku-4-5" });
    assert.equal(ok.body, { ok: true, provider: "anthropic", model: "claude-haiku-4-5", outcome: "ok", latencyMs: ok.body.latencyMs });
    ctx.fakes.anthropic.enqueue({ kind: "status", status: 500 });
    const bad = await ctx.admin.post("/api/admin/ai/providers/anthropic/test");
    assert.equal([bad.status, bad.body.ok, bad.body.outcome], [200, false, "server_error"]);
    assert.is((await ctx.admin.post("/api/admin/ai/providers/deepseek/test")).status, 404, "nothing to test without a key");
    const routed = await ctx.admin.request("PUT", "/api/admin/ai/routing/summarize_call", { chain: [{ provider: "anthropic", model: "claude-haiku-4-5" }, { provider: "openai", model: "gpt-4.1" }] });
    assert.equal(routed.body.route, { task: "summarize_call", custom: true, chain: [{ provider: "anthropic", model: "claude-haiku-4-5" }, { provider: "openai", model: "gpt-4.1" }] });
    await ctx.ask();
    assert.is(ctx.fakes.anthropic.requests.at(-1)!.model, "claude-haiku-4-5");
    const reset = await ctx.admin.request("PUT", "/api/admin/ai/routing/summarize_call", { chain: null });
    assert.is(reset.body.route.custom, false);
    assert.equal(reset.body.route.chain.map((t: { provider: string }) => t.provider), ["anthropic", "openai", "gemini"]);
    const dup = await ctx.admin.request("PUT", "/api/admin/ai/routing/summarize_call", { chain: [{ provider: "openai", model: "a" }, { provider: "openai", model: "a" }] });
    assert.is(dup.status, 400);
  });

  test("[A2] tokens and cost are recorded per attempt from the provider's usage and the price table", async (ctx) => {
    await ctx.admin.request("PUT", "/api/admin/ai/routing/translate", { chain: [{ provider: "gemini", model: "gemini-2.5-flash" }, { provider: "openai", model: "gpt-4.1-mini" }] });
    const mark = await lastUsageId(ctx.server.db);
    ctx.fakes.gemini.enqueue({ kind: "status", status: 500 });
    ctx.fakes.openai.enqueue({ kind: "stream", chunks: ["Bonjour"], usage: { inputTokens: 1000, outputTokens: 500 } });
    const [ticket] = await ctx.server.db.query<{ id: string }>("select t.id from tickets t join orgs o on o.id = t.org_id where o.slug = 'demo' limit 1");
    const res = await postSse(ctx.tech, "/api/ai/complete", { task: "translate", input: "Hello", language: "fr", ticketId: ticket!.id });
    // gpt-4.1-mini: $0.40 in, $1.60 out per million tokens: 1000 × 0.4 + 500 × 1.6 = 1200 millionths of a dollar.
    assert.equal(res.events.at(-1)!.data.usage, { inputTokens: 1000, outputTokens: 500, costMicroUsd: 1200 });
    const rows = await usageAfter(ctx.server.db, mark);
    assert.equal(
      rows.map((r) => [r.provider, r.model, r.outcome, r.input_tokens, r.output_tokens, r.cost_micro_usd, r.priced, r.ticket_id]),
      [["gemini", "gemini-2.5-flash", "server_error", 0, 0, 0, true, ticket!.id], ["openai", "gpt-4.1-mini", "ok", 1000, 500, 1200, true, ticket!.id]],
    );
    assert.ok(rows[1]!.first_token_ms !== null && rows[1]!.total_ms >= rows[1]!.first_token_ms!, "latencies recorded");
  });

  test("[A2] admins edit the price table; the new price is used; a model without a price is flagged", async (ctx) => {
    const put = await ctx.admin.request("PUT", "/api/admin/ai/prices", { prices: [{ provider: "openai", model: "gpt-4.1-mini", inputMicroUsdPerMTok: 2_000_000, outputMicroUsdPerMTok: 0 }] });
    assert.is(put.status, 200);
    assert.ok(put.body.prices.some((p: any) => p.model === "gpt-4.1-mini" && p.source === "organization" && p.inputMicroUsdPerMTok === 2_000_000));
    await ctx.admin.request("PUT", "/api/admin/ai/routing/translate", { chain: [{ provider: "openai", model: "gpt-4.1-mini" }] });
    ctx.fakes.openai.enqueue({ kind: "stream", chunks: ["Hola"], usage: { inputTokens: 1500, outputTokens: 10 } });
    const res = await postSse(ctx.tech, "/api/ai/complete", { task: "translate", input: "Hello", language: "es" });
    assert.is(res.events.at(-1)!.data.usage.costMicroUsd, 3000);
    await ctx.admin.request("PUT", "/api/admin/ai/routing/translate", { chain: [{ provider: "openai", model: "brand-new-model" }] });
    const mark = await lastUsageId(ctx.server.db);
    await postSse(ctx.tech, "/api/ai/complete", { task: "translate", input: "Hello", language: "es" });
    const [row] = await usageAfter(ctx.server.db, mark);
    assert.equal([row!.priced, row!.cost_micro_usd], [false, 0]);
  });

  test("[A3] GET /api/ai/usage groups by provider, task, user and day in the organisation's time zone", async (ctx) => {
    const byProvider = await ctx.admin.get("/api/ai/usage?groupBy=provider");
    assert.is(byProvider.status, 200, JSON.stringify(byProvider.body));
    assert.is(byProvider.body.timeZone, "Europe/London");
    const openai = byProvider.body.rows.find((r: { key: string }) => r.key === "openai");
    assert.ok(openai.attempts >= 5 && openai.succeeded >= 5 && openai.costMicroUsd >= 4200, JSON.stringify(openai));
    const gemini = byProvider.body.rows.find((r: { key: string }) => r.key === "gemini");
    assert.is(gemini.failed, 1);
    assert.is(byProvider.body.rows.find((r: any) => r.key === "openai" && r.unpriced === 1)?.key, "openai");
    const sum = (field: string) => byProvider.body.rows.reduce((n: number, r: any) => n + r[field], 0);
    for (const field of ["attempts", "inputTokens", "outputTokens", "costMicroUsd"]) assert.is(byProvider.body.totals[field], sum(field), field);
    const byTask = await ctx.admin.get("/api/ai/usage?groupBy=task");
    assert.equal(byTask.body.rows.map((r: { key: string }) => r.key).sort(), ["connection_test", "summarize_call", "translate"]);
    const byUser = await ctx.admin.get("/api/ai/usage?groupBy=user");
    assert.equal(byUser.body.rows.map((r: { label: string }) => r.label).sort(), ["Alex Admin", "Taylor Tech"]);
    const byDay = await ctx.admin.get("/api/ai/usage?groupBy=day");
    assert.equal(byDay.body.rows.map((r: { key: string }) => r.key), [byDay.body.to]);
    const past = await ctx.admin.get("/api/ai/usage?from=2020-01-01&to=2020-01-31");
    assert.equal([past.body.rows, past.body.totals.attempts], [[], 0]);
    assert.is((await ctx.admin.get("/api/ai/usage?from=2020-01-01&to=2024-01-01")).status, 400, "more than a year");
    assert.is((await ctx.admin.get("/api/ai/usage?groupBy=model")).status, 400);
    assert.is((await ctx.tech.get("/api/ai/usage")).status, 403);
  });

  test("[A4] over the monthly budget: a clear 429 with a retry-after, and one ai.budget_exceeded event", async (ctx) => {
    const budget = 4000;
    const set = await ctx.admin.patch("/api/admin/ai/settings", { monthlyBudgetMicroUsd: budget });
    assert.is(set.body.settings.monthlyBudgetMicroUsd, budget);
    const report = await ctx.admin.get("/api/ai/usage");
    assert.ok(report.body.budget.spentMicroUsd >= budget, JSON.stringify(report.body.budget));
    const before = ctx.fakes.openai.requests.length + ctx.fakes.gemini.requests.length + ctx.fakes.anthropic.requests.length;
    for (let i = 0; i < 2; i++) {
      const refused = await ctx.ask();
      assert.is(refused.status, 429);
      assert.is(refused.body.error.code, "rate_limited");
      assert.is(refused.body.error.details.reason, "budget_exceeded");
      assert.is(refused.body.error.details.budgetMicroUsd, budget);
      assert.ok(Number(refused.headers.get("retry-after")) > 0, "says when the budget resets");
    }
    assert.is(ctx.fakes.openai.requests.length + ctx.fakes.gemini.requests.length + ctx.fakes.anthropic.requests.length, before, "no provider was asked");
    const events = await ctx.admin.get("/api/events?limit=1000");
    const exceeded = events.body.events.filter((e: { type: string }) => e.type === "ai.budget_exceeded");
    assert.is(exceeded.length, 1, "written once a month, not once a refusal");
    assert.is(exceeded[0].data.budgetMicroUsd, budget);
    await ctx.admin.patch("/api/admin/ai/settings", { monthlyBudgetMicroUsd: null });
    assert.is((await ctx.ask()).status, 200, "lifting the budget lifts the refusal at once");
  });

  test("[A5] admin endpoints are admin-only and validate their input", async (ctx) => {
    assert.is((await ctx.tech.get("/api/admin/ai/providers")).status, 403);
    assert.is((await ctx.admin.post("/api/admin/ai/providers", { provider: "mistral", apiKey: "x".repeat(20) })).status, 400);
    assert.is((await ctx.admin.post("/api/admin/ai/providers", { provider: "deepseek", apiKey: "short" })).status, 400);
    assert.is((await ctx.admin.post("/api/admin/ai/providers", { provider: "deepseek", apiKey: "k".repeat(20), baseUrl: "http://user:pw@example.com" })).status, 400);
    assert.is((await ctx.admin.patch("/api/admin/ai/providers/deepseek", { apiKey: "k".repeat(20) })).status, 404);
    assert.is((await ctx.admin.patch("/api/admin/ai/settings", { monthlyBudgetMicroUsd: -1 })).status, 400);
  });

  test.run();
}
