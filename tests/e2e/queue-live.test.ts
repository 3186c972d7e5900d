// Two technicians in two browsers: one changes a ticket's status, the other's queue shows it without a reload.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newUserPage, screenshot } from "../helpers/browser.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  browser: Browser;
  one: { context: BrowserContext; page: Page };
  two: { context: BrowserContext; page: Page };
}
const test = suite<Ctx>("live queue in the browser");

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.browser = await launchBrowser();
  ctx.one = await newUserPage(ctx.browser, ctx.server.url, "tech1@caseroom.local");
  ctx.two = await newUserPage(ctx.browser, ctx.server.url, "tech2@caseroom.local");
});
test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

test("both technicians see each other online", async ({ one, two }) => {
  for (const { page } of [one, two]) {
    const online = page.getByTestId("online-users");
    await online.getByText(/Taylor/).first().waitFor({ state: "attached" });
    await online.getByText(/Jordan/).first().waitFor({ state: "attached" });
  }
});

test("a status change by tech1 reaches tech2's queue without a reload", async ({ one, two }) => {
  const row = one.page.getByTestId("ticket-row").filter({ hasText: "Wi-Fi slow in meeting room B" });
  const ticketId = await row.getAttribute("data-ticket-id");
  assert.ok(ticketId);
  const otherRowStatus = two.page.locator(`[data-testid="ticket-row"][data-ticket-id="${ticketId}"] [data-testid="ticket-row-status"]`);
  assert.match((await otherRowStatus.textContent()) ?? "", /new/i);
  let reloaded = false;
  two.page.on("load", () => (reloaded = true));

  await row.getByRole("link").first().click();
  await one.page.getByTestId("ticket-status").waitFor();
  await screenshot(one.page, "ticket-page-en");
  await one.page.getByTestId("ticket-status").selectOption("pending");
  await one.page.getByTestId("ticket-priority").selectOption("high");

  await otherRowStatus.filter({ hasText: /pending/i }).waitFor({ timeout: 5000 });
  assert.is(reloaded, false, "tech2's page was not reloaded");
  await screenshot(two.page, "queue-en-after-change");
});

test("tech2 opening the same ticket sees tech1 viewing it and the assignee change", async ({ one, two }) => {
  const url = one.page.url();
  await two.page.goto(url);
  await two.page.getByTestId("ticket-status").waitFor();
  assert.is(await two.page.getByTestId("ticket-status").inputValue(), "pending");
  await one.page.getByTestId("ticket-assignee").selectOption({ label: "Jordan Tech" });
  await two.page.waitForFunction(() => {
    const select = document.querySelector<HTMLSelectElement>('[data-testid="ticket-assignee"]');
    return select?.selectedOptions[0]?.textContent?.includes("Jordan");
  }, undefined, { timeout: 5000 });
  await screenshot(two.page, "ticket-page-two-viewers");
});

test.run();
