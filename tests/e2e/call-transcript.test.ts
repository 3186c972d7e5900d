// Live transcription in the browser: the technician's and the customer's microphones (Chromium's fake
// capture playing espeak-ng speech) go through the AudioWorklet as 16 kHz PCM16 over the socket to the
// server, one Deepgram session each (the real SDK against the local fake, which answers each utterance
// it hears with its scripted text), and the spoken sentences' key words appear in the technician's
// transcript panel, by speaker. Captions reach the customer once the technician turns them on.
//
// It re-runs itself inside a loopback-only network namespace (tests/helpers/netns.ts): the server
// (embedded PGlite), the Deepgram fake and Chromium all run in there, and media stays on 127.0.0.1.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { inLoopbackNamespace } from "../helpers/netns.ts";

if (inLoopbackNamespace(import.meta.filename)) await runInside();

async function runInside() {
  const { launchBrowser, newUserPage, screenshot } = await import("../helpers/browser.ts");
  const { firstTicketOf, orgIdBySlug } = await import("../helpers/dbState.ts");
  const { openInviteAsCustomer } = await import("../helpers/callsBrowser.ts");
  const { startServer } = await import("../helpers/server.ts");
  const { FakeDeepgram } = await import("../../media/src/stt/testing/fakeDeepgram.ts");
  const { speechTrack } = await import("../../media/src/stt/testing/speech.ts");
  const { resample, wavFromPcm16 } = await import("../../media/src/stt/pcm.ts");
  type TestServer = Awaited<ReturnType<typeof startServer>>;

  const KEY = "dg-e2e-key-not-real";
  // Two phrases with long pauses; Chromium loops the file, so they keep alternating.
  const spoken = ["My printer shows a paper jam", "I restarted the router twice"];
  const answers = ["My printer shows a paper jam.", "I restarted the router twice."];

  interface Ctx {
    server: TestServer;
    fake: InstanceType<typeof FakeDeepgram>;
    browser: Browser;
    tech: { context: BrowserContext; page: Page };
    customer: { context: BrowserContext; page: Page };
    ticketId: string;
  }
  const test = suite<Ctx>("call transcript in the browser (Deepgram fake, loopback namespace)");

  test.before(async (ctx) => {
    const track = speechTrack(spoken, { pausesMs: [1500], leadMs: 1000, trailMs: 1500, noise: 0 });
    const wavFile = path.join(mkdtempSync(path.join(os.tmpdir(), "caseroom-e2e-speech-")), "speech.wav");
    // 48 kHz, as a microphone would deliver it; the page's worklet brings it back down to 16 kHz.
    const up = resample(track.samples, 16_000, 48_000);
    writeFileSync(wavFile, wavFromPcm16(new Uint8Array(up.buffer), 48_000));
    ctx.fake = await new FakeDeepgram({ apiKey: KEY, replyDelayMs: 150, script: answers, endpointMs: 500, speechDb: -45 }).listen();
    ctx.server = await startServer({ database: "pglite", env: { DEEPGRAM_API_KEY: KEY, DEEPGRAM_BASE_URL: ctx.fake.url } });
    ctx.browser = await launchBrowser([
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      `--use-file-for-fake-audio-capture=${wavFile}`,
      "--allow-loopback-in-peer-connection",
      "--autoplay-policy=no-user-gesture-required",
    ]);
    ctx.tech = await newUserPage(ctx.browser, ctx.server.url, "tech1@caseroom.local");
    ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.server?.close();
    await ctx.fake?.close();
  });

  const lines = (page: Page) => page.getByTestId("transcript-lines").locator("li:not([data-testid='transcript-interim'])");

  test("the technician's own words appear in the transcript panel beside the call", async ({ tech, ticketId, fake }) => {
    await tech.page.goto(`/tickets/${ticketId}`);
    await tech.page.getByTestId("call-start").click();
    await tech.page.getByTestId("call-view").waitFor();
    await tech.page.getByTestId("transcript-panel").waitFor();
    await lines(tech.page).filter({ hasText: "paper jam" }).first().waitFor({ timeout: 30_000 });
    await lines(tech.page).filter({ hasText: "restarted the router" }).first().waitFor({ timeout: 30_000 });
    assert.ok(fake.audioBytes > 16_000, "PCM reached the engine");
    const q = fake.requests[0]!.query;
    assert.is(q.get("sample_rate"), "16000");
    assert.is(q.get("encoding"), "linear16");
  });

  test("the customer joins; their words appear under their name in the technician's panel", async (ctx) => {
    const { context, page } = await openInviteAsCustomer(ctx.browser, ctx.server.url, ctx.ticketId);
    ctx.customer = { context, page };
    await page.getByTestId("call-consent").check();
    await page.getByTestId("guest-call-join").click();
    await page.getByTestId("call-view").waitFor();
    const customerLine = lines(ctx.tech.page).filter({ hasText: "Pat Customer" }).filter({ hasText: /paper jam|restarted the router/ });
    await customerLine.first().waitFor({ timeout: 30_000 });
    assert.ok(ctx.fake.connections >= 2, "one Deepgram session per speaker");
    // Captions are off: the customer's panel shows none.
    assert.is(await page.getByTestId("transcript-lines").count(), 0);
    await screenshot(ctx.tech.page, "call-transcript-technician");
  });

  test("captions: once the technician turns them on, the customer sees the transcript too", async ({ tech, customer }) => {
    await tech.page.getByTestId("transcript-panel").getByRole("checkbox").check();
    await lines(customer.page).filter({ hasText: /paper jam|restarted the router/ }).first().waitFor({ timeout: 30_000 });
    await screenshot(customer.page, "call-transcript-customer-captions");
  });

  test("with no engine configured the panel says transcription is off and how to turn it on", async ({ browser }) => {
    const plain = await startServer({ database: "pglite" });
    try {
      const tech = await newUserPage(browser, plain.url, "tech1@caseroom.local");
      const ticketId = await firstTicketOf(plain.db, await orgIdBySlug(plain.db, "demo"));
      await tech.page.goto(`/tickets/${ticketId}`);
      await tech.page.getByTestId("call-start").click();
      const notice = tech.page.getByTestId("transcript-off");
      await notice.waitFor({ timeout: 20_000 });
      assert.match((await notice.textContent()) ?? "", /DEEPGRAM_API_KEY.*STT_BASE_URL/);
      assert.is(await tech.page.getByTestId("transcript-lines").count(), 0);
      await tech.context.close();
    } finally {
      await plain.close();
    }
  });

  test.run();
}
