// Calls in the browser, peer-to-peer: a technician starts a call on the ticket page, the customer joins
// from the invite link (device check, consent), media flows both ways; a supervisor monitors (the
// customer still sees two participants), then whispers (the technician hears the supervisor, the
// customer receives nothing from them).
//
// Media must stay on loopback, so this file re-runs itself inside a loopback-only network namespace
// (`unshare -n`, then `ip link set lo up`; needs root or unprivileged user namespaces). The server and
// Chromium both run in there; the server uses the embedded database, since the host's PostgreSQL is
// outside the namespace. Chromium gets fake camera/microphone devices and iceServers: [] (the server has
// no STUN/TURN configured), so only host candidates on 127.0.0.1 exist.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { inLoopbackNamespace } from "../helpers/netns.ts";

if (inLoopbackNamespace(import.meta.filename)) await runInside();

async function runInside() {
  const { launchBrowser, newUserPage, screenshot } = await import("../helpers/browser.ts");
  const { firstTicketOf, orgIdBySlug } = await import("../helpers/dbState.ts");
  const { openInviteAsCustomer } = await import("../helpers/callsBrowser.ts");
  const { startServer, waitFor } = await import("../helpers/server.ts");
  type TestServer = Awaited<ReturnType<typeof startServer>>;

  interface Ctx {
    server: TestServer;
    browser: Browser;
    tech: { context: BrowserContext; page: Page };
    customer: { context: BrowserContext; page: Page };
    sup: { context: BrowserContext; page: Page };
    ticketId: string;
  }
  const test = suite<Ctx>("calls in the browser (peer-to-peer, loopback namespace)");

  const bytes = async (page: Page, selector: string, attr: string) => Number((await page.locator(selector).first().getAttribute(attr)) ?? 0);
  /** Reads a byte counter twice, `gapMs` apart: how much it grew. */
  async function growth(page: Page, selector: string, attr: string, gapMs = 2500) {
    const a = await bytes(page, selector, attr);
    await page.waitForTimeout(gapMs);
    return (await bytes(page, selector, attr)) - a;
  }

  test.before(async (ctx) => {
    ctx.server = await startServer({ database: "pglite" });
    ctx.browser = await launchBrowser([
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      "--allow-loopback-in-peer-connection",
      "--autoplay-policy=no-user-gesture-required",
    ]);
    ctx.tech = await newUserPage(ctx.browser, ctx.server.url, "tech1@caseroom.local");
    ctx.sup = await newUserPage(ctx.browser, ctx.server.url, "supervisor@caseroom.local");
    ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });

  test("the technician starts the call from the ticket page", async ({ tech, ticketId }) => {
    await tech.page.goto(`/tickets/${ticketId}`);
    await tech.page.getByTestId("call-start").click();
    await tech.page.getByTestId("call-view").waitFor();
    await tech.page.getByTestId("call-waiting").waitFor();
  });

  test("the customer joins from the invite link after the device check and consent; media flows both ways", async (ctx) => {
    const { context, page } = await openInviteAsCustomer(ctx.browser, ctx.server.url, ctx.ticketId);
    ctx.customer = { context, page };
    assert.ok(await page.getByTestId("guest-call-join").isDisabled(), "joining needs consent first");
    await page.getByTestId("call-consent").check();
    await page.getByTestId("guest-call-join").click();
    await page.getByTestId("call-view").waitFor();

    await ctx.tech.page.locator('[data-testid="call-tile"][data-kind="customer"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="call-tile"][data-kind="technician"]').waitFor({ timeout: 20_000 });
    // inbound-rtp bytes keep growing on both sides, audio and video.
    await waitFor(async () => (await bytes(ctx.tech.page, '[data-kind="customer"]', "data-video-bytes")) > 0, { timeoutMs: 30_000, what: "video from the customer" });
    assert.ok((await growth(ctx.tech.page, '[data-kind="customer"]', "data-audio-bytes")) > 1000, "technician receives the customer's audio");
    assert.ok((await growth(ctx.tech.page, '[data-kind="customer"]', "data-video-bytes")) > 1000, "technician receives the customer's video");
    assert.ok((await growth(page, '[data-kind="technician"]', "data-audio-bytes")) > 1000, "customer receives the technician's audio");
    assert.ok((await growth(page, '[data-kind="technician"]', "data-video-bytes")) > 1000, "customer receives the technician's video");
    await screenshot(ctx.tech.page, "calls-technician");
  });

  test("the customer reloads the page and rejoins: a fresh connection, media flows again", async ({ tech, customer }) => {
    await customer.page.reload();
    await customer.page.getByTestId("guest-call-check").click({ timeout: 15_000 });
    await customer.page.getByTestId("call-consent").check();
    await customer.page.getByTestId("guest-call-join").click();
    await customer.page.locator('[data-testid="call-tile"][data-kind="technician"]').waitFor({ timeout: 20_000 });
    await waitFor(async () => (await bytes(customer.page, '[data-kind="technician"]', "data-audio-bytes")) > 0, { timeoutMs: 30_000, what: "audio after rejoining" });
    assert.ok((await growth(tech.page, '[data-kind="customer"]', "data-audio-bytes")) > 1000, "technician hears the customer again");
    assert.is(await tech.page.locator('[data-testid="call-tile"][data-kind="customer"]').count(), 1, "one tile, not a stale second one");
  });

  test("the technician shares the screen: the customer keeps receiving video, now the screen", async ({ tech, customer }) => {
    await tech.page.getByTestId("call-screen").click();
    await tech.page.getByTestId("call-screen").getByText("Stop sharing").waitFor({ timeout: 10_000 });
    assert.ok((await growth(customer.page, '[data-kind="technician"]', "data-video-bytes")) > 1000, "video keeps flowing after replaceTrack");
    await tech.page.getByTestId("call-screen").click();
    await tech.page.getByTestId("call-screen").getByText("Share screen").waitFor();
  });

  test("a monitoring supervisor: the customer still sees two participants, the technician three", async ({ sup, tech, customer }) => {
    await sup.page.goto("/calls");
    await sup.page.getByTestId("live-call-monitor").first().click();
    await sup.page.locator('[data-testid="call-view"][data-mode="monitor"]').waitFor();
    await tech.page.locator('[data-testid="call-tile"][data-kind="supervisor"]').waitFor({ timeout: 20_000 });
    await tech.page.getByTestId("call-participant-count").getByText("3 participants").waitFor();
    // The supervisor receives both.
    await waitFor(async () => (await bytes(sup.page, '[data-kind="customer"]', "data-audio-bytes")) > 0 && (await bytes(sup.page, '[data-kind="technician"]', "data-audio-bytes")) > 0, { timeoutMs: 30_000, what: "media at the supervisor" });
    assert.is(await customer.page.getByTestId("call-participant-count").textContent(), "2 participants");
    assert.is(await customer.page.getByTestId("call-tile").count(), 1);
    assert.is(await customer.page.locator('[data-kind="supervisor"]').count(), 0);
    assert.not.ok((await customer.page.content()).includes("Sam Supervisor"), "the supervisor's name is nowhere on the customer's page");
    await screenshot(customer.page, "calls-customer-monitored");
  });

  test("whisper: the technician receives the supervisor's audio, the customer receives nothing from them", async ({ sup, tech, customer }) => {
    assert.is(await bytes(tech.page, '[data-kind="supervisor"]', "data-audio-bytes"), 0, "a monitoring supervisor sent nothing");
    await sup.page.getByTestId("call-mode-whisper").click();
    await sup.page.locator('[data-testid="call-view"][data-mode="whisper"]').waitFor();
    await waitFor(async () => (await bytes(tech.page, '[data-kind="supervisor"]', "data-audio-bytes")) > 0, { timeoutMs: 30_000, what: "whisper audio at the technician" });
    assert.ok((await growth(tech.page, '[data-kind="supervisor"]', "data-audio-bytes")) > 1000, "the technician hears the whisper");
    assert.is(await bytes(customer.page, '[data-testid="call-view"]', "data-hidden-audio-bytes"), 0, "the customer got no audio from the supervisor");
    assert.is(await growth(customer.page, '[data-testid="call-view"]', "data-hidden-audio-bytes"), 0);
    assert.is(await customer.page.getByTestId("call-participant-count").textContent(), "2 participants");
  });

  test("barge: the customer now sees and hears the supervisor; ending closes everyone's call", async ({ sup, tech, customer }) => {
    await sup.page.getByTestId("call-mode-barge").click();
    await customer.page.locator('[data-testid="call-tile"][data-kind="supervisor"]').waitFor({ timeout: 20_000 });
    await customer.page.getByTestId("call-participant-count").getByText("3 participants").waitFor();
    await waitFor(async () => (await bytes(customer.page, '[data-kind="supervisor"]', "data-audio-bytes")) > 0, { timeoutMs: 30_000, what: "barge audio at the customer" });
    await tech.page.getByTestId("call-end").click();
    await customer.page.getByTestId("call-view").waitFor({ state: "detached", timeout: 15_000 });
    await sup.page.getByTestId("call-view").waitFor({ state: "detached", timeout: 15_000 });
  });

  test.run();
}
