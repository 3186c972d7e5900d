// Who may do what with a call: a technician cannot monitor, whisper or barge; a guest reaches only its
// own ticket's call and only as a participant; another organisation gets 404; refusals change nothing.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { callEvents, connectCallSocket } from "../helpers/calls.ts";
import { firstTicketOf, orgIdBySlug, rowCounts } from "../helpers/dbState.ts";
import { inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  tech: ApiClient;
  ruAdmin: ApiClient;
  guest: TestGuest;
  otherGuest: TestGuest;
  callId: string;
  otherCallId: string;
  ticketId: string;
}
const test = suite<Ctx>("call permissions");

test.before(async (ctx) => {
  ctx.server = await startServer();
  const orgId = await orgIdBySlug(ctx.server.db, "demo");
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.ruAdmin = await loginAs(ctx.server.url, "admin@ru.caseroom.local");
  ctx.ticketId = await firstTicketOf(ctx.server.db, orgId);
  const [second] = await ctx.server.db.query<{ id: string }>("select id from tickets where org_id = $1 and id <> $2 order by number limit 1", [orgId, ctx.ticketId]);
  ctx.guest = await inviteGuest(ctx.tech, ctx.ticketId);
  ctx.otherGuest = await inviteGuest(ctx.tech, second!.id);
  ctx.callId = (await ctx.tech.post(`/api/tickets/${ctx.ticketId}/call`)).body.call.id;
  ctx.otherCallId = (await ctx.tech.post(`/api/tickets/${second!.id}/call`)).body.call.id;
});
test.after(async (ctx) => ctx.server?.close());

async function unchanged(ctx: Ctx, work: () => Promise<void>) {
  const before = await rowCounts(ctx.server.db);
  const rows = await ctx.server.db.query("select id, mode, left_at from call_participants order by id");
  await work();
  assert.equal(await rowCounts(ctx.server.db), before, "no event written");
  assert.equal(await ctx.server.db.query("select id, mode, left_at from call_participants order by id"), rows, "no participant changed");
}

test("a technician cannot join in monitor, whisper or barge mode (403), nor switch to one", async (ctx) => {
  await unchanged(ctx, async () => {
    for (const mode of ["monitor", "whisper", "barge"]) {
      const res = await ctx.tech.post(`/api/calls/${ctx.callId}/join`, { mode });
      assert.is(res.status, 403, mode);
      assert.is(res.body.error.code, "forbidden");
    }
    assert.is((await ctx.tech.post(`/api/calls/${ctx.callId}/mode`, { mode: "monitor" })).status, 403);
  });
});

test("a guest joins its own ticket's call as participant only", async (ctx) => {
  await unchanged(ctx, async () => {
    for (const mode of ["monitor", "whisper", "barge"]) assert.is((await ctx.guest.client.post(`/api/calls/${ctx.callId}/join`, { mode })).status, 403, mode);
    assert.is((await ctx.guest.client.post(`/api/calls/${ctx.callId}/mode`, { mode: "monitor" })).status, 403);
  });
  const res = await ctx.guest.client.post(`/api/calls/${ctx.callId}/join`, {});
  assert.is(res.status, 200);
});

test("a guest cannot see, join, leave or end another ticket's call (404), start or end calls, or list them", async (ctx) => {
  await unchanged(ctx, async () => {
    const g = ctx.guest.client;
    assert.is((await g.post(`/api/calls/${ctx.otherCallId}/join`, {})).status, 404);
    assert.is((await g.post(`/api/calls/${ctx.otherCallId}/leave`)).status, 404);
    assert.is((await g.post(`/api/calls/${ctx.otherCallId}/end`)).status, 404);
    assert.is((await g.get(`/api/tickets/${ctx.otherGuest.guest.ticketId}/call`)).status, 404);
    assert.is((await g.post(`/api/tickets/${ctx.ticketId}/call`)).status, 403);
    assert.is((await g.post(`/api/calls/${ctx.callId}/end`)).status, 403);
    assert.is((await g.get("/api/calls")).status, 403);
    assert.is((await ctx.otherGuest.client.post(`/api/calls/${ctx.callId}/join`, {})).status, 404);
  });
});

test("another organisation's staff get 404 on every call route", async (ctx) => {
  await unchanged(ctx, async () => {
    const r = ctx.ruAdmin;
    assert.is((await r.post(`/api/tickets/${ctx.ticketId}/call`)).status, 404);
    assert.is((await r.get(`/api/tickets/${ctx.ticketId}/call`)).status, 404);
    for (const [path, body] of [["join", { mode: "monitor" }], ["mode", { mode: "barge" }], ["leave", undefined], ["end", undefined]] as const) {
      const res = await r.post(`/api/calls/${ctx.callId}/${path}`, body);
      assert.is(res.status, 404, path);
      assert.is(res.body.error.code, "not_found");
    }
    assert.not.ok((await r.get("/api/calls")).body.calls.some((c: { id: string }) => c.id === ctx.callId));
  });
});

test("switching mode without having joined is a conflict (409)", async (ctx) => {
  const sup = await loginAs(ctx.server.url, "supervisor@caseroom.local");
  await unchanged(ctx, async () => {
    assert.is((await sup.post(`/api/calls/${ctx.callId}/mode`, { mode: "whisper" })).status, 409);
  });
});

test("without a session: 401", async (ctx) => {
  const anon = new (ctx.tech.constructor as typeof ApiClient)(ctx.server.url);
  assert.is((await anon.post(`/api/calls/${ctx.callId}/join`, {})).status, 401);
  assert.is((await anon.post(`/api/calls/${ctx.callId}/end`)).status, 401);
});

test("a guest's call socket closes when its invite expires", async (ctx) => {
  const socket = await connectCallSocket(ctx.server.url, ctx.otherGuest.client.cookie);
  socket.close();
  await ctx.server.db.query("update invites set expires_at = now() + interval '1.5 seconds' where id = $1", [ctx.otherGuest.invite.id]);
  const expiring = await connectCallSocket(ctx.server.url, ctx.otherGuest.client.cookie);
  let closed = false;
  expiring.on("disconnect", () => (closed = true));
  await waitFor(() => closed, { timeoutMs: 6000, what: "the expiring guest's socket to close" });
  const refused = await connectCallSocket(ctx.server.url, ctx.otherGuest.client.cookie).then(() => undefined, (e: Error) => e);
  assert.ok(refused, "an expired guest cannot connect again");
});

test("withdrawing the invite takes its guest out of the call at once and closes its call socket", async (ctx) => {
  const socket = await connectCallSocket(ctx.server.url, ctx.guest.client.cookie);
  const attached = await socket.timeout(5000).emitWithAck("call:attach", { callId: ctx.callId });
  assert.ok(attached.ok, JSON.stringify(attached));
  let closed = false;
  socket.on("disconnect", () => (closed = true));
  assert.is((await ctx.tech.delete(`/api/invites/${ctx.guest.invite.id}`)).status, 204);
  await waitFor(() => closed, { what: "the guest's call socket to close" });
  const left = await waitFor(async () => (await callEvents(ctx.server.db, ctx.callId)).find((e) => e.type === "call.participant_left" && e.data.principal === "guest"));
  assert.is(left.data.principalId, ctx.guest.guest.id);
  const rows = await ctx.server.db.query("select 1 from call_participants where guest_id = $1 and left_at is null", [ctx.guest.guest.id]);
  assert.is(rows.length, 0);
  socket.close();
});

test("when the last participant leaves, the call ends", async (ctx) => {
  assert.is((await ctx.tech.post(`/api/calls/${ctx.otherCallId}/leave`)).status, 204);
  const events = await callEvents(ctx.server.db, ctx.otherCallId);
  assert.is(events.at(-1)!.type, "call.ended");
  assert.is((await ctx.tech.get(`/api/tickets/${ctx.otherGuest.guest.ticketId}/call`)).body.call, null);
});

test.run();
