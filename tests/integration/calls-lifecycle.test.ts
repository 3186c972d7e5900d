// Call lifecycle over HTTP on the embedded database: start (or get the one in progress), join, switch
// mode, leave, end; the call.* events with the technician as actor; agent states on_call → wrap_up.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MESH_MAX_PARTICIPANTS } from "@caseroom/shared";
import { callEvents } from "../helpers/calls.ts";
import { firstTicketOf, orgIdBySlug, rowCounts } from "../helpers/dbState.ts";
import { inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  tech: ApiClient;
  tech2: ApiClient;
  sup: ApiClient;
  admin: ApiClient;
  guest: TestGuest;
  ticketId: string;
  techId: string;
  callId: string;
}
const test = suite<Ctx>("call lifecycle");

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.tech2 = await loginAs(ctx.server.url, "tech2@caseroom.local");
  ctx.sup = await loginAs(ctx.server.url, "supervisor@caseroom.local");
  ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  ctx.guest = await inviteGuest(ctx.tech, ctx.ticketId, "Pat Customer");
  ctx.techId = (await ctx.tech.get("/api/me")).body.user.id;
  await ctx.tech.request("PUT", "/api/me/status", { status: "available" });
});
test.after(async (ctx) => ctx.server?.close());

test("a technician starts the ticket's call: 201, p2p join with no ICE servers configured", async (ctx) => {
  const res = await ctx.tech.post(`/api/tickets/${ctx.ticketId}/call`);
  assert.is(res.status, 201, JSON.stringify(res.body));
  assert.is(res.body.call.ticketId, ctx.ticketId);
  assert.is(res.body.call.status, "active");
  assert.is(res.body.join.transport, "p2p");
  assert.equal(res.body.join.iceServers, []);
  assert.is(res.body.join.mode, "participant");
  ctx.callId = res.body.call.id;
});

test("starting again returns the call in progress (200, same id), for another technician too", async (ctx) => {
  const again = await ctx.tech.post(`/api/tickets/${ctx.ticketId}/call`);
  assert.is(again.status, 200);
  assert.is(again.body.call.id, ctx.callId);
  const other = await ctx.tech2.post(`/api/tickets/${ctx.ticketId}/call`);
  assert.is(other.body.call.id, ctx.callId);
  assert.is((await ctx.tech2.post(`/api/calls/${ctx.callId}/leave`)).status, 204);
});

test("the technician is on_call; call.started and participant_joined name the technician as actor", async (ctx) => {
  assert.is((await ctx.tech.get("/api/me/status")).body.state, "on_call");
  const events = await callEvents(ctx.server.db, ctx.callId);
  assert.is(events[0]!.type, "call.started");
  assert.equal(events[0]!.data, { transport: "p2p" });
  assert.is(events[1]!.type, "call.participant_joined");
  assert.equal({ ...events[1]!.data, participantId: undefined }, { participantId: undefined, principal: "user", principalId: ctx.techId, mode: "participant" });
  for (const e of events) {
    assert.is(e.actor_id, ctx.techId, e.type);
    assert.is(e.ticket_id, ctx.ticketId, e.type);
  }
});

test("the guest sees the call on its ticket and joins as participant; a supervisor joins to monitor", async (ctx) => {
  const seen = await ctx.guest.client.get(`/api/tickets/${ctx.ticketId}/call`);
  assert.is(seen.body.call.id, ctx.callId);
  const g = await ctx.guest.client.post(`/api/calls/${ctx.callId}/join`, {});
  assert.is(g.status, 200, JSON.stringify(g.body));
  assert.is(g.body.join.mode, "participant");
  const s = await ctx.sup.post(`/api/calls/${ctx.callId}/join`, { mode: "monitor" });
  assert.is(s.status, 200, JSON.stringify(s.body));
  assert.is(s.body.join.mode, "monitor");
  const live = await ctx.sup.get("/api/calls");
  const call = live.body.calls.find((c: { id: string }) => c.id === ctx.callId);
  assert.equal(
    call.participants.map((p: { kind: string; mode: string; name: string }) => [p.kind, p.mode, p.name]).sort(),
    [["customer", "participant", "Pat Customer"], ["supervisor", "monitor", "Sam Supervisor"], ["technician", "participant", "Taylor Tech"]].sort(),
  );
});

test("the supervisor switches monitor → whisper → barge live, without a new participant row", async (ctx) => {
  for (const mode of ["whisper", "barge", "monitor"]) {
    const res = await ctx.sup.post(`/api/calls/${ctx.callId}/mode`, { mode });
    assert.is(res.status, 200, JSON.stringify(res.body));
    const rows = await ctx.server.db.query<{ mode: string }>("select mode from call_participants where call_id = $1 and kind = 'supervisor' and left_at is null", [ctx.callId]);
    assert.equal(rows.map((r) => r.mode), [mode]);
  }
});

test("bad input is refused with a named field and changes nothing", async (ctx) => {
  const before = await rowCounts(ctx.server.db);
  const bad = await ctx.sup.post(`/api/calls/${ctx.callId}/mode`, { mode: "participant" });
  assert.is(bad.status, 400);
  assert.is(bad.body.error.details.fields[0].path, "mode");
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/join`, { mode: "dance" })).status, 400);
  assert.is((await ctx.sup.post(`/api/calls/not-a-uuid/join`, {})).status, 400);
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/join`, { mode: "monitor", extra: 1 })).status, 400);
  assert.equal(await rowCounts(ctx.server.db), before);
});

test(`the mesh takes at most ${MESH_MAX_PARTICIPANTS}: a fifth participant gets 409`, async (ctx) => {
  assert.is((await ctx.admin.post(`/api/calls/${ctx.callId}/join`, { mode: "monitor" })).status, 200);
  const fifth = await ctx.tech2.post(`/api/calls/${ctx.callId}/join`, {});
  assert.is(fifth.status, 409);
  assert.is(fifth.body.error.code, "conflict");
  assert.is((await ctx.admin.post(`/api/calls/${ctx.callId}/leave`)).status, 204);
});

test("leaving writes participant_left", async (ctx) => {
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/leave`)).status, 204);
  const left = (await callEvents(ctx.server.db, ctx.callId)).filter((e) => e.type === "call.participant_left");
  assert.ok(left.some((e) => e.data.mode === "monitor" && e.data.principal === "user"));
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/leave`)).status, 204, "leaving twice is harmless");
});

test("ending: everyone left, call.ended with the technician as actor, the technician in wrap_up", async (ctx) => {
  const before = (await callEvents(ctx.server.db, ctx.callId)).length;
  const res = await ctx.tech.post(`/api/calls/${ctx.callId}/end`);
  assert.is(res.status, 200);
  assert.is(res.body.call.status, "ended");
  assert.ok(res.body.call.endedAt);
  const after = (await callEvents(ctx.server.db, ctx.callId)).slice(before);
  assert.equal(after.map((e) => e.type), ["call.participant_left", "call.participant_left", "call.ended"]);
  for (const e of after) assert.is(e.actor_id, ctx.techId);
  assert.is((await ctx.tech.get("/api/me/status")).body.state, "wrap_up");
  const agentEvents = await ctx.server.db.query<{ data: { to: string } }>("select data from events where type = 'agent.status_changed' and actor_id = $1 order by seq", [ctx.techId]);
  assert.equal(agentEvents.map((e) => e.data.to).slice(-2), ["on_call", "wrap_up"]);
});

test("an ended call cannot be joined (409); ending again changes nothing; the ticket has no call", async (ctx) => {
  assert.is((await ctx.guest.client.post(`/api/calls/${ctx.callId}/join`, {})).status, 409);
  const before = await rowCounts(ctx.server.db);
  assert.is((await ctx.tech.post(`/api/calls/${ctx.callId}/end`)).status, 200);
  assert.equal(await rowCounts(ctx.server.db), before);
  assert.is((await ctx.tech.get(`/api/tickets/${ctx.ticketId}/call`)).body.call, null);
  const next = await ctx.tech.post(`/api/tickets/${ctx.ticketId}/call`);
  assert.is(next.status, 201, "a new call can start");
  assert.is.not(next.body.call.id, ctx.callId);
});

test.run();
