// [COLLAB] Two technicians in two browsers co-edit one ticket: notes typed at the same time merge,
// each sees the other's cursor, avatar and a collision hint; fields and the checklist change live;
// one goes offline, keeps editing, comes back, and both pages converge.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newUserPage, screenshot } from "../helpers/browser.ts";
import { loginAs, startServer, waitFor, type TestServer } from "../helpers/server.ts";

interface UserPage {
  context: BrowserContext;
  page: Page;
}
interface Ctx {
  server: TestServer;
  browser: Browser;
  ticketId: string;
  /** Taylor Tech */
  one: UserPage;
  /** Jordan Tech */
  two: UserPage;
}
const test = suite<Ctx>("co-editing a ticket in the browser");

const notes = (page: Page) => page.getByTestId("notes-editor");
/** The notes' text, paragraph per line, without the remote cursors' name labels. */
const notesText = (page: Page) =>
  notes(page).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll(".collaboration-carets__caret")) caret.remove();
    return Array.from(copy.querySelectorAll("p"), (p) => p.textContent ?? "").join("\n");
  });
const collabState = (page: Page) => page.getByTestId("collab-status").getAttribute("data-state");
const waitState = (page: Page, state: string) => page.locator(`[data-testid="collab-status"][data-state="${state}"]`).waitFor({ timeout: 10_000 });

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.browser = await launchBrowser();
  const api = await loginAs(ctx.server.url, "tech1@caseroom.local");
  const { body } = await api.get("/api/tickets");
  ctx.ticketId = body.tickets.find((t: { title: string }) => t.title.startsWith("Printer on 3rd floor")).id;
  ctx.one = await newUserPage(ctx.browser, ctx.server.url, "tech1@caseroom.local");
  ctx.two = await newUserPage(ctx.browser, ctx.server.url, "tech2@caseroom.local");
  for (const { page } of [ctx.one, ctx.two]) {
    await page.goto(`/tickets/${ctx.ticketId}`);
    await page.locator('[data-testid="ticket-page"][data-loaded="true"]').waitFor();
    await waitState(page, "connected");
  }
});
test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

test("[COLLAB-1] each sees the other's avatar in the ticket", async ({ one, two }) => {
  await one.page.getByTestId("collab-peers").getByText("Jordan Tech").waitFor({ state: "attached" });
  await two.page.getByTestId("collab-peers").getByText("Taylor Tech").waitFor({ state: "attached" });
  assert.is(await one.page.getByTestId("collab-peers").locator("li").count(), 2);
});

test("[COLLAB-2] notes typed at the same time merge, with each other's cursor and a collision hint", async ({ one, two }) => {
  const first = "Taylor checked the toner and the drum.";
  const second = "Jordan restarted the print spooler.";
  await notes(one.page).click();
  await notes(two.page).click();
  await Promise.all([one.page.keyboard.type(first, { delay: 15 }), two.page.keyboard.type(second, { delay: 15 })]);

  await waitFor(async () => {
    const [a, b] = await Promise.all([notesText(one.page), notesText(two.page)]);
    return a === b && a.includes(first) && a.includes(second);
  }, { timeoutMs: 10_000, what: "both editors to hold both sentences, identically" });

  // Each sees the other's cursor, labelled with the other's name.
  await one.page.locator(".collaboration-carets__label", { hasText: "Jordan Tech" }).waitFor({ timeout: 5000 });
  await two.page.locator(".collaboration-carets__label", { hasText: "Taylor Tech" }).waitFor({ timeout: 5000 });
  await one.page.getByTestId("collision-hint").filter({ hasText: "Jordan Tech is also editing the notes" }).waitFor({ timeout: 5000 });
  await two.page.getByTestId("collision-hint").filter({ hasText: "Taylor Tech is also editing the notes" }).waitFor({ timeout: 5000 });
  await screenshot(one.page, "collab-two-users-notes");
});

test("[COLLAB-3] a status set in the document by tech1 shows in tech2's select at once", async ({ one, two }) => {
  await one.page.getByTestId("ticket-status").selectOption("pending");
  await two.page.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-testid="ticket-status"]')?.value === "pending", undefined, { timeout: 5000 });
  // The other's focus on the field is shown beside it, and both on it gives the hint.
  await two.page.getByTestId("ticket-status").focus();
  await one.page.getByTestId("ticket-status").focus();
  await one.page.getByTestId("collision-hint").filter({ hasText: "Jordan Tech is also editing the status" }).waitFor({ timeout: 5000 });
  await screenshot(two.page, "collab-two-users-field");
});

test("[COLLAB-4] the checklist changes live: add, tick (with who ticked), edit", async ({ one, two }) => {
  await two.page.getByTestId("checklist-add-input").fill("Print a test page");
  await two.page.getByTestId("checklist-add-input").press("Enter");
  await two.page.getByTestId("checklist-add-input").fill("Replace the fuser");
  await two.page.getByTestId("checklist-add-input").press("Enter");
  const items = one.page.getByTestId("checklist-item");
  await waitFor(async () => (await items.count()) === 2, { what: "tech1 to see both steps" });
  assert.equal(await items.getByTestId("checklist-item-text").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), ["Print a test page", "Replace the fuser"]);

  await items.first().getByTestId("checklist-item-toggle").check();
  const remoteFirst = two.page.getByTestId("checklist-item").first();
  await two.page.locator('[data-testid="checklist-item"][data-done="true"]').waitFor({ timeout: 5000 });
  assert.ok(await remoteFirst.getByTestId("checklist-item-toggle").isChecked());
  assert.is(await remoteFirst.getByTestId("checklist-item-done-by").innerText(), "Ticked by Taylor Tech");
  // Untick again, so the offline test ticks it.
  await items.first().getByTestId("checklist-item-toggle").uncheck();
  await two.page.locator('[data-testid="checklist-item"][data-done="true"]').waitFor({ state: "detached", timeout: 5000 });
});

test("[COLLAB-5] offline edits are kept and merge on reconnect", async ({ one, two }) => {
  await one.context.setOffline(true);
  await waitState(one.page, "offline");
  assert.match(await one.page.getByTestId("collab-status").innerText(), /Offline — your edits will be sent when the connection returns/);

  const offlineLine = "Offline: fuser replaced, test page fine.";
  const onlineLine = "Meanwhile the vendor called back.";
  await notes(one.page).click();
  await one.page.keyboard.press("Control+End");
  await one.page.keyboard.press("Enter");
  await one.page.keyboard.type(offlineLine, { delay: 5 });
  await one.page.getByTestId("checklist-item").first().getByTestId("checklist-item-toggle").check();
  await notes(two.page).click();
  await two.page.keyboard.press("Control+End");
  await two.page.keyboard.press("Enter");
  await two.page.keyboard.type(onlineLine, { delay: 5 });
  await screenshot(one.page, "collab-offline");
  assert.not.ok((await notesText(two.page)).includes(offlineLine), "tech2 does not see the offline edit yet");
  assert.is(await two.page.getByTestId("checklist-item").first().getAttribute("data-done"), "false");

  await one.context.setOffline(false);
  await waitState(one.page, "connected");
  await waitFor(async () => {
    const [a, b] = await Promise.all([notesText(one.page), notesText(two.page)]);
    return a === b && a.includes(offlineLine) && a.includes(onlineLine);
  }, { timeoutMs: 10_000, what: "notes to converge after reconnecting" });
  const doneStates = (page: Page) => page.getByTestId("checklist-item").evaluateAll((els) => els.map((e) => e.getAttribute("data-done")));
  await waitFor(async () => JSON.stringify(await doneStates(two.page)) === JSON.stringify(["true", "false"]), { what: "tech2 to see the offline tick" });
  assert.equal(await doneStates(one.page), await doneStates(two.page));
  assert.is(await two.page.getByTestId("checklist-item-done-by").innerText(), "Ticked by Taylor Tech");
  assert.is(await collabState(two.page), "connected");
});

test.run();
