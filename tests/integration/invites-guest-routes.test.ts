// A guest principal against every route registered in server/src: each staff route refuses it
// (401/403/404, never a 2xx), with ids filled in from the guest's own ticket, the most tempting case.
// Routes meant for guests are listed below with the test file that checks them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, type TestServer } from "../helpers/server.ts";

/** Routes a guest may use; their own tests prove what a guest gets there. */
const guestRoutes = new Set([
  "POST /api/auth/login", // anyone may try to log in (as staff)
  "POST /api/auth/logout", // ends the guest's own session: called last below
  "POST /api/invites/accept", // tests/integration/invites.test.ts
  "GET /api/guest/me", // tests/integration/invites.test.ts
  "GET /api/tickets/:id/messages", // tests/integration/chat-*.test.ts
  "POST /api/tickets/:id/messages",
  "PATCH /api/tickets/:id/messages/:messageId",
  "DELETE /api/tickets/:id/messages/:messageId",
  "POST /api/tickets/:id/attachments", // the attachments helper's tests
  "GET /api/attachments/:id/url",
  "GET /api/attachments/:id/content",
  "GET /api/attachments/:id/thumbnail",
  "POST /api/widget/tickets", // public, keyed by the widget key: tests/integration/widget.test.ts
  "GET /widget.js", // the public widget script
  "GET /api/tickets/:id/call", // the guest's own ticket's call: tests/integration/calls-permissions.test.ts
  "POST /api/calls/:id/join",
  "POST /api/calls/:id/leave",
  "GET /healthz",
  "GET /readyz",
]);

function registeredRoutes(): string[] {
  const root = path.resolve(import.meta.dirname, "../../server/src");
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
    });
  const found = new Set<string>();
  for (const file of files(root)) {
    for (const m of readFileSync(file, "utf8").matchAll(/\.(get|post|put|patch|delete)\(\s*["'`](\/[^"'`]*)["'`]/g)) {
      found.add(`${m[1]!.toUpperCase()} ${m[2]}`);
    }
  }
  return [...found].sort();
}

interface Ctx {
  server: TestServer;
  guest: TestGuest;
}
const test = suite<Ctx>("a guest against every staff route");

test.before(async (ctx) => {
  ctx.server = await startServer();
  const tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  const ticket = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  ctx.guest = await inviteGuest(tech, ticket);
});
test.after(async (ctx) => ctx.server?.close());

const routes = registeredRoutes();

test("the scan found the routes", () => {
  assert.ok(routes.length > 30, routes.join(", "));
  assert.ok(routes.includes("POST /api/tickets/:id/invites"));
});

for (const route of routes.filter((r) => !guestRoutes.has(r))) {
  test(`${route} refuses a guest of the ticket`, async ({ guest }) => {
    const [method, pattern] = route.split(" ") as [string, string];
    // Every id is the guest's own ticket id: a route keyed by ticket is the one a guest would try.
    const url = pattern.replace(/:[A-Za-z]+/g, guest.guest.ticketId);
    const res = await guest.client.request(method, url, method === "GET" || method === "DELETE" ? undefined : {});
    assert.ok([401, 403, 404].includes(res.status), `${route}: ${res.status} ${JSON.stringify(res.body)}`);
    assert.type(res.body?.error?.code, "string");
  });
}

test("the guest session still works after the sweep", async ({ guest }) => {
  assert.is((await guest.client.get("/api/guest/me")).status, 200);
});

test.run();
