// The wallboard and the cabinet in Chromium: an event posted through the API moves a wallboard tile
// within a second; every figure opens its explanation; the technician sets their state in the top bar.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newUserPage, screenshot } from "../helpers/browser.ts";
import { ApiClient, loginAs, startServer, type TestServer } from "../helpers/server.ts";
import { handBuiltLog } from "../fixtures/metricsLog.ts";

interface Ctx {
  server: TestServer;
  browser: Browser;
  key: string;
  supervisor: { context: BrowserContext; page: Page };
}
const test = suite<Ctx>("[M19] wallboard and cabinet in the browser");

const post = (ctx: Ctx, events: unknown[]) =>
  new ApiClient(ctx.server.url).request("POST", "/api/events", { events }, { headers: { authorization: `Bearer ${ctx.key}` } });

test.before(async (ctx) => {
  ctx.server = await startServer();
  const admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  ctx.key = (await admin.post("/api/admin/api-keys", { name: "E2E", scopes: ["events:write"] })).body.key;
  const id = async (email: string) => (await ctx.server.db.query<{ id: string }>("select id from users where email = $1", [email]))[0]!.id;
  // Activity of the last hour, so the tiles have something to show.
  const t0 = Math.floor((Date.now() - 66 * 60_000) / 60_000) * 60_000;
  const res = await post(ctx, handBuiltLog(await id("tech1@caseroom.local"), await id("tech2@caseroom.local"), t0).events);
  assert.is(res.status, 200, JSON.stringify(res.body));
  ctx.browser = await launchBrowser();
  ctx.supervisor = await newUserPage(ctx.browser, ctx.server.url, "supervisor@caseroom.local");
});
test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

test("[M19] an event posted through the API changes the wallboard's backlog tile within a second", async (ctx) => {
  const { page } = ctx.supervisor;
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("/wallboard");
  const tile = page.getByTestId("kpi-backlog");
  await tile.waitFor();
  const before = Number(await tile.getAttribute("data-value"));
  const sent = Date.now();
  const res = await post(ctx, [{ id: randomUUID(), type: "ticket.created", at: new Date().toISOString(), ticketId: randomUUID(), data: { title: "Router in room 4 is down", priority: "urgent" } }]);
  assert.is(res.status, 200);
  await page.waitForFunction((want) => document.querySelector('[data-testid="kpi-backlog"]')?.getAttribute("data-value") === String(want), before + 1, { timeout: 1000 });
  const ms = Date.now() - sent;
  assert.ok(ms < 1000, `${ms} ms`);
  await page.getByText("Router in room 4 is down").waitFor();
  await screenshot(page, "wallboard-en");
});

test("[M13] a wallboard tile opens its explanation with the events behind it", async (ctx) => {
  const { page } = ctx.supervisor;
  // The backlog has inputs at any hour (the hand-built log may fall on yesterday just after midnight).
  await page.getByTestId("kpi-backlog").click();
  const panel = page.getByTestId("explain-panel");
  await panel.getByTestId("explain-inputs").waitFor();
  assert.ok((await panel.locator("tbody tr").count()) >= 1);
  await screenshot(page, "wallboard-explain-en");
  await panel.getByRole("button", { name: "Close" }).click();
  await panel.waitFor({ state: "detached" });
});

test("[M21] a technician sets their state in the top bar and reads their cabinet", async (ctx) => {
  const { page } = await newUserPage(ctx.browser, ctx.server.url, "tech1@caseroom.local");
  const select = page.getByTestId("agent-status");
  await select.waitFor();
  await select.selectOption("busy");
  await page.getByTestId("nav-cabinet").click();
  await page.getByTestId("cabinet").waitFor();
  await page.getByTestId("timeline").getByText(/Status: Busy/).first().waitFor();
  await page.getByTestId("trend-30").waitFor();
  await screenshot(page, "cabinet-en");
  await page.getByTestId("kpi-score").click();
  await page.getByTestId("explain-panel").getByRole("columnheader", { name: "Weight" }).waitFor();
  await screenshot(page, "cabinet-explain-en");
  assert.is(await page.getByTestId("nav-wallboard").count(), 0, "technicians have no wallboard link");
});

test("[I18N-1] the wallboard and the cabinet in Russian", async (ctx) => {
  const { page } = ctx.supervisor;
  assert.is((await page.request.patch("/api/me", { data: { locale: "ru" } })).status(), 200);
  await page.goto("/wallboard");
  await page.getByText("Первый ответ").waitFor();
  await page.getByTestId("kpi-backlog").waitFor();
  await screenshot(page, "wallboard-ru");
  await page.goto("/me");
  await page.getByTestId("cabinet").waitFor();
  await page.getByText("Мои показатели").first().waitFor();
  await screenshot(page, "cabinet-ru");
});

test.run();
