// The chat in two browsers: the customer (a guest context from the invite link, phone-sized, with
// Chromium's fake microphone) sends a photo and a voice note; the technician sees both live and
// replies; the customer sees the reply but never the internal note written in between.
import sharp from "sharp";
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
  customer: { context: BrowserContext; page: Page };
  ticketId: string;
}
const test = suite<Ctx>("chat in the browser");

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.browser = await launchBrowser(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]);
  ctx.tech = await newUserPage(ctx.browser, ctx.server.url, "tech1@caseroom.local");
  ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
});
test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

const thread = (page: Page) => page.getByTestId("chat-thread");

test("the technician invites; the customer joins from the link on a phone", async (ctx) => {
  await ctx.tech.page.goto(`/tickets/${ctx.ticketId}`);
  await ctx.tech.page.getByTestId("invite-create").click();
  const link = await ctx.tech.page.getByTestId("invite-link").inputValue();
  const context = await ctx.browser.newContext({ baseURL: ctx.server.url, locale: "en-GB", viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true, permissions: ["microphone", "camera"] });
  const page = await context.newPage();
  await page.goto(new URL(link).pathname);
  await page.getByTestId("join-name").fill("Casey Customer");
  await page.getByTestId("join-submit").click();
  await page.getByTestId("guest-chat").waitFor();
  ctx.customer = { context, page };
});

test("the customer sends text, a photo and a voice note; the technician sees all live", async ({ customer, tech }) => {
  const page = customer.page;
  await page.getByTestId("chat-input").fill("My router blinks **red**");
  await page.getByTestId("chat-send").click();
  await thread(tech.page).getByTestId("chat-message").filter({ hasText: "My router blinks red" }).waitFor();
  assert.is(await thread(tech.page).locator("strong", { hasText: "red" }).count(), 1, "markdown rendered as elements");

  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } }).jpeg().toBuffer();
  await page.getByTestId("attach-gallery").setInputFiles({ name: "router.jpg", mimeType: "image/jpeg", buffer: photo });
  await page.getByTestId("upload-item").first().waitFor();
  await page.getByTestId("chat-send").and(page.locator(":not([disabled])")).waitFor({ timeout: 20_000 });
  await page.getByTestId("chat-send").click();

  await page.getByTestId("attach-voice").click();
  await page.getByTestId("attach-voice-stop").waitFor();
  await page.waitForTimeout(1500); // a voice note of about a second and a half from the fake microphone
  await page.getByTestId("attach-voice-stop").click();
  await page.getByTestId("chat-send").and(page.locator(":not([disabled])")).waitFor({ timeout: 20_000 });
  await page.getByTestId("chat-send").click();

  const techThread = thread(tech.page);
  await techThread.locator('[data-testid="attachment"][data-kind="image"]').waitFor({ timeout: 20_000 });
  await techThread.locator('[data-testid="attachment"][data-kind="audio"]').waitFor({ timeout: 20_000 });
  await screenshot(tech.page, "chat-technician");
});

test("an internal note, then a reply: the customer sees the reply and never the note", async ({ customer, tech }) => {
  await tech.page.getByTestId("chat-mode-internal").check();
  await tech.page.getByTestId("chat-input").fill("Internal: looks like the PSU, check warranty");
  await tech.page.getByTestId("chat-send").click();
  await thread(tech.page).locator('[data-visibility="internal"]').filter({ hasText: "looks like the PSU" }).waitFor();
  await tech.page.getByTestId("chat-mode-public").check();
  await tech.page.getByTestId("chat-input").fill("Thanks! Please unplug it for 30 seconds.");
  await tech.page.getByTestId("chat-input").press("Enter");

  const page = customer.page;
  await thread(page).getByTestId("chat-message").filter({ hasText: "Please unplug it for 30 seconds." }).waitFor();
  assert.is(await thread(page).getByText("looks like the PSU").count(), 0, "the note is not on the customer's page");
  assert.is(await thread(page).locator('[data-visibility="internal"]').count(), 0);
  await page.reload();
  await thread(page).getByTestId("chat-message").filter({ hasText: "Please unplug it for 30 seconds." }).waitFor();
  assert.is(await thread(page).getByText("looks like the PSU").count(), 0, "nor after a reload");
  await screenshot(page, "chat-customer-mobile");
});

test("offline: messages typed while disconnected keep their order and go out once, on reconnect", async ({ customer, tech, server }) => {
  const page = customer.page;
  await customer.context.setOffline(true);
  // The socket notices the network is gone only on its next heartbeat; closing it now is what a drop looks like.
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
  for (const text of ["offline one", "offline two", "offline three"]) {
    await page.getByTestId("chat-input").fill(text);
    await page.getByTestId("chat-input").press("Enter");
  }
  await page.getByTestId("chat-pending").nth(2).waitFor();
  await page.waitForTimeout(1000);
  assert.equal([...(await server.db.query("select 1 from messages where text like 'offline %'"))], [], "really offline: nothing reached the server");
  await customer.context.setOffline(false);
  const techThread = thread(tech.page);
  await techThread.getByTestId("chat-message").filter({ hasText: "offline three" }).waitFor({ timeout: 30_000 });
  const texts = await techThread.getByTestId("chat-message").allTextContents();
  const order = ["offline one", "offline two", "offline three"].map((t) => texts.findIndex((x) => x.includes(t)));
  assert.ok(order[0]! < order[1]! && order[1]! < order[2]!, `in order: ${order}`);
  for (const t of ["offline one", "offline two", "offline three"]) assert.is(texts.filter((x) => x.includes(t)).length, 1, `${t} once`);
  await page.getByTestId("chat-pending").first().waitFor({ state: "detached" });
});

test.run();
