// The invite flow in the browser: a technician makes a link on the ticket page, a customer on a
// phone-sized screen opens it, gives a name and lands on the guest page; withdrawing the link ends
// the customer's page at once.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newUserPage, screenshot } from "../helpers/browser.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  browser: Browser;
  tech: { context: BrowserContext; page: Page };
  ticketId: string;
}
const test = suite<Ctx>("customer invite in the browser");

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.browser = await launchBrowser();
  ctx.tech = await newUserPage(ctx.browser, ctx.server.url, "tech1@caseroom.local");
  ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
});
test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

test("invite, join by name on a phone, then withdraw: the guest page ends", async ({ browser, server, tech, ticketId }) => {
  await tech.page.goto(`/tickets/${ticketId}`);
  await tech.page.getByTestId("invite-create").click();
  const link = await tech.page.getByTestId("invite-link").inputValue();
  assert.match(link, /\/join\/v1\./);
  const path = new URL(link).pathname;

  const customer = await browser.newContext({ baseURL: server.url, locale: "ru-RU", viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true });
  const page = await customer.newPage();
  await page.goto(path);
  await page.getByTestId("join-submit").click();
  await page.getByText("Введите ваше имя.").waitFor();
  await page.getByTestId("join-name").fill("Анна");
  await page.getByTestId("join-submit").click();
  await page.getByTestId("guest-page").getByRole("heading", { name: /Обращение №\d+/ }).waitFor();
  assert.is(new URL(page.url()).pathname, "/guest", "the token left the address bar");
  await page.getByText("Здравствуйте, Анна").waitFor();
  await page.getByTestId("guest-call-slot").waitFor({ state: "attached" });
  await screenshot(page, "guest-page-ru-mobile");

  await tech.page.getByTestId("invite-revoke").click();
  await page.getByTestId("guest-ended").waitFor();
  await page.reload();
  await page.getByTestId("guest-ended").waitFor();

  // The withdrawn link itself is refused with its reason.
  await page.goto(path);
  await page.getByTestId("join-name").fill("Анна");
  await page.getByTestId("join-submit").click();
  await page.getByTestId("join-refused").getByText("Ссылка отозвана").waitFor();
  await customer.close();
});

test.run();
