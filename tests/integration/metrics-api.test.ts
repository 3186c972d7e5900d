// The metrics pipeline end to end on PostgreSQL: API keys, the ingest endpoint (all-or-nothing,
// duplicates), the hand-built log through HTTP, scopes and who may read them, wallboard pushes.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Wallboard } from "@caseroom/shared";
import { orgIdBySlug, rowCounts } from "../helpers/dbState.ts";
import { ApiClient, loginAs, startServer, waitFor, type TestServer } from "../helpers/server.ts";
import { connectSocket, record, type ClientSocket } from "../helpers/sockets.ts";
import { handBuiltLog, shuffled, type HandLog } from "../fixtures/metricsLog.ts";

interface Ctx {
  server: TestServer;
  admin: ApiClient;
  supervisor: ApiClient;
  tech1: ApiClient;
  key: string;
  ids: { tech1: string; tech2: string; supervisor: string; hardware: string; ruTeam: string; ruTech: string };
  log: HandLog;
  t0: number;
  range: string;
}

const bearer = (server: TestServer, key: string) => {
  const client = new ApiClient(server.url);
  return {
    post: (url: string, body: unknown) => client.request("POST", url, body, { headers: { authorization: `Bearer ${key}` } }),
  };
};

const test = suite<Ctx>("[M22] ingest and [M20] metrics API");

test.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres" });
  ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  ctx.supervisor = await loginAs(ctx.server.url, "supervisor@caseroom.local");
  ctx.tech1 = await loginAs(ctx.server.url, "tech1@caseroom.local");
  const db = ctx.server.db;
  const user = async (email: string) => (await db.query<{ id: string }>("select id from users where email = $1", [email]))[0]!.id;
  const team = async (name: string) => (await db.query<{ id: string }>("select id from teams where name = $1", [name]))[0]!.id;
  ctx.ids = {
    tech1: await user("tech1@caseroom.local"),
    tech2: await user("tech2@caseroom.local"),
    supervisor: await user("supervisor@caseroom.local"),
    hardware: await team("Hardware"),
    ruTeam: await team("Сеть"),
    ruTech: await user("tech1@ru.caseroom.local"),
  };
  // Two hours ago, on a whole minute: inside "today" only sometimes, so the test asks for an explicit range.
  ctx.t0 = Math.floor((Date.now() - 2 * 3600_000) / 60_000) * 60_000;
  ctx.log = handBuiltLog(ctx.ids.tech1, ctx.ids.tech2, ctx.t0);
  ctx.range = `from=${new Date(ctx.t0).toISOString()}&to=${new Date(ctx.t0 + 65 * 60_000).toISOString()}`;
});
test.after(async (ctx) => ctx.server?.close());

test("[M22] an admin creates an API key: shown once, listed by prefix only, stored hashed", async (ctx) => {
  const res = await ctx.admin.post("/api/admin/api-keys", { name: "Telephony", scopes: ["events:write"] });
  assert.is(res.status, 201, JSON.stringify(res.body));
  ctx.key = res.body.key;
  assert.match(ctx.key, /^crk_[\w-]{40,}$/);
  const list = await ctx.admin.get("/api/admin/api-keys");
  assert.ok(list.body.apiKeys.some((k: { id: string; prefix: string }) => k.id === res.body.id && ctx.key.startsWith(k.prefix)));
  assert.not.ok(JSON.stringify(list.body).includes(ctx.key), "the key itself is never listed");
  const [row] = await ctx.server.db.query<{ key_hash: string }>("select key_hash from api_keys where id = $1", [res.body.id]);
  assert.is.not(row!.key_hash, ctx.key);
  assert.is(row!.key_hash.length, 64, "a sha256 hex digest");
});

test("[M22] a 1,000-event batch with three bad events is refused whole, naming each index", async (ctx) => {
  const before = await rowCounts(ctx.server.db);
  const events = Array.from({ length: 1000 }, (_, i) => ({ id: randomUUID(), type: "agent.status_changed", at: new Date().toISOString(), actorId: ctx.ids.tech1, data: { from: "away", to: i % 2 ? "busy" : "available" } }));
  events[3] = { ...events[3]!, type: "agent.teleported" };
  (events[500] as Record<string, unknown>).data = { from: "away", to: "asleep" };
  (events[999] as Record<string, unknown>).at = "yesterday";
  const res = await bearer(ctx.server, ctx.key).post("/api/events", { events });
  assert.is(res.status, 400, JSON.stringify(res.body).slice(0, 500));
  assert.is(res.body.error.code, "validation_failed");
  assert.equal(res.body.error.details.invalid.map((i: { index: number }) => i.index), [3, 500, 999]);
  assert.ok(res.body.error.details.fields.some((f: { path: string }) => f.path === "events.500.data.to"));
  assert.equal(await rowCounts(ctx.server.db), before, "nothing was stored");
});

test("[M22] more than 1,000 events is 413; references to unknown tickets and users are named", async (ctx) => {
  const many = Array.from({ length: 1001 }, () => ({ id: randomUUID(), type: "call.ended", at: new Date().toISOString(), callId: randomUUID(), data: {} }));
  assert.is((await bearer(ctx.server, ctx.key).post("/api/events", { events: many })).status, 413);
  const foreignTicket = (await ctx.server.db.query<{ id: string }>("select t.id from tickets t join orgs o on o.id = t.org_id where o.slug = 'demo-ru' limit 1"))[0]!.id;
  const res = await bearer(ctx.server, ctx.key).post("/api/events", {
    events: [
      { id: randomUUID(), type: "csat.submitted", at: new Date().toISOString(), ticketId: foreignTicket, data: { score: 5 } },
      { id: randomUUID(), type: "ticket.created", at: new Date().toISOString(), ticketId: randomUUID(), data: { title: "x", priority: "low" } },
      { id: randomUUID(), type: "ticket.assigned", at: new Date().toISOString(), ticketId: randomUUID(), data: { from: null, to: ctx.ids.ruTech } },
    ],
  });
  assert.is(res.status, 400);
  assert.equal(res.body.error.details.fields.map((f: { path: string }) => f.path), ["events.0.ticketId", "events.2.ticketId", "events.2.data.to"]);
});

test("[M22] the hand-built log, shuffled and partly sent twice: duplicates counted, not stored twice", async (ctx) => {
  const events = shuffled(ctx.log.events);
  const first = await bearer(ctx.server, ctx.key).post("/api/events", { events: events.slice(0, 25) });
  assert.equal(first.body, { accepted: 25, duplicates: 0 }, JSON.stringify(first.body));
  const second = await bearer(ctx.server, ctx.key).post("/api/events", { events: [...events.slice(20), events[0]] });
  assert.equal(second.body, { accepted: events.length - 25, duplicates: 6 });
  const [stored] = await ctx.server.db.query<{ n: number }>("select count(*)::int as n from events where id = any($1::uuid[])", [events.map((e) => e.id)]);
  assert.is(Number(stored!.n), events.length);
  const ticket = await ctx.admin.get(`/api/tickets/${ctx.log.K[1]}`);
  assert.is(ticket.status, 200, "ticket.created for a new id created the ticket");
  assert.is(ticket.body.ticket.title, "Ticket 1");
});

test("[M3]-[M11] the figures through HTTP match the hand computation, for org, team and agent", async (ctx) => {
  const summary = async (scope: string) => {
    let body: any;
    await waitFor(async () => {
      body = (await ctx.supervisor.get(`/api/metrics/summary?scope=${scope}&${ctx.range}`)).body;
      return body.kpis?.csat.n === 3 || (scope !== "org" && body.kpis?.frt.n > 0);
    }, { what: `the ${scope} figures` });
    return Object.fromEntries(Object.entries(body.kpis).map(([k, v]: [string, any]) => [k, [v.value, v.n]]));
  };
  const org = await summary("org");
  assert.equal(org.frt, [800, 3]);
  assert.equal(org.aht, [330, 2]);
  assert.equal(org.acw, [60, 2]);
  assert.equal(org.fcr, [33.333, 3]);
  assert.equal(org.csat, [66.667, 3]);
  assert.equal(org.sla, [66.667, 3]);
  assert.equal(org.reopenRate, [33.333, 3]);
  assert.equal(org.occupancy, [11.106, 2]);
  const a = await summary(`agent:${ctx.ids.tech1}`);
  assert.equal([a.frt, a.aht, a.sla, a.backlog, a.occupancy], [[600, 1], [420, 1], [50, 2], [1, 1], [10.846, 1]]);
  // Hardware = {supervisor, tech1}: tech1's figures; its score is tech1's alone (the supervisor has none).
  // tech1's AHT is the median of the team's, so that component is full: 30 + 12.5 + 20 + 15 + 10 × 423/3900.
  const team = await summary(`team:${ctx.ids.hardware}`);
  assert.equal(team.frt, [600, 1]);
  assert.equal(team.score, [Math.round((77.5 + (10 * 423) / 3900) * 1000) / 1000, 1]);
});

test("[M13] explain through HTTP: the inputs, down to event ids", async (ctx) => {
  const res = await ctx.supervisor.get(`/api/metrics/explain?kpi=sla&scope=org&${ctx.range}`);
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal([res.body.value, res.body.numerator, res.body.denominator, res.body.rule], [66.667, 2, 3, "M8"]);
  const breached = res.body.inputs.find((i: { outcome: string }) => i.outcome === "breached");
  assert.is(breached.subjectId, ctx.log.K[3]);
  assert.equal(breached.eventIds, [ctx.log.ids["K3.created"]]);
  assert.is(breached.attributedTo, ctx.ids.tech1);
});

test("[M20] technicians read their own agent scope only; another organisation's team is not found", async (ctx) => {
  assert.is((await ctx.tech1.get(`/api/metrics/summary?scope=agent:${ctx.ids.tech1}&window=today`)).status, 200);
  assert.is((await ctx.tech1.get("/api/metrics/summary?scope=org")).status, 403);
  assert.is((await ctx.tech1.get(`/api/metrics/summary?scope=agent:${ctx.ids.tech2}`)).status, 403);
  assert.is((await ctx.tech1.get(`/api/metrics/explain?kpi=frt&scope=team:${ctx.ids.hardware}`)).status, 403);
  assert.is((await ctx.supervisor.get(`/api/metrics/summary?scope=team:${ctx.ids.ruTeam}`)).status, 404);
  assert.is((await ctx.supervisor.get(`/api/metrics/summary?scope=agent:${ctx.ids.ruTech}`)).status, 404);
  const bad = await ctx.supervisor.get("/api/metrics/summary?scope=team:nope&window=1y");
  assert.is(bad.status, 400);
  assert.equal(bad.body.error.details.fields.map((f: { path: string }) => f.path).sort(), ["scope", "window"]);
  assert.is((await ctx.supervisor.get(`/api/metrics/summary?from=${new Date(Date.now() - 40 * 86400_000).toISOString()}&to=${new Date().toISOString()}`)).status, 400, "[M17] beyond the retained detail");
});

test("[M20] the cabinet: my figures today, the team median, 30 days, my events of today", async (ctx) => {
  const res = await ctx.tech1.get("/api/metrics/cabinet");
  assert.is(res.status, 200, JSON.stringify(res.body).slice(0, 300));
  assert.is(res.body.agent.id, ctx.ids.tech1);
  assert.is(res.body.days.length, 30);
  assert.ok("frt" in res.body.teamMedian);
  assert.is((await ctx.tech1.get(`/api/metrics/cabinet?agentId=${ctx.ids.tech2}`)).status, 403);
  assert.is((await ctx.supervisor.get(`/api/metrics/cabinet?agentId=${ctx.ids.tech2}`)).status, 200);
});

test("[M8] [M12] admins change SLA targets and weights; the figures follow", async (ctx) => {
  const settings = (await ctx.tech1.get("/api/metrics/settings")).body.settings;
  assert.is(settings.slaTargetsS.urgent, 900);
  const put = await ctx.admin.request("PUT", "/api/metrics/settings", { ...settings, slaTargetsS: { ...settings.slaTargetsS, urgent: 3600 } });
  assert.is(put.status, 200, JSON.stringify(put.body));
  assert.is((await ctx.supervisor.request("PUT", "/api/metrics/settings", settings)).status, 403);
  // With urgent at 1 h, K3's and K4's deadlines move to 1:05 and 1:10: outside [0:00, 1:05).
  const res = await ctx.supervisor.get(`/api/metrics/summary?scope=org&${ctx.range}`);
  assert.equal([res.body.kpis.sla.value, res.body.kpis.sla.n], [100, 1]);
  await ctx.admin.request("PUT", "/api/metrics/settings", settings);
});

test("[M22] keys: without one 401, a session instead of a key 403, a revoked key 401", async (ctx) => {
  const body = { events: [{ id: randomUUID(), type: "call.ended", at: new Date().toISOString(), callId: randomUUID(), data: {} }] };
  assert.is((await new ApiClient(ctx.server.url).post("/api/events", body)).status, 401);
  assert.is((await ctx.admin.post("/api/events", body)).status, 403);
  assert.is((await bearer(ctx.server, "crk_not-a-key").post("/api/events", body)).status, 401);
  const created = await ctx.admin.post("/api/admin/api-keys", { name: "Short-lived", scopes: ["events:write"] });
  assert.is((await bearer(ctx.server, created.body.key).post("/api/events", body)).status, 200);
  assert.is((await ctx.admin.delete(`/api/admin/api-keys/${created.body.id}`)).status, 204);
  assert.is((await bearer(ctx.server, created.body.key).post("/api/events", body)).status, 401);
});
test.run();

// ---- live wallboard ----------------------------------------------------------------------------
interface LiveCtx {
  server: TestServer;
  key: string;
  supervisor: ApiClient;
  socket: ClientSocket;
}
const live = suite<LiveCtx>("[M19] wallboard pushes");

live.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres" });
  const admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  ctx.key = (await admin.post("/api/admin/api-keys", { name: "Bench", scopes: ["events:write"] })).body.key;
  ctx.supervisor = await loginAs(ctx.server.url, "supervisor@caseroom.local");
  ctx.socket = await connectSocket(ctx.server.url, ctx.supervisor.cookie);
});
live.after(async (ctx) => {
  ctx.socket?.close();
  await ctx.server?.close();
});

live("[M19] a supervisor's org board changes within a second of an ingested ticket.created", async (ctx) => {
  const ack = await ctx.socket.timeout(5000).emitWithAck("metrics:subscribe", { scope: "org" });
  assert.ok(ack.ok, JSON.stringify(ack));
  const before = (ack as { data: Wallboard }).data.today.kpis.backlog.value!;
  const updates = record(ctx.socket, "metrics:update");
  const sent = Date.now();
  const res = await bearer(ctx.server, ctx.key).post("/api/events", {
    events: [{ id: randomUUID(), type: "ticket.created", at: new Date().toISOString(), ticketId: randomUUID(), data: { title: "Pushed", priority: "urgent" } }],
  });
  assert.is(res.status, 200);
  await waitFor(() => updates.some((u) => u.today.kpis.backlog.value === before + 1), { timeoutMs: 1000, what: "the backlog tile to move" });
  assert.ok(Date.now() - sent < 1000);
});

live("[M19] 300 events in quick batches reach the board as a few batched updates, not 300", async (ctx) => {
  const updates = record(ctx.socket, "metrics:update");
  for (let b = 0; b < 10; b++) {
    const events = Array.from({ length: 30 }, () => ({ id: randomUUID(), type: "ticket.created", at: new Date().toISOString(), ticketId: randomUUID(), data: { title: "Flood", priority: "low" } }));
    assert.is((await bearer(ctx.server, ctx.key).post("/api/events", { events })).status, 200);
  }
  const target = await ctx.server.db.query<{ n: number }>("select count(*)::int as n from tickets t join orgs o on o.id = t.org_id where o.slug = 'demo' and t.status in ('new','open','pending')");
  await waitFor(() => updates.some((u) => u.today.kpis.backlog.value === Number(target[0]!.n)), { timeoutMs: 3000, what: "the last batch on the board" });
  assert.ok(updates.length < 30, `${updates.length} updates`);
});

live("[M20] technicians may not subscribe to a wallboard; another organisation's team is not found", async (ctx) => {
  const tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  const socket = await connectSocket(ctx.server.url, tech.cookie);
  const refused = await socket.timeout(5000).emitWithAck("metrics:subscribe", { scope: "org" });
  assert.equal(refused.ok ? "ok" : refused.error.code, "forbidden");
  socket.close();
  const ruTeam = (await ctx.server.db.query<{ id: string }>("select id from teams where name = 'Сеть'"))[0]!.id;
  const other = await ctx.socket.timeout(5000).emitWithAck("metrics:subscribe", { scope: `team:${ruTeam}` });
  assert.equal(other.ok ? "ok" : other.error.code, "not_found");
  const bad = await ctx.socket.timeout(5000).emitWithAck("metrics:subscribe", { scope: "everything" } as never);
  assert.equal(bad.ok ? "ok" : bad.error.code, "validation_failed");
});
live.run();

// ---- agent state ---------------------------------------------------------------------------------
const agents = suite<{ server: TestServer }>("[M21] agent state");
agents.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres", app: { presence: { offlineAfterMs: 1500, heartbeatMs: 300, sweepMs: 200 } } });
});
agents.after(async (ctx) => ctx.server?.close());

const statusEvents = async (server: TestServer, userId: string) =>
  (await server.db.query<{ data: { from: string; to: string } }>("select data from events where type = 'agent.status_changed' and actor_id = $1 order by seq", [userId])).map((r) => {
    const d = typeof r.data === "string" ? JSON.parse(r.data) : r.data;
    return `${d.from}→${d.to}`;
  });

agents("[M21] the top bar's choice is an event; logout is offline", async ({ server }) => {
  const tech = await loginAs(server.url, "tech2@caseroom.local");
  const me = (await tech.get("/api/me")).body.user.id;
  assert.equal((await tech.get("/api/me/status")).body, { state: "offline", since: null });
  assert.is((await tech.request("PUT", "/api/me/status", { status: "available" })).body.state, "available");
  assert.is((await tech.request("PUT", "/api/me/status", { status: "available" })).status, 200, "the same state again writes nothing");
  assert.is((await tech.request("PUT", "/api/me/status", { status: "on_call" })).status, 400, "calls set on_call, people do not");
  await tech.post("/api/auth/logout");
  await waitFor(async () => (await statusEvents(server, me)).length === 2, { what: "the offline event" });
  assert.equal(await statusEvents(server, me), ["offline→available", "available→offline"]);
});

agents("[M21] a minute (here 1.5 s) after the last connection closes, the technician is offline", async ({ server }) => {
  const tech = await loginAs(server.url, "tech1@caseroom.local");
  const me = (await tech.get("/api/me")).body.user.id;
  const one = await connectSocket(server.url, tech.cookie);
  const two = await connectSocket(server.url, tech.cookie);
  await tech.request("PUT", "/api/me/status", { status: "busy" });
  one.close();
  await new Promise((r) => setTimeout(r, 2500)); // longer than the offline delay: one connection still holds
  assert.equal(await statusEvents(server, me), ["offline→busy"], "still connected through the second socket");
  two.close();
  await waitFor(async () => (await statusEvents(server, me)).length === 2, { timeoutMs: 5000, what: "the sweep" });
  assert.equal(await statusEvents(server, me), ["offline→busy", "busy→offline"]);
});
agents.run();
