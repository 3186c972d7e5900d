// THE authorization table: every endpoint × every kind of principal × own/other organisation, as data,
// one test per row. A route the table does not cover fails the coverage test, so new endpoints join it.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { defaultMetricSettings } from "@caseroom/shared";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { orgIdBySlug, firstTicketOf, rowCounts, ticketState } from "../helpers/dbState.ts";
import { ApiClient, loginAs, startServer, waitFor, type ApiResponse, type TestServer } from "../helpers/server.ts";
import { connectSocket, type ClientSocket } from "../helpers/sockets.ts";
import { fetchLink, pngImage, upload } from "../helpers/attachments.ts";

const principals = {
  anonymous: undefined,
  "demo technician": { email: "tech1@caseroom.local", org: "demo" },
  "demo supervisor": { email: "supervisor@caseroom.local", org: "demo" },
  "demo admin": { email: "admin@caseroom.local", org: "demo" },
  "demo-ru technician": { email: "tech1@ru.caseroom.local", org: "demo-ru" },
  "demo-ru admin": { email: "admin@ru.caseroom.local", org: "demo-ru" },
} as const;
type Who = keyof typeof principals;
const columns = Object.keys(principals) as Who[];
type Target = "own-org ticket" | "other-org ticket";

// Expected status, one column per principal in the order above (anonymous logs in with tech1's password):
//                                               anon tech  sup  admin ru-tech ru-admin
const table: [endpoint: string, target: Target | null, statuses: number[]][] = [
  ["POST /api/auth/login",   null,               [200, 200, 200, 200, 200, 200]],
  ["POST /api/auth/logout",  null,               [204, 204, 204, 204, 204, 204]],
  ["GET /api/me",            null,               [401, 200, 200, 200, 200, 200]],
  ["PATCH /api/me",          null,               [401, 200, 200, 200, 200, 200]],
  ["GET /api/users",         null,               [401, 200, 200, 200, 200, 200]],
  ["GET /api/tickets",       null,               [401, 200, 200, 200, 200, 200]],
  ["POST /api/tickets",      null,               [401, 201, 201, 201, 201, 201]],
  ["GET /api/tickets/:id",   "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["GET /api/tickets/:id",   "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["PATCH /api/tickets/:id", "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["PATCH /api/tickets/:id", "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["GET /api/events",        null,               [401, 403, 200, 200, 403, 200]],
  ["POST /api/tickets/:id/collab-token", "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["POST /api/tickets/:id/collab-token", "other-org ticket", [401, 404, 404, 404, 404, 404]],
  // No provider is configured here, so staff get 503 no_provider: proof they got past the permission check.
  ["POST /api/ai/complete",  "own-org ticket",   [401, 503, 503, 503, 503, 503]],
  ["POST /api/ai/complete",  "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["GET /api/ai/usage",      null,               [401, 403, 403, 200, 403, 200]],
  ["GET /api/admin/ai/providers",           null, [401, 403, 403, 200, 403, 200]],
  ["POST /api/admin/ai/providers",          null, [401, 403, 403, 201, 403, 201]],
  ["PATCH /api/admin/ai/providers/:id",     null, [401, 403, 403, 200, 403, 200]],
  ["POST /api/admin/ai/providers/:id/test", null, [401, 403, 403, 200, 403, 200]],
  ["DELETE /api/admin/ai/providers/:id",    null, [401, 403, 403, 204, 403, 204]],
  ["GET /api/admin/ai/routing",             null, [401, 403, 403, 200, 403, 200]],
  ["PUT /api/admin/ai/routing/:task",       null, [401, 403, 403, 200, 403, 200]],
  ["GET /api/admin/ai/prices",              null, [401, 403, 403, 200, 403, 200]],
  ["PUT /api/admin/ai/prices",              null, [401, 403, 403, 200, 403, 200]],
  ["GET /api/admin/ai/settings",            null, [401, 403, 403, 200, 403, 200]],
  ["PATCH /api/admin/ai/settings",          null, [401, 403, 403, 200, 403, 200]],
  // Metrics (docs/metrics.md [M20]): rows ask for scope=org; each call also proves the caller's own agent scope works.
  ["GET /api/metrics/summary",       null,       [401, 403, 200, 200, 403, 200]],
  ["GET /api/metrics/explain",       null,       [401, 403, 200, 200, 403, 200]],
  ["GET /api/metrics/cabinet",       null,       [401, 200, 200, 200, 200, 200]],
  ["GET /api/metrics/settings",      null,       [401, 200, 200, 200, 200, 200]],
  ["PUT /api/metrics/settings",      null,       [401, 403, 403, 200, 403, 200]],
  ["GET /api/me/status",             null,       [401, 200, 200, 200, 200, 200]],
  ["PUT /api/me/status",             null,       [401, 200, 200, 200, 200, 200]],
  ["POST /api/admin/api-keys",       null,       [401, 403, 403, 201, 403, 201]],
  ["GET /api/admin/api-keys",        null,       [401, 403, 403, 200, 403, 200]],
  ["DELETE /api/admin/api-keys/:id", null,       [401, 403, 403, 204, 403, 204]],
  // Ingest takes API keys, not sessions: see tests/integration/metrics-api.test.ts for the key table.
  ["POST /api/events",               null,       [401, 403, 403, 403, 403, 403]],
  // Invites: staff of the ticket's organisation; accepting needs only the link (its token is the check).
  // A guest principal against every route: tests/integration/invites-guest-routes.test.ts.
  ["POST /api/tickets/:id/invites", "own-org ticket",   [401, 201, 201, 201, 201, 201]],
  ["POST /api/tickets/:id/invites", "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["GET /api/tickets/:id/invites",  "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["GET /api/tickets/:id/invites",  "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["DELETE /api/invites/:id",       null,               [401, 204, 204, 204, 204, 204]],
  ["POST /api/invites/accept",      null,               [200, 200, 200, 200, 200, 200]],
  ["GET /api/guest/me",             null,               [401, 403, 403, 403, 403, 403]],
  // Chat: staff of the ticket's organisation (a guest of the ticket: tests/integration/chat-access.test.ts);
  // each principal edits and deletes a message of their own; revisions (the audit trail) are for admins.
  ["GET /api/tickets/:id/messages",   "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["GET /api/tickets/:id/messages",   "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["POST /api/tickets/:id/messages",  "own-org ticket",   [401, 201, 201, 201, 201, 201]],
  ["POST /api/tickets/:id/messages",  "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["PATCH /api/tickets/:id/messages/:messageId",  "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["PATCH /api/tickets/:id/messages/:messageId",  "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["DELETE /api/tickets/:id/messages/:messageId", "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["DELETE /api/tickets/:id/messages/:messageId", "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["GET /api/tickets/:id/messages/:messageId/revisions", "own-org ticket",   [401, 403, 403, 200, 403, 200]],
  ["GET /api/tickets/:id/messages/:messageId/revisions", "other-org ticket", [401, 403, 403, 404, 403, 404]],
  // Website widget: keys are for admins; the public call is guarded by the key's allowed websites and
  // a browser Origin (here none is sent, so everyone is refused): tests/integration/widget.test.ts.
  ["POST /api/admin/widget-keys",       null, [401, 403, 403, 201, 403, 201]],
  ["GET /api/admin/widget-keys",        null, [401, 403, 403, 200, 403, 200]],
  ["DELETE /api/admin/widget-keys/:id", null, [401, 403, 403, 204, 403, 204]],
  ["POST /api/widget/tickets",          null, [403, 403, 403, 403, 403, 403]],
  ["GET /widget.js",                    null, [200, 200, 200, 200, 200, 200]],
  // Calls: staff start and end; monitor/whisper/barge are for supervisors and admins; a guest only
  // reaches its own ticket's call (tests/integration/calls-permissions.test.ts). LiveKit is not
  // configured here, so its webhook does not exist (404): tests/integration/calls-livekit.test.ts.
  ["POST /api/tickets/:id/call",    "own-org ticket",   [401, 201, 201, 201, 201, 201]],
  ["POST /api/tickets/:id/call",    "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["GET /api/tickets/:id/call",     "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["GET /api/tickets/:id/call",     "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["GET /api/calls",                null,               [401, 403, 200, 200, 403, 200]],
  ["POST /api/calls/:id/join",      "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["POST /api/calls/:id/join",      "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["POST /api/calls/:id/mode",      "own-org ticket",   [401, 403, 200, 200, 403, 200]],
  ["POST /api/calls/:id/mode",      "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["POST /api/calls/:id/leave",     "own-org ticket",   [401, 204, 204, 204, 204, 204]],
  ["POST /api/calls/:id/leave",     "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["POST /api/calls/:id/end",       "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["POST /api/calls/:id/end",       "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["POST /api/media/livekit/webhook", null,             [404, 404, 404, 404, 404, 404]],
  // Stored transcript segments of a call: staff of its organisation (tests/integration/transcription.test.ts).
  ["GET /api/calls/:id/transcript", "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["GET /api/calls/:id/transcript", "other-org ticket", [401, 404, 404, 404, 404, 404]],
  // Attachments: staff of the ticket's organisation (and the ticket's guest: tests/integration/attachments-access.test.ts).
  ["POST /api/tickets/:id/attachments", "own-org ticket",   [401, 201, 201, 201, 201, 201]],
  ["POST /api/tickets/:id/attachments", "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["GET /api/attachments/:id/url",      "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["GET /api/attachments/:id/url",      "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["GET /api/attachments/:id/content",  "own-org ticket",   [401, 200, 200, 200, 200, 200]],
  ["GET /api/attachments/:id/content",  "other-org ticket", [401, 404, 404, 404, 404, 404]],
  ["GET /api/audit",                    null,               [401, 403, 403, 200, 403, 200]],
  ["GET /healthz",           null,               [200, 200, 200, 200, 200, 200]],
  ["GET /readyz",            null,               [200, 200, 200, 200, 200, 200]],
];

interface Row {
  endpoint: string;
  who: Who;
  target: Target | null;
  status: number;
}
const rows: Row[] = table.flatMap(([endpoint, target, statuses]) =>
  columns.map((who, i) => ({ endpoint, who, target, status: statuses[i]! })),
);

interface Ctx {
  server: TestServer;
  clients: Record<Who, ApiClient>;
  orgIds: Record<"demo" | "demo-ru", string>;
  tickets: Record<"demo" | "demo-ru", string>;
}
type Call = { client: ApiClient; ctx: Ctx; row: Row; ticketId: string; orgId: string };

const orgOf = (who: Who) => principals[who]?.org ?? "demo";
const otherOrg = (org: "demo" | "demo-ru") => (org === "demo" ? "demo-ru" : "demo");
const clientWith = (url: string, cookie: string | undefined) => Object.assign(new ApiClient(url), { cookie });
const idsIn = (res: ApiResponse, key: string): string[] => res.body[key].map((x: { id: string }) => x.id);

/** Each id of `tableName` belongs to `orgId`: lists never leak another organisation's rows. */
async function assertAllInOrg(ctx: Ctx, tableName: "tickets" | "users" | "events", ids: string[], orgId: string) {
  assert.ok(ids.length > 0, `some ${tableName} are listed`);
  const foreign = await ctx.server.db.query(`select id from ${tableName} where id = any($1::uuid[]) and org_id <> $2`, [ids, orgId]);
  assert.equal([...foreign], [], `no ${tableName} of another organisation`);
}

/** How each endpoint is called, and what a success must also prove. */
const calls: Record<string, (call: Call) => Promise<ApiResponse>> = {
  "POST /api/auth/login": async ({ ctx, row }) => {
    const creds = principals[row.who] ?? principals["demo technician"];
    const client = clientWith(ctx.server.url, ctx.clients[row.who].cookie);
    const res = await client.post("/api/auth/login", { email: creds.email, password: "caseroom" });
    if (res.status === 200) assert.is(res.body.user.email, creds.email);
    return res;
  },
  "POST /api/auth/logout": async ({ ctx, row }) => {
    const creds = principals[row.who];
    const client = creds ? await loginAs(ctx.server.url, creds.email) : new ApiClient(ctx.server.url);
    const cookie = client.cookie;
    const res = await client.post("/api/auth/logout");
    if (cookie) assert.is((await clientWith(ctx.server.url, cookie).get("/api/me")).status, 401, "old cookie refused");
    return res;
  },
  "GET /api/me": async ({ client, row }) => {
    const res = await client.get("/api/me");
    if (res.status === 200) assert.is(res.body.user.email, principals[row.who]!.email);
    return res;
  },
  "PATCH /api/me": ({ client }) => client.patch("/api/me", { locale: null }),
  "GET /api/users": async ({ client, ctx, orgId }) => {
    const res = await client.get("/api/users");
    if (res.status === 200) await assertAllInOrg(ctx, "users", idsIn(res, "users"), orgId);
    return res;
  },
  "GET /api/tickets": async ({ client, ctx, orgId }) => {
    const res = await client.get("/api/tickets");
    if (res.status === 200) await assertAllInOrg(ctx, "tickets", idsIn(res, "tickets"), orgId);
    return res;
  },
  "POST /api/tickets": async ({ client, ctx, row, orgId }) => {
    const res = await client.post("/api/tickets", { title: `Probe by ${row.who}` });
    if (res.status === 201) await assertAllInOrg(ctx, "tickets", [res.body.ticket.id], orgId);
    return res;
  },
  "GET /api/tickets/:id": async ({ client, ticketId }) => {
    const res = await client.get(`/api/tickets/${ticketId}`);
    if (res.status === 200) assert.is(res.body.ticket.id, ticketId);
    return res;
  },
  "PATCH /api/tickets/:id": async ({ client, ctx, row, ticketId }) => {
    const before = { ticket: await ticketState(ctx.server.db, ticketId), counts: await rowCounts(ctx.server.db) };
    const res = await client.patch(`/api/tickets/${ticketId}`, { title: `Checked by ${row.who}` });
    if (res.status !== 200) {
      assert.equal(await ticketState(ctx.server.db, ticketId), before.ticket, "the ticket row is unchanged");
      assert.equal(await rowCounts(ctx.server.db), before.counts, "no event was written");
    }
    return res;
  },
  "POST /api/tickets/:id/collab-token": async ({ client, ticketId }) => {
    const res = await client.post(`/api/tickets/${ticketId}/collab-token`);
    if (res.status === 200) assert.ok(res.body.token && Date.parse(res.body.expiresAt) > Date.now());
    return res;
  },
  "GET /api/events": async ({ client, ctx, orgId }) => {
    const res = await client.get("/api/events?limit=1000");
    if (res.status === 200) await assertAllInOrg(ctx, "events", idsIn(res, "events"), orgId);
    return res;
  },
  "POST /api/ai/complete": async ({ client, ticketId }) => {
    const res = await client.post("/api/ai/complete", { task: "suggest_next_step", input: "Printer prints blank pages", ticketId });
    if (res.status === 503) assert.is(res.body.error.details.reason, "no_provider");
    return res;
  },
  "GET /api/ai/usage": async ({ client }) => {
    const res = await client.get("/api/ai/usage?groupBy=user");
    if (res.status === 200) assert.equal(res.body.rows, [], "no other organisation's usage");
    return res;
  },
  "GET /api/admin/ai/providers": async ({ client }) => {
    const res = await client.get("/api/admin/ai/providers");
    if (res.status === 200) assert.not.ok(JSON.stringify(res.body).includes(AI_KEY), "a saved key never comes back");
    return res;
  },
  "POST /api/admin/ai/providers": async ({ client }) => {
    await client.delete("/api/admin/ai/providers/deepseek");
    const res = await client.post("/api/admin/ai/providers", { provider: "deepseek", apiKey: AI_KEY, baseUrl: "http://127.0.0.1:9" });
    if (res.status === 201) assert.is(res.body.provider.keyHint, `…${AI_KEY.slice(-4)}`);
    return res;
  },
  "PATCH /api/admin/ai/providers/:id": async ({ client }) => {
    await client.post("/api/admin/ai/providers", { provider: "deepseek", apiKey: AI_KEY });
    return client.patch("/api/admin/ai/providers/deepseek", { baseUrl: "http://127.0.0.1:9" });
  },
  "POST /api/admin/ai/providers/:id/test": async ({ client }) => {
    await client.post("/api/admin/ai/providers", { provider: "deepseek", apiKey: AI_KEY, baseUrl: "http://127.0.0.1:9" });
    const res = await client.post("/api/admin/ai/providers/deepseek/test");
    // Nothing listens on port 9: the test ran and reports the failure.
    if (res.status === 200) assert.equal([res.body.ok, res.body.outcome], [false, "network"]);
    return res;
  },
  "DELETE /api/admin/ai/providers/:id": async ({ client }) => {
    await client.post("/api/admin/ai/providers", { provider: "deepseek", apiKey: AI_KEY });
    return client.delete("/api/admin/ai/providers/deepseek");
  },
  "GET /api/admin/ai/routing": ({ client }) => client.get("/api/admin/ai/routing"),
  "PUT /api/admin/ai/routing/:task": ({ client }) => client.request("PUT", "/api/admin/ai/routing/translate", { chain: null }),
  "GET /api/admin/ai/prices": ({ client }) => client.get("/api/admin/ai/prices"),
  "PUT /api/admin/ai/prices": ({ client }) => client.request("PUT", "/api/admin/ai/prices", { prices: [] }),
  "GET /api/admin/ai/settings": ({ client }) => client.get("/api/admin/ai/settings"),
  "PATCH /api/admin/ai/settings": ({ client }) => client.patch("/api/admin/ai/settings", { redaction: { email: true } }),
  "GET /api/metrics/summary": async ({ client, row }) => {
    if (principals[row.who]) assert.is((await client.get(`/api/metrics/summary?scope=agent:${await myId(client)}`)).status, 200, "own agent scope");
    return client.get("/api/metrics/summary?scope=org&window=today");
  },
  "GET /api/metrics/explain": async ({ client, row }) => {
    if (principals[row.who]) assert.is((await client.get(`/api/metrics/explain?kpi=frt&scope=agent:${await myId(client)}`)).status, 200, "own agent scope");
    return client.get("/api/metrics/explain?kpi=frt&scope=org");
  },
  "GET /api/metrics/cabinet": ({ client }) => client.get("/api/metrics/cabinet"),
  "GET /api/metrics/settings": ({ client }) => client.get("/api/metrics/settings"),
  "PUT /api/metrics/settings": ({ client }) => client.request("PUT", "/api/metrics/settings", defaultMetricSettings),
  "GET /api/me/status": ({ client }) => client.get("/api/me/status"),
  "PUT /api/me/status": ({ client }) => client.request("PUT", "/api/me/status", { status: "available" }),
  "POST /api/admin/api-keys": async ({ client, ctx, orgId }) => {
    const res = await client.post("/api/admin/api-keys", { name: "Probe", scopes: ["events:write"] });
    if (res.status === 201) assert.equal([...(await ctx.server.db.query("select org_id from api_keys where id = $1", [res.body.id]))], [{ org_id: orgId }]);
    return res;
  },
  "GET /api/admin/api-keys": async ({ client, ctx, orgId }) => {
    const res = await client.get("/api/admin/api-keys");
    if (res.status === 200) {
      const ids = idsIn(res, "apiKeys");
      assert.equal([...(await ctx.server.db.query("select id from api_keys where id = any($1::uuid[]) and org_id <> $2", [ids, orgId]))], [], "no other organisation's keys");
    }
    return res;
  },
  "DELETE /api/admin/api-keys/:id": async ({ client, ctx, row }) => {
    const org = orgOf(row.who);
    const keyOf = async (o: "demo" | "demo-ru") => (await ctx.clients[o === "demo" ? "demo admin" : "demo-ru admin"].post("/api/admin/api-keys", { name: "Doomed", scopes: ["events:write"] })).body.id;
    const res = await client.delete(`/api/admin/api-keys/${await keyOf(org)}`);
    if (res.status === 204) assert.is((await client.delete(`/api/admin/api-keys/${await keyOf(otherOrg(org))}`)).status, 404, "another organisation's key is not found");
    return res;
  },
  "POST /api/events": async ({ client, ctx }) => {
    const before = await rowCounts(ctx.server.db);
    const res = await client.post("/api/events", { events: [{ id: randomUUID(), type: "call.ended", at: new Date().toISOString(), callId: randomUUID(), data: {} }] });
    assert.equal(await rowCounts(ctx.server.db), before, "nothing stored");
    return res;
  },
  "POST /api/tickets/:id/invites": async ({ client, ctx, ticketId }) => {
    const res = await client.post(`/api/tickets/${ticketId}/invites`, {});
    if (res.status === 201) {
      const [row] = await ctx.server.db.query<{ ticket_id: string }>("select ticket_id from invites where id = $1", [res.body.invite.id]);
      assert.is(row?.ticket_id, ticketId);
    }
    return res;
  },
  "GET /api/tickets/:id/invites": async ({ client, ticketId }) => {
    const res = await client.get(`/api/tickets/${ticketId}/invites`);
    if (res.status === 200) for (const invite of res.body.invites) assert.is(invite.ticketId, ticketId);
    return res;
  },
  "DELETE /api/invites/:id": async ({ client, ctx, row }) => {
    const org = orgOf(row.who);
    const inviteOf = async (o: "demo" | "demo-ru") =>
      (await ctx.clients[o === "demo" ? "demo admin" : "demo-ru admin"].post(`/api/tickets/${ctx.tickets[o]}/invites`, {})).body.invite.id;
    const res = await client.delete(`/api/invites/${await inviteOf(org)}`);
    if (res.status === 204) assert.is((await client.delete(`/api/invites/${await inviteOf(otherOrg(org))}`)).status, 404, "another organisation's invite is not found");
    return res;
  },
  "POST /api/invites/accept": async ({ client, ctx, row }) => {
    const org = orgOf(row.who);
    const { url } = (await ctx.clients[org === "demo" ? "demo admin" : "demo-ru admin"].post(`/api/tickets/${ctx.tickets[org]}/invites`, {})).body.invite;
    // A copy of the caller's cookie jar: accepting sets a guest cookie, which must not replace the row's session.
    const res = await clientWith(ctx.server.url, client.cookie).post("/api/invites/accept", { token: url.split("/join/")[1], name: "Probe" });
    if (res.status === 200) assert.is(res.body.guest.ticketId, ctx.tickets[org]);
    return res;
  },
  "GET /api/guest/me": ({ client }) => client.get("/api/guest/me"),
  "POST /api/admin/widget-keys": async ({ client, ctx, orgId }) => {
    const res = await client.post("/api/admin/widget-keys", { name: "Probe", allowedOrigins: ["https://shop.example.com"] });
    if (res.status === 201) assert.equal([...(await ctx.server.db.query("select org_id from widget_keys where id = $1", [res.body.widgetKey.id]))], [{ org_id: orgId }]);
    return res;
  },
  "GET /api/admin/widget-keys": async ({ client, ctx, orgId }) => {
    const res = await client.get("/api/admin/widget-keys");
    if (res.status === 200) {
      const ids = idsIn(res, "widgetKeys");
      assert.equal([...(await ctx.server.db.query("select id from widget_keys where id = any($1::uuid[]) and org_id <> $2", [ids, orgId]))], [], "no other organisation's keys");
    }
    return res;
  },
  "DELETE /api/admin/widget-keys/:id": async ({ client, ctx, row }) => {
    const org = orgOf(row.who);
    const keyOf = async (o: "demo" | "demo-ru") =>
      (await ctx.clients[o === "demo" ? "demo admin" : "demo-ru admin"].post("/api/admin/widget-keys", { name: "Doomed", allowedOrigins: ["https://shop.example.com"] })).body.widgetKey.id;
    const res = await client.delete(`/api/admin/widget-keys/${await keyOf(org)}`);
    if (res.status === 204) assert.is((await client.delete(`/api/admin/widget-keys/${await keyOf(otherOrg(org))}`)).status, 404, "another organisation's key is not found");
    return res;
  },
  "POST /api/widget/tickets": async ({ client, ctx }) => {
    const before = await rowCounts(ctx.server.db);
    const res = await client.post("/api/widget/tickets", { widgetKey: "crw_probe_probe", name: "Probe", text: "hi" });
    assert.equal(await rowCounts(ctx.server.db), before, "nothing stored");
    return res;
  },
  "GET /widget.js": ({ client }) => client.get("/widget.js"),
  "GET /api/tickets/:id/messages": async ({ client, ticketId }) => {
    const res = await client.get(`/api/tickets/${ticketId}/messages`);
    if (res.status === 200) for (const m of res.body.messages) assert.is(m.ticketId, ticketId);
    return res;
  },
  "POST /api/tickets/:id/messages": async ({ client, ctx, ticketId }) => {
    const id = randomUUID();
    const res = await client.post(`/api/tickets/${ticketId}/messages`, { id, text: "Probe" });
    if (res.status !== 201) assert.equal([...(await ctx.server.db.query("select id from messages where id = $1", [id]))], [], "nothing stored");
    return res;
  },
  "PATCH /api/tickets/:id/messages/:messageId": async ({ client, ctx, ticketId }) =>
    client.patch(`/api/tickets/${ticketId}/messages/${await messageOn(ctx, client, ticketId)}`, { text: "Edited probe" }),
  "DELETE /api/tickets/:id/messages/:messageId": async ({ client, ctx, ticketId }) =>
    client.delete(`/api/tickets/${ticketId}/messages/${await messageOn(ctx, client, ticketId)}`),
  "GET /api/tickets/:id/messages/:messageId/revisions": async ({ client, ctx, ticketId }) =>
    client.get(`/api/tickets/${ticketId}/messages/${await messageOn(ctx, client, ticketId)}/revisions`),
  "POST /api/tickets/:id/call": async ({ client, ctx, ticketId }) => {
    const res = await client.post(`/api/tickets/${ticketId}/call`);
    if (res.status === 201) {
      assert.is(res.body.call.ticketId, ticketId);
      assert.is((await client.post(`/api/calls/${res.body.call.id}/end`)).status, 200, "the starter ends it, so the next row starts afresh");
    }
    return res;
  },
  "GET /api/tickets/:id/call": ({ client, ticketId }) => client.get(`/api/tickets/${ticketId}/call`),
  "GET /api/calls": async ({ client, ctx, orgId }) => {
    const res = await client.get("/api/calls");
    if (res.status === 200) {
      const ids = idsIn(res, "calls");
      assert.equal([...(await ctx.server.db.query("select id from calls where id = any($1::uuid[]) and org_id <> $2", [ids, orgId]))], [], "no other organisation's calls");
    }
    return res;
  },
  "POST /api/calls/:id/join": async ({ client, ctx, ticketId }) => client.post(`/api/calls/${await freshCall(ctx, ticketId)}/join`, {}),
  "POST /api/calls/:id/mode": async ({ client, ctx, ticketId }) => {
    const callId = await freshCall(ctx, ticketId);
    await client.post(`/api/calls/${callId}/join`, {});
    return client.post(`/api/calls/${callId}/mode`, { mode: "monitor" });
  },
  "POST /api/calls/:id/leave": async ({ client, ctx, ticketId }) => {
    const callId = await freshCall(ctx, ticketId);
    await client.post(`/api/calls/${callId}/join`, {});
    return client.post(`/api/calls/${callId}/leave`);
  },
  "POST /api/calls/:id/end": async ({ client, ctx, ticketId }) => client.post(`/api/calls/${await freshCall(ctx, ticketId)}/end`),
  "GET /api/calls/:id/transcript": async ({ client, ctx, ticketId }) => {
    const res = await client.get(`/api/calls/${await freshCall(ctx, ticketId)}/transcript`);
    if (res.status === 200) assert.equal(res.body.segments, []);
    return res;
  },
  "POST /api/media/livekit/webhook": ({ client }) => client.post("/api/media/livekit/webhook", { event: "room_finished" }),
  "POST /api/tickets/:id/attachments": async ({ client, ctx, ticketId }) => {
    const res = await upload(client, ticketId, await pngImage(), "probe.png", "image/png");
    if (res.status === 201) assert.equal([...(await ctx.server.db.query("select ticket_id from attachments where id = $1", [res.body.attachment.id]))], [{ ticket_id: ticketId }]);
    return res;
  },
  "GET /api/attachments/:id/url": async ({ client, ctx, ticketId }) => client.get(`/api/attachments/${await probeAttachment(ctx, ticketId)}/url`),
  "GET /api/attachments/:id/content": async ({ client, ctx, ticketId }) => {
    const id = await probeAttachment(ctx, ticketId);
    const own = await client.get(`/api/attachments/${id}/url`);
    // Without a link of their own, the caller tries the uploader's link: refused before its signature is read.
    const url = own.status === 200 ? own.body.url : (await ctx.clients[adminOf(ctx, ticketId)].get(`/api/attachments/${id}/url`)).body.url;
    const res = await fetchLink(client, url);
    if (res.status === 200) assert.is(res.headers.get("content-type"), "image/png");
    return { status: res.status, body: res.status === 200 ? undefined : await res.json(), headers: res.headers };
  },
  "GET /api/audit": async ({ client, ctx, orgId }) => {
    const res = await client.get("/api/audit");
    if (res.status === 200) {
      const ids = res.body.entries.map((e: { id: string }) => e.id);
      assert.equal([...(await ctx.server.db.query("select id from audit_log where id = any($1::bigint[]) and org_id <> $2", [ids, orgId]))], [], "no other organisation's entries");
    }
    return res;
  },
  "GET /healthz": ({ client }) => client.get("/healthz"),
  "GET /readyz": ({ client }) => client.get("/readyz"),
};

const AI_KEY = "sk-authz-table-0123456789";

/** A message on the ticket, by the caller when they may write there, else by that ticket's organisation's admin. */
async function messageOn(ctx: Ctx, client: ApiClient, ticketId: string): Promise<string> {
  const id = randomUUID();
  const own = await client.post(`/api/tickets/${ticketId}/messages`, { id, text: "Probe to change" });
  if (own.status === 201) return id;
  const org = ticketId === ctx.tickets.demo ? "demo" : "demo-ru";
  await ctx.clients[org === "demo" ? "demo admin" : "demo-ru admin"].post(`/api/tickets/${ticketId}/messages`, { id, text: "Probe to change" });
  return id;
}

const adminOf = (ctx: Ctx, ticketId: string): Who => (ticketId === ctx.tickets.demo ? "demo admin" : "demo-ru admin");

/** An image uploaded to the ticket by its organisation's admin. */
async function probeAttachment(ctx: Ctx, ticketId: string): Promise<string> {
  const res = await upload(ctx.clients[adminOf(ctx, ticketId)], ticketId, await pngImage(), "probe.png", "image/png");
  if (res.status !== 201) throw new Error(`probe upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.attachment.id;
}

const myId = async (client: ApiClient): Promise<string> => (await client.get("/api/me")).body.user.id;

/** A call just started on the ticket by its organisation's admin (any earlier one ended first). */
async function freshCall(ctx: Ctx, ticketId: string): Promise<string> {
  const admin = ctx.clients[ticketId === ctx.tickets.demo ? "demo admin" : "demo-ru admin"];
  const first = await admin.post(`/api/tickets/${ticketId}/call`);
  await admin.post(`/api/calls/${first.body.call.id}/end`);
  const res = await admin.post(`/api/tickets/${ticketId}/call`);
  if (res.status !== 201) throw new Error(`call start failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.call.id;
}

const codeOf: Record<number, string> = { 401: "unauthenticated", 403: "forbidden", 404: "not_found" };

const test = suite<Ctx>("authorization table");

test.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres" });
  ctx.clients = {} as Ctx["clients"];
  for (const who of columns) {
    const creds = principals[who];
    ctx.clients[who] = creds ? await loginAs(ctx.server.url, creds.email) : new ApiClient(ctx.server.url);
  }
  ctx.orgIds = { demo: await orgIdBySlug(ctx.server.db, "demo"), "demo-ru": await orgIdBySlug(ctx.server.db, "demo-ru") };
  ctx.tickets = { demo: await firstTicketOf(ctx.server.db, ctx.orgIds.demo), "demo-ru": await firstTicketOf(ctx.server.db, ctx.orgIds["demo-ru"]) };
});
test.after(async (ctx) => ctx.server?.close());

for (const row of rows) {
  const own = row.target === "own-org ticket";
  const on = !row.target ? "" : row.who === "anonymous" ? ` on a ${own ? "demo" : "demo-ru"} ticket` : ` on ${own ? "a ticket of their own org" : "another org's ticket"}`;
  test(`${row.endpoint} as ${row.who}${on} → ${row.status}`, async (ctx) => {
    const org = orgOf(row.who);
    const ticketOrg = row.target === "other-org ticket" ? otherOrg(org) : org;
    const res = await calls[row.endpoint]!({ client: ctx.clients[row.who], ctx, row, ticketId: ctx.tickets[ticketOrg], orgId: ctx.orgIds[org] });
    assert.is(res.status, row.status, JSON.stringify(res.body));
    if (codeOf[row.status]) {
      assert.is(res.body.error.code, codeOf[row.status]);
      assert.type(res.body.error.message, "string");
    }
  });
}

test("every table endpoint has a way to call it", () => {
  assert.equal([...new Set(table.map(([endpoint]) => endpoint))].sort(), Object.keys(calls).sort());
});

test("every route registered in server/src is in the table, and every table endpoint is registered", () => {
  const root = path.resolve(import.meta.dirname, "../../server/src");
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
    });
  const registered = new Set<string>();
  for (const file of files(root)) {
    // Any `x.get("/path"` style registration, and `.route("/path")` chains, which the table must then learn.
    for (const m of readFileSync(file, "utf8").matchAll(/\.(get|post|put|patch|delete|all|route)\(\s*["'`](\/[^"'`]*)["'`]/g)) {
      registered.add(`${m[1]!.toUpperCase()} ${m[2]}`);
    }
  }
  assert.ok(registered.size >= 12, `found the route registrations (${[...registered].join(", ")})`);
  assert.equal([...registered].sort(), Object.keys(calls).sort(), "routes in server/src vs the authorization table");
});

test.run();

// The same rules on the socket: the session cookie is the only way in, and a logout ends it everywhere.
interface SocketCtx {
  server: TestServer;
  tech1: ApiClient;
  socket: ClientSocket;
  ownTicket: string;
  otherTicket: string;
}
const sockets = suite<SocketCtx>("socket.io authorization and logout");

sockets.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres" });
  ctx.tech1 = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.socket = await connectSocket(ctx.server.url, ctx.tech1.cookie);
  ctx.ownTicket = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  ctx.otherTicket = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo-ru"));
});
sockets.after(async (ctx) => {
  ctx.socket?.close();
  await ctx.server?.close();
});

sockets("connecting without a cookie is refused with connect_error", async ({ server }) => {
  const err = await connectSocket(server.url).then(() => undefined, (e: Error) => e);
  assert.ok(err, "connect_error");
  assert.match(err!.message, /log in/i);
});

sockets("connecting with an unknown session cookie is refused with connect_error", async ({ server }) => {
  const err = await connectSocket(server.url, "caseroom_session=forged-token").then(() => undefined, (e: Error) => e);
  assert.ok(err, "connect_error");
});

sockets("connecting with a valid session cookie works", ({ socket }) => {
  assert.ok(socket.connected);
});

sockets("ticket:watch on an own-org ticket acks ok with the viewers", async ({ socket, ownTicket }) => {
  const ack = await socket.timeout(5000).emitWithAck("ticket:watch", { ticketId: ownTicket });
  assert.ok(ack.ok, JSON.stringify(ack));
});

sockets("ticket:watch on another organisation's ticket acks not_found (never forbidden)", async ({ socket, otherTicket }) => {
  const ack = await socket.timeout(5000).emitWithAck("ticket:watch", { ticketId: otherTicket });
  assert.equal(ack.ok, false);
  if (!ack.ok) assert.is(ack.error.code, "not_found");
});

sockets("a malformed ticket:watch payload acks validation_failed", async ({ socket }) => {
  for (const payload of [{ ticketId: "not-a-uuid" }, "a string", { ticketId: randomUUID(), extra: 1 }, null]) {
    const ack = await socket.timeout(5000).emitWithAck("ticket:watch", payload as never);
    assert.equal(ack.ok, false, JSON.stringify(payload));
    if (!ack.ok) assert.is(ack.error.code, "validation_failed", JSON.stringify(payload));
  }
  assert.ok(socket.connected, "a bad payload does not cost the connection");
});

sockets("after logout the old cookie is 401 and that session's socket is disconnected; other sessions stay", async (ctx) => {
  const other = await loginAs(ctx.server.url, "tech1@caseroom.local");
  const cookie = other.cookie!;
  const doomed = await connectSocket(ctx.server.url, cookie);
  let reason: string | undefined;
  doomed.on("disconnect", (r) => (reason = r));
  assert.is((await other.post("/api/auth/logout")).status, 204);
  await waitFor(() => reason, { what: "the logged-out session's socket to be disconnected" });
  assert.is(reason, "io server disconnect");
  const res = await clientWith(ctx.server.url, cookie).get("/api/me");
  assert.is(res.status, 401);
  assert.is(res.body.error.code, "unauthenticated");
  assert.ok(await connectSocket(ctx.server.url, cookie).then(() => false, () => true), "the old cookie cannot reconnect");
  assert.is((await ctx.tech1.get("/api/me")).status, 200, "tech1's other session still works");
  assert.ok(ctx.socket.connected, "tech1's other session's socket stays connected");
});

sockets.run();
