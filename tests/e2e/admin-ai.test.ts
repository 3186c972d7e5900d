// [A6] The AI admin page in a real browser: only admins get the link; an admin adds a key (it is
// never shown again), tests the connection against a fake provider, reads usage and cost, and edits
// the price table.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Browser } from "playwright-core";
import { startFakeProvider, type FakeProvider } from "../../server/src/llm/testing/fakeProvider.ts";
import { launchBrowser, newUserPage, screenshot } from "../helpers/browser.ts";
import { loginAs, startServer, type TestServer } from "../helpers/server.ts";

const KEY = "sk-browser-test-0123456789-LAST";

const test = suite<{ server: TestServer; browser: Browser; fake: FakeProvider }>("AI admin page in the browser");

test.before(async (ctx) => {
  ctx.fake = await startFakeProvider("openai", { default: { kind: "stream", chunks: ["OK"], usage: { inputTokens: 20_000, outputTokens: 1_000 } } });
  ctx.server = await startServer();
  ctx.browser = await launchBrowser();
});
test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.close();
  await ctx.fake?.close();
});

test("a technician has no AI settings link and the page says it is for administrators", async ({ server, browser }) => {
  const { context, page } = await newUserPage(browser, server.url, "tech1@caseroom.local");
  assert.is(await page.getByTestId("nav-admin-ai").count(), 0);
  await page.goto("/admin/ai");
  await page.getByText("Only administrators can change AI settings.").waitFor();
  await context.close();
});

test("an admin adds a key, tests the connection and sees the cost in the usage table", async ({ server, browser, fake }) => {
  const { context, page } = await newUserPage(browser, server.url, "admin@caseroom.local");
  await page.getByTestId("nav-admin-ai").click();
  await page.getByRole("heading", { name: "AI providers", level: 1 }).waitFor();
  const openai = page.getByTestId("ai-provider-openai");
  assert.match(await openai.getByTestId("ai-provider-source").innerText(), /Not configured/);

  await openai.getByTestId("ai-provider-edit").click();
  await openai.getByTestId("ai-key-input").fill(KEY);
  await openai.getByLabel("Address").fill(fake.baseUrl);
  await openai.getByTestId("ai-key-save").click();
  await openai.getByText("Your key …LAST").waitFor();
  assert.not.ok((await page.content()).includes(KEY), "the key is not in the page");

  await openai.getByTestId("ai-provider-test").click();
  await openai.getByTestId("ai-provider-test-result").getByText(/Connected in/).waitFor();
  assert.is(fake.requests.at(-1)!.apiKey, KEY);

  // The connection test cost 20 000 × $0.40 + 1 000 × $1.60 per million tokens = $0.0096.
  await page.getByTestId("ai-usage-group").selectOption("task");
  const table = page.getByTestId("ai-usage-table");
  await table.getByText("Connection test").waitFor();
  assert.match(await table.innerText(), /\$0\.0096/);
  assert.match(await page.getByTestId("ai-route-summarize_call").innerText(), /OpenAI · gpt-4\.1-mini/);

  await page.getByTestId("ai-budget-input").fill("25");
  await page.getByTestId("ai-settings-save").click();
  await page.getByText("Settings saved.").waitFor();
  await page.getByTestId("ai-budget").getByText(/of \$25\.00/).waitFor();
  await screenshot(page, "admin-ai-en");
  await context.close();
});

test("[A2] an admin edits the price table: a changed price and fee are saved, a bad one is refused, a model is added and one put back", async ({ server, browser }) => {
  const { context, page } = await newUserPage(browser, server.url, "admin@caseroom.local");
  await page.goto("/admin/ai");
  const table = page.getByTestId("ai-prices");
  const sonar = table.getByTestId("ai-price-row-perplexity-sonar");
  await sonar.waitFor();
  assert.is(await sonar.getByTestId("ai-price-fee").inputValue(), "5", "Perplexity's search fee: $5 per 1,000 requests");
  assert.is(await sonar.getByTestId("ai-price-source").innerText(), "List price");

  // A price that is not a number is refused in the page, and nothing is sent.
  await sonar.getByTestId("ai-price-input").fill("a lot");
  await table.getByTestId("ai-prices-save").click();
  await page.getByText("Enter each price in dollars, such as 0.40.").waitFor();
  assert.is(await sonar.getByTestId("ai-price-input").getAttribute("aria-invalid"), "true");

  await sonar.getByTestId("ai-price-input").fill("1,5");
  await sonar.getByTestId("ai-price-fee").fill("8");
  await table.getByTestId("ai-prices-add").click();
  await table.getByTestId("ai-price-new-provider").selectOption("deepseek");
  await table.getByTestId("ai-price-new-model").fill("deepseek-v4");
  const added = table.locator("tr", { has: page.getByTestId("ai-price-new-model") });
  await added.getByTestId("ai-price-input").fill("0.3");
  await added.getByTestId("ai-price-output").fill("0.5");
  await table.getByTestId("ai-prices-save").click();
  await page.getByText("Prices saved.").waitFor();

  const admin = await loginAs(server.url, "admin@caseroom.local");
  const saved = (await admin.get("/api/admin/ai/prices")).body.prices.filter((p: { source: string }) => p.source === "organization");
  assert.equal(
    saved.map((p: any) => [p.provider, p.model, p.inputMicroUsdPerMTok, p.outputMicroUsdPerMTok, p.requestMicroUsd]),
    [["deepseek", "deepseek-v4", 300_000, 500_000, 0], ["perplexity", "sonar", 1_500_000, 1_000_000, 8000]],
  );

  // After a reload the page shows the saved prices; putting the list price back saves no override.
  await page.reload();
  const reloaded = page.getByTestId("ai-prices").getByTestId("ai-price-row-perplexity-sonar");
  assert.is(await reloaded.getByTestId("ai-price-input").inputValue(), "1.5");
  assert.is(await reloaded.getByTestId("ai-price-source").innerText(), "Your price");
  await reloaded.getByTestId("ai-price-reset").click();
  assert.is(await reloaded.getByTestId("ai-price-source").innerText(), "List price");
  await page.getByTestId("ai-prices").getByRole("button", { name: "Remove deepseek-v4" }).click();
  await page.getByTestId("ai-prices-save").click();
  await page.getByText("Prices saved.").waitFor();
  assert.equal((await admin.get("/api/admin/ai/prices")).body.prices.filter((p: { source: string }) => p.source === "organization"), []);
  await screenshot(page, "admin-ai-prices-en");
  await context.close();
});

test("the page reads naturally in Russian", async ({ server, browser }) => {
  const { context, page } = await newUserPage(browser, server.url, "admin@ru.caseroom.local", "ru-RU");
  await page.goto("/admin/ai");
  await page.getByRole("heading", { name: "Провайдеры ИИ", level: 1 }).waitFor();
  assert.match(await page.getByTestId("ai-provider-anthropic").innerText(), /Не настроен/);
  await page.getByText("Номера платёжных карт (всегда)").waitFor();
  await page.getByRole("heading", { name: "Цены", level: 2 }).waitFor();
  await screenshot(page, "admin-ai-ru");
  await context.close();
});

test.run();
