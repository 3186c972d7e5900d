// [I18N-4] Switching the language in the top bar shows the queue and the ticket page in Russian, with
// Russian dates, without a reload; the choice is saved in the profile; a Russian organisation defaults to Russian.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Browser } from "playwright-core";
import { launchBrowser, newUserPage, screenshot } from "../helpers/browser.ts";
import { loginAs, startServer, type TestServer } from "../helpers/server.ts";

const test = suite<{ server: TestServer; browser: Browser }>("language in the browser");

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.browser = await launchBrowser();
});
test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

test("switching to Russian re-renders the queue and the ticket page in Russian, dates too", async ({ server, browser }) => {
  const { context, page } = await newUserPage(browser, server.url, "tech1@caseroom.local", "en-GB");
  let reloaded = false;
  page.on("load", () => (reloaded = true));
  assert.match(await page.getByRole("heading", { level: 1 }).innerText(), /Queue/);

  await page.getByTestId("language-switch").selectOption("ru");
  await page.getByRole("heading", { name: "Очередь" }).waitFor();
  assert.is(await page.locator("html").getAttribute("lang"), "ru");
  assert.match(await page.getByTestId("queue-count").innerText(), /^6 тикетов$/);
  assert.ok(await page.getByTestId("ticket-row-status").getByText("Ожидает").first().isVisible());
  await screenshot(page, "queue-ru");

  await page.getByTestId("ticket-row").filter({ hasText: "Printer on 3rd floor" }).getByRole("link").first().click();
  const created = page.getByTestId("ticket-created-at");
  await created.waitFor();
  // Russian dates: «23 нояб. 2026 г., 21:58» — day first, Russian month, 24-hour clock.
  assert.match(await created.innerText(), /^\d{1,2} [а-я]+\.? \d{4} г\., \d{1,2}:\d{2}/);
  assert.is(await page.getByTestId("ticket-status").locator("option:checked").innerText(), "Открыт");
  assert.is(reloaded, false, "no reload");
  await screenshot(page, "ticket-ru");

  const me = await loginAs(server.url, "tech1@caseroom.local");
  assert.is((await me.get("/api/me")).body.user.locale, "ru", "the choice is saved in the profile");
  await context.close();
});

test("a Russian organisation's user sees Russian by default, even in an English browser", async ({ server, browser }) => {
  const { context, page } = await newUserPage(browser, server.url, "tech2@ru.caseroom.local", "en-US");
  await page.getByRole("heading", { name: "Очередь" }).waitFor();
  assert.ok(await page.getByText("Принтер в бухгалтерии не печатает").isVisible());
  await context.close();
});

test("the login page follows the browser's language", async ({ server, browser }) => {
  const context = await browser.newContext({ baseURL: server.url, locale: "ru-RU" });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByTestId("login-submit").waitFor();
  assert.is(await page.locator("html").getAttribute("lang"), "ru");
  assert.match(await page.getByTestId("login-submit").innerText(), /Войти/);
  await context.close();
});

test.run();
