// The mesh's signalling over socket.io (/calls): attach only after joining over HTTP, each peer gets its
// own plan (the customer never sees a monitoring or whispering supervisor), offers/answers/ICE reach only
// a linked peer of the same call, never another call's, another ticket's or another organisation's.
import type { CallLink } from "@caseroom/shared";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { callEvents, connectCallSocket, lastPlan, type CallSocket } from "../helpers/calls.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  tech: ApiClient;
  sup: ApiClient;
  guest: TestGuest;
  callId: string;
  otherCallId: string;
  ids: { tech: string; guest: string; sup: string; tech2: string };
  s: { tech: CallSocket; guest: CallSocket; sup: CallSocket; tech2: CallSocket };
}
const test = suite<Ctx>("call signalling");

test.before(async (ctx) => {
  ctx.server = await startServer();
  const orgId = await orgIdBySlug(ctx.server.db, "demo");
  const ticketId = await firstTicketOf(ctx.server.db, orgId);
  const [second] = await ctx.server.db.query<{ id: string }>("select id from tickets where org_id = $1 and id <> $2 order by number limit 1", [orgId, ticketId]);
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.sup = await loginAs(ctx.server.url, "supervisor@caseroom.local");
  const tech2 = await loginAs(ctx.server.url, "tech2@caseroom.local");
  ctx.guest = await inviteGuest(ctx.tech, ticketId, "Pat");
  const start = await ctx.tech.post(`/api/tickets/${ticketId}/call`);
  ctx.callId = start.body.call.id;
  const other = await tech2.post(`/api/tickets/${second!.id}/call`);
  ctx.otherCallId = other.body.call.id;
  ctx.ids = { tech: start.body.join.participantId, tech2: other.body.join.participantId, guest: "", sup: "" };
  ctx.s = {
    tech: await connectCallSocket(ctx.server.url, ctx.tech.cookie),
    guest: await connectCallSocket(ctx.server.url, ctx.guest.client.cookie),
    sup: await connectCallSocket(ctx.server.url, ctx.sup.cookie),
    tech2: await connectCallSocket(ctx.server.url, tech2.cookie),
  };
});
test.after(async (ctx) => {
  for (const s of Object.values(ctx.s ?? {})) s.close();
  await ctx.server?.close();
});

const attach = (s: CallSocket, callId: string) => s.timeout(5000).emitWithAck("call:attach", { callId });

test("without a session the namespace refuses the connection", async (ctx) => {
  const err = await connectCallSocket(ctx.server.url, undefined).then(() => undefined, (e: Error) => e);
  assert.ok(err);
  assert.match(err!.message, /log in/i);
});

test("attaching before joining over HTTP is forbidden; another ticket's call is not found for the guest", async (ctx) => {
  const early = await attach(ctx.s.guest, ctx.callId);
  assert.is(early.ok, false);
  if (!early.ok) assert.is(early.error.code, "forbidden");
  const other = await attach(ctx.s.guest, ctx.otherCallId);
  assert.is(other.ok, false);
  if (!other.ok) assert.is(other.error.code, "not_found");
});

test("technician and customer attach: each sees the other, visible, sending audio and video", async (ctx) => {
  ctx.ids.guest = (await ctx.guest.client.post(`/api/calls/${ctx.callId}/join`, {})).body.join.participantId;
  const t = await attach(ctx.s.tech, ctx.callId);
  assert.ok(t.ok);
  const g = await attach(ctx.s.guest, ctx.callId);
  assert.ok(g.ok);
  if (!g.ok) return;
  assert.equal(g.data.links.map((l: CallLink) => [l.peerId, l.visible, l.sendAudio, l.sendVideo, l.kind]), [[ctx.ids.tech, true, true, true, "technician"]]);
  const techPlan = await waitFor(() => lastPlan(ctx.s.tech)?.links.length === 1 ? lastPlan(ctx.s.tech) : undefined);
  assert.is(techPlan.links[0]!.peerId, ctx.ids.guest);
  assert.is(techPlan.links[0]!.name, "Pat");
  assert.is.not(techPlan.links[0]!.polite, g.data.links[0]!.polite, "exactly one side is polite");
  assert.is(techPlan.links[0]!.epoch, g.data.links[0]!.epoch);
});

test("a monitoring supervisor receives everyone, sends nothing, and is invisible to the customer", async (ctx) => {
  ctx.ids.sup = (await ctx.sup.post(`/api/calls/${ctx.callId}/join`, { mode: "monitor" })).body.join.participantId;
  const s = await attach(ctx.s.sup, ctx.callId);
  assert.ok(s.ok);
  if (!s.ok) return;
  assert.equal(s.data.links.map((l: CallLink) => [l.sendAudio, l.sendVideo]), [[false, false], [false, false]]);
  const guestPlan = await waitFor(() => lastPlan(ctx.s.guest)?.links.length === 2 ? lastPlan(ctx.s.guest) : undefined);
  const hidden = guestPlan.links.find((l) => l.peerId === ctx.ids.sup)!;
  assert.equal(hidden, { peerId: ctx.ids.sup, epoch: hidden.epoch, polite: hidden.polite, sendAudio: true, sendVideo: true, visible: false }, "no name, kind or mode");
  const techPlan = await waitFor(() => lastPlan(ctx.s.tech)?.links.length === 2 ? lastPlan(ctx.s.tech) : undefined);
  assert.equal(techPlan.links.find((l) => l.peerId === ctx.ids.sup)!.visible, true);
});

test("whisper: the supervisor's audio goes to the technician only; barge: to everyone, visible", async (ctx) => {
  const n = ctx.s.guest.plans.length;
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/mode`, { mode: "whisper" })).status, 200);
  const supPlan = await waitFor(() => lastPlan(ctx.s.sup)?.self.mode === "whisper" ? lastPlan(ctx.s.sup) : undefined);
  const to = (id: string) => supPlan.links.find((l) => l.peerId === id)!;
  assert.equal([to(ctx.ids.tech).sendAudio, to(ctx.ids.tech).sendVideo], [true, false]);
  assert.equal([to(ctx.ids.guest).sendAudio, to(ctx.ids.guest).sendVideo], [false, false]);
  await waitFor(() => ctx.s.guest.plans.length > n);
  assert.is(lastPlan(ctx.s.guest)!.links.find((l) => l.peerId === ctx.ids.sup)!.visible, false, "still invisible to the customer");

  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/mode`, { mode: "barge" })).status, 200);
  const guestPlan = await waitFor(() => lastPlan(ctx.s.guest)?.links.find((l) => l.peerId === ctx.ids.sup)?.visible ? lastPlan(ctx.s.guest) : undefined);
  assert.is(guestPlan.links.find((l) => l.peerId === ctx.ids.sup)!.mode, "barge");
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/mode`, { mode: "monitor" })).status, 200);
});

test("signals reach the linked peer of the same call, tagged with the sender", async (ctx) => {
  const ack = await ctx.s.tech.timeout(5000).emitWithAck("call:signal", { callId: ctx.callId, to: ctx.ids.guest, description: { type: "offer", sdp: "v=0 fake" } });
  assert.ok(ack.ok, JSON.stringify(ack));
  const got = await waitFor(() => ctx.s.guest.signals.find((s) => s.description?.sdp === "v=0 fake"));
  assert.equal(got, { callId: ctx.callId, from: ctx.ids.tech, description: { type: "offer", sdp: "v=0 fake" } });
  const cand = await ctx.s.guest.timeout(5000).emitWithAck("call:signal", { callId: ctx.callId, to: ctx.ids.sup, candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 } });
  assert.ok(cand.ok, "the customer's media must reach a monitoring supervisor");
  await waitFor(() => ctx.s.sup.signals.some((s) => s.from === ctx.ids.guest && s.candidate));
});

test("isolation: no signal to another call's peer, from an unattached socket, or to oneself; nothing delivered", async (ctx) => {
  const before = { tech2: ctx.s.tech2.signals.length, guest: ctx.s.guest.signals.length };
  const cross = await ctx.s.guest.timeout(5000).emitWithAck("call:signal", { callId: ctx.callId, to: ctx.ids.tech2, description: { type: "offer", sdp: "x" } });
  assert.is(cross.ok, false);
  if (!cross.ok) assert.is(cross.error.code, "not_found");
  const wrongCall = await ctx.s.guest.timeout(5000).emitWithAck("call:signal", { callId: ctx.otherCallId, to: ctx.ids.tech2, description: { type: "offer", sdp: "x" } });
  assert.is(wrongCall.ok, false);
  if (!wrongCall.ok) assert.is(wrongCall.error.code, "forbidden");
  const unattached = await ctx.s.tech2.timeout(5000).emitWithAck("call:signal", { callId: ctx.callId, to: ctx.ids.guest, description: { type: "offer", sdp: "x" } });
  assert.is(unattached.ok, false);
  const bad = await ctx.s.tech.timeout(5000).emitWithAck("call:signal", { callId: ctx.callId, to: ctx.ids.guest } as never);
  assert.is(bad.ok, false);
  if (!bad.ok) assert.is(bad.error.code, "validation_failed");
  await ctx.s.tech.timeout(5000).emitWithAck("call:attach", { callId: ctx.callId });
  assert.is(ctx.s.tech2.signals.length, before.tech2);
  assert.is(ctx.s.guest.signals.length, before.guest);
});

test("another organisation's staff cannot attach (404)", async (ctx) => {
  const ru = await loginAs(ctx.server.url, "admin@ru.caseroom.local");
  const s = await connectCallSocket(ctx.server.url, ru.cookie);
  const res = await attach(s, ctx.callId);
  s.close();
  assert.is(res.ok, false);
  if (!res.ok) assert.is(res.error.code, "not_found");
});

test("a peer that leaves drops out of the others' plans; ending tells every attached socket", async (ctx) => {
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/leave`)).status, 204);
  await waitFor(() => lastPlan(ctx.s.guest)?.links.length === 1);
  const stale = await ctx.s.sup.timeout(5000).emitWithAck("call:signal", { callId: ctx.callId, to: ctx.ids.guest, candidate: null });
  assert.is(stale.ok, false, "a peer that left can no longer signal");
  assert.is((await ctx.tech.post(`/api/calls/${ctx.callId}/end`)).status, 200);
  await waitFor(() => ctx.s.guest.ended.includes(ctx.callId) && ctx.s.tech.ended.includes(ctx.callId));
  assert.not.ok(ctx.s.tech2.ended.includes(ctx.callId), "another call's peer is not told");
});

test.run();

// A peer whose sockets are all gone for a while has left; a reload within the grace period has not.
const gone = suite<{ server: TestServer; tech: ApiClient; guest: TestGuest; callId: string }>("abandoned peers");

gone.before(async (ctx) => {
  ctx.server = await startServer({ app: { calls: { abandonAfterMs: 1500 } } });
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  const ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  ctx.guest = await inviteGuest(ctx.tech, ticketId);
  ctx.callId = (await ctx.tech.post(`/api/tickets/${ticketId}/call`)).body.call.id;
  assert.is((await ctx.guest.client.post(`/api/calls/${ctx.callId}/join`, {})).status, 200);
});
gone.after(async (ctx) => ctx.server?.close());

const leftOf = async (ctx: { server: TestServer; callId: string }) => (await callEvents(ctx.server.db, ctx.callId)).filter((e) => e.type === "call.participant_left");

gone("a reload inside the grace period keeps the peer in the call", async (ctx) => {
  const first = await connectCallSocket(ctx.server.url, ctx.guest.client.cookie);
  assert.ok((await first.timeout(5000).emitWithAck("call:attach", { callId: ctx.callId })).ok);
  first.close();
  const again = await connectCallSocket(ctx.server.url, ctx.guest.client.cookie);
  assert.ok((await again.timeout(5000).emitWithAck("call:attach", { callId: ctx.callId })).ok);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(await leftOf(ctx), []);
  again.close();
});

gone("a customer gone for good leaves; the technician gone too ends the call", async (ctx) => {
  await waitFor(async () => (await leftOf(ctx)).some((e) => e.data.principal === "guest"), { timeoutMs: 8000, what: "the guest to be counted as gone" });
  const techSocket = await connectCallSocket(ctx.server.url, ctx.tech.cookie);
  assert.ok((await techSocket.timeout(5000).emitWithAck("call:attach", { callId: ctx.callId })).ok);
  techSocket.close();
  await waitFor(async () => (await callEvents(ctx.server.db, ctx.callId)).some((e) => e.type === "call.ended"), { timeoutMs: 8000, what: "the call to end" });
  assert.is((await ctx.tech.get("/api/me/status")).body.state, "wrap_up");
});

gone.run();
