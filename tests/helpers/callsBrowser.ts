// The customer's way into a call in the browser tests: the technician creates an invite, the customer
// opens its link in a phone-sized context of their own, gives a name and reaches the device check.
// Consent and joining stay in the tests, which check them.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { loginAs } from "./server.ts";

export async function openInviteAsCustomer(
  browser: Browser,
  serverUrl: string,
  ticketId: string,
  name = "Pat Customer",
): Promise<{ context: BrowserContext; page: Page }> {
  const techApi = await loginAs(serverUrl, "tech1@caseroom.local");
  const invite = await techApi.post(`/api/tickets/${ticketId}/invites`, {});
  const context = await browser.newContext({ baseURL: serverUrl, locale: "en-GB", viewport: { width: 390, height: 780 } });
  const page = await context.newPage();
  await page.goto(new URL(invite.body.invite.url).pathname);
  await page.getByTestId("join-name").fill(name);
  await page.getByTestId("join-submit").click();
  await page.getByTestId("guest-call-check").click({ timeout: 15_000 });
  await page.getByTestId("device-check").waitFor();
  return { context, page };
}
