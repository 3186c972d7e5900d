// The website widget: admins make org-scoped keys with allowed websites; a visitor's first message
// opens a ticket with a chat; other websites, unknown or revoked keys are refused; rate-limited.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ApiClient, loginAs, startServer, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  admin: ApiClient;
  tech: ApiClient;
  key: string;
  keyId: string;
}
const test = suite<Ctx>("website widget");
const SITE = "https://shop.example.com";

test.before(async (ctx) => {
  ctx.server = await startServer({ env: { TRUST_PROXY: "true" } });
  ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
});
test.after(async (ctx) => ctx.server?.close());

let address = 0;
/** A visitor from its own address (X-Forwarded-For, TRUST_PROXY=true), calling with `origin`. */
function visitor(server: TestServer, origin: string | undefined, body: Record<string, unknown>) {
  const client = new ApiClient(server.url);
  address++;
  return {
    client,
    res: client.request("POST", "/api/widget/tickets", body, { headers: { ...(origin ? { origin } : {}), "x-forwarded-for": `10.9.${address >> 8}.${address & 255}` } }),
  };
}

test("only admins create widget keys; origins are validated", async (ctx) => {
  assert.is((await ctx.tech.post("/api/admin/widget-keys", { name: "Shop", allowedOrigins: [SITE] })).status, 403);
  const bad = await ctx.admin.post("/api/admin/widget-keys", { name: "Shop", allowedOrigins: ["javascript:alert(1)"] });
  assert.is(bad.status, 400);
  const res = await ctx.admin.post("/api/admin/widget-keys", { name: "Shop", allowedOrigins: [SITE, "https://Shop.Example.com"] });
  assert.is(res.status, 201);
  assert.equal(res.body.widgetKey.allowedOrigins, [SITE], "lower-cased and deduplicated");
  ctx.key = res.body.widgetKey.key;
  ctx.keyId = res.body.widgetKey.id;
  assert.ok((await ctx.admin.get("/api/admin/widget-keys")).body.widgetKeys.some((k: { id: string }) => k.id === ctx.keyId));
});

test("from the widget window (our origin, opened from an allowed site): a ticket, the first message and a guest session", async ({ server, key, tech }) => {
  const { client, res } = visitor(server, new URL(server.url).origin, { widgetKey: key, name: "Lee Visitor", text: "My order #123 has not arrived", embedOrigin: SITE });
  const created = await res;
  assert.is(created.status, 201, JSON.stringify(created.body));
  const ticketId = created.body.ticket.id;
  assert.match(client.cookie ?? "", /^caseroom_session=/);
  const me = await client.get("/api/guest/me");
  assert.is(me.body.guest.ticketId, ticketId);
  const messages = await tech.get(`/api/tickets/${ticketId}/messages`);
  assert.equal(messages.body.messages.map((m: { text: string; author: { kind: string } }) => [m.author.kind, m.text]), [["guest", "My order #123 has not arrived"]]);
  const ticket = await tech.get(`/api/tickets/${ticketId}`);
  assert.match(ticket.body.ticket.title, /Lee Visitor: My order #123/);
  assert.is(ticket.body.ticket.createdBy, null);
  assert.is((await client.get("/api/tickets")).status, 403, "the visitor is a guest, not staff");
});

test("directly from an allowed site (CORS): allowed with CORS headers, no usable cookie; preflight answers only listed origins", async ({ server, key }) => {
  const { res } = visitor(server, SITE, { widgetKey: key, name: "Form", text: "Contact form message" });
  const created = await res;
  assert.is(created.status, 201);
  assert.is(created.headers.get("access-control-allow-origin"), SITE);
  assert.is(created.headers.get("access-control-allow-credentials"), null);
  const pre = await fetch(`${server.url}/api/widget/tickets`, { method: "OPTIONS", headers: { origin: SITE, "access-control-request-method": "POST" } });
  assert.is(pre.headers.get("access-control-allow-origin"), SITE);
  const evil = await fetch(`${server.url}/api/widget/tickets`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
  assert.is(evil.headers.get("access-control-allow-origin"), null);
});

test("another website, a missing origin, a wrong embedOrigin, an unknown or revoked key are refused and create nothing", async ({ server, key, admin, keyId }) => {
  const count = async () => Number((await server.db.query<{ n: number }>("select count(*)::int as n from tickets"))[0]!.n);
  const before = await count();
  const cases: [string | undefined, Record<string, unknown>, number][] = [
    ["https://evil.example", { widgetKey: key, name: "X", text: "hi" }, 403],
    [undefined, { widgetKey: key, name: "X", text: "hi" }, 403],
    [new URL(server.url).origin, { widgetKey: key, name: "X", text: "hi", embedOrigin: "https://evil.example" }, 403],
    [new URL(server.url).origin, { widgetKey: key, name: "X", text: "hi" }, 403],
    [SITE, { widgetKey: "crw_unknown_unknown", name: "X", text: "hi" }, 404],
    [SITE, { widgetKey: key, name: "", text: "hi" }, 400],
  ];
  for (const [origin, body, status] of cases) {
    const res = await visitor(server, origin, body).res;
    assert.is(res.status, status, `${origin} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
    assert.ok(!res.headers.get("access-control-allow-origin") || origin === SITE, "no CORS grant for a refused site");
  }
  assert.is((await admin.delete(`/api/admin/widget-keys/${keyId}`)).status, 204);
  assert.is((await visitor(server, SITE, { widgetKey: key, name: "X", text: "hi" }).res).status, 404, "revoked");
  assert.is(await count(), before);
});

test("one address may open only a few conversations (429)", async ({ server, admin }) => {
  const key = (await admin.post("/api/admin/widget-keys", { name: "Rate", allowedOrigins: [SITE] })).body.widgetKey.key;
  const client = new ApiClient(server.url);
  const statuses = [];
  for (let i = 0; i < 6; i++) {
    statuses.push((await client.request("POST", "/api/widget/tickets", { widgetKey: key, name: "Spam", text: `spam ${i}` }, { headers: { origin: SITE, "x-forwarded-for": "10.99.99.99" } })).status);
  }
  assert.equal(statuses, [201, 201, 201, 201, 201, 429]);
});

test("widget.js is served as a script any site may load, and opens our own window", async ({ server }) => {
  const res = await fetch(`${server.url}/widget.js`);
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /javascript/);
  assert.is(res.headers.get("cross-origin-resource-policy"), "cross-origin");
  const body = await res.text();
  assert.match(body, /\/widget\//);
  assert.match(body, /noopener/);
});

test.run();
