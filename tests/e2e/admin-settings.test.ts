// The settings page in Chromium: only admins get the link; an admin changes SLA targets and score
// weights (bad values are refused before anything is saved), creates an API key that is shown once and
// works, then revokes it and it stops working.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Browser } from "playwright-core";
import { launchBrowser, newUserPage, screenshot } from "../helpers/browser.ts";
import { ApiClient, loginAs, startServer, type TestServer } from "../helpers/server.ts";

const test = suite<{ server: TestServer; browser: Browser }>("admin settings page in the browser");

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.browser = await launchBrowser();
});
test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

const event = () => ({
  id: crypto.randomUUID(),
  type: "ticket.created",
  at: new Date().toISOString(),
  ticketId: crypto.randomUUID(),
  data: { title: "From the CRM", priority: "low" },
});

test("a technician has no settings link and the page says it is for administrators", async ({ server, browser }) => {
  const { context, page } = await newUserPage(browser, server.url, "tech1@caseroom.local");
  assert.is(await page.getByTestId("nav-admin-settings").count(), 0);
  await page.goto("/admin/settings");
  await page.getByText("Only administrators can change these settings.").waitFor();
  assert.is(await page.getByTestId("metric-settings-save").count(), 0);
  await context.close();
});

test("an admin changes SLA targets and weights; a bad value is refused and nothing is saved", async ({ server, browser }) => {
  const admin = await loginAs(server.url, "admin@caseroom.local");
  const { context, page } = await newUserPage(browser, server.url, "admin@caseroom.local");
  await page.getByTestId("nav-admin-settings").click();
  await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
  // The defaults, shown in minutes: urgent 15 min, low 8 h.
  assert.is(await page.getByTestId("sla-urgent").inputValue(), "15");
  assert.is(await page.getByTestId("sla-low").inputValue(), "480");

  await page.getByTestId("weight-csat").fill("150");
  await page.getByTestId("metric-settings-save").click();
  await page.getByText("Each weight must be a number from 0 to 100").waitFor();
  assert.is(await page.getByTestId("weight-csat").getAttribute("aria-invalid"), "true");
  assert.is((await admin.get("/api/metrics/settings")).body.settings.scoreWeights.csat, 30, "nothing saved");

  await page.getByTestId("weight-csat").fill("40");
  await page.getByTestId("sla-urgent").fill("30");
  await page.getByTestId("metric-settings-save").click();
  await page.getByTestId("metric-settings-saved").waitFor();
  const saved = (await admin.get("/api/metrics/settings")).body.settings;
  assert.is(saved.slaTargetsS.urgent, 1800);
  assert.is(saved.scoreWeights.csat, 40);
  assert.is(saved.slaTargetsS.high, 3600, "untouched targets stay");

  // A reload reads them back from the server.
  await page.reload();
  assert.is(await page.getByTestId("sla-urgent").inputValue(), "30");
  assert.is(await page.getByTestId("weight-csat").inputValue(), "40");
  await context.close();
});

test("an admin creates an API key, sees it once, it works; revoked, it is refused", async ({ server, browser }) => {
  const { context, page } = await newUserPage(browser, server.url, "admin@caseroom.local");
  await page.goto("/admin/settings");
  await page.getByTestId("api-key-create").click();
  await page.getByText("Give the key a name").waitFor();

  await page.getByTestId("api-key-name").fill("Telephony");
  await page.getByTestId("api-key-create").click();
  const key = (await page.getByTestId("api-key-value").innerText()).trim();
  assert.match(key, /^crk_/);
  await screenshot(page, "admin-settings-key-created");

  const client = new ApiClient(server.url);
  const send = () => client.request("POST", "/api/events", { events: [event()] }, { headers: { authorization: `Bearer ${key}` } });
  const first = await send();
  assert.is(first.status, 200, JSON.stringify(first.body));

  // Shown once: after "I have copied it" and a reload, the page no longer holds it.
  await page.getByTestId("api-key-hide").click();
  await page.reload();
  const row = page.getByTestId("api-keys-table").locator("tr", { hasText: "Telephony" });
  await row.waitFor();
  assert.ok(!(await page.content()).includes(key), "the key is not in the page any more");
  assert.match(await row.innerText(), new RegExp(key.slice(0, 8)), "its first characters tell it apart");

  await row.getByTestId("api-key-revoke").click();
  await row.getByTestId("api-key-revoke-confirm").click();
  await row.getByTestId("api-key-revoked").waitFor();
  const refused = await send();
  assert.is(refused.status, 401, JSON.stringify(refused.body));
  await context.close();
});

test.run();
