// LiveKit at its wire: tokens minted for each role decoded with the SDK's verifier; rooms created,
// updated and deleted through the real RoomServiceClient against a local Twirp server; webhooks
// signed as LiveKit signs them accepted and turned into call events, forged or tampered ones refused.
import { randomUUID } from "node:crypto";
import { TokenVerifier, TrackSource } from "livekit-server-sdk";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mintToken } from "@caseroom/media";
import { signWebhook, startFakeLivekit, type FakeLivekit } from "../../media/src/livekit/testing/fakeLivekit.ts";
import { callEvents } from "../helpers/calls.ts";
import { firstTicketOf, orgIdBySlug, rowCounts } from "../helpers/dbState.ts";
import { inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, type ApiClient, type TestServer } from "../helpers/server.ts";

const KEY = "APIfakekey";
const SECRET = "fake-livekit-secret-0123456789abcdef";
const verifier = new TokenVerifier(KEY, SECRET);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const grants = suite("LiveKit token grants by role");

grants("technician and customer publish and subscribe, visible; identity and room are ids", async () => {
  const callId = randomUUID();
  for (const kind of ["technician", "customer"] as const) {
    const participantId = randomUUID();
    const claims = await verifier.verify(await mintToken({ apiKey: KEY, apiSecret: SECRET, callId, participantId, kind, mode: "participant" }));
    assert.is(claims.sub, participantId);
    assert.is(claims.name, undefined, "no display name in the token");
    assert.equal(claims.attributes, { kind, mode: "participant" });
    assert.is(claims.video!.room, `call_${callId}`);
    assert.equal([claims.video!.roomJoin, claims.video!.canPublish, claims.video!.canSubscribe, claims.video!.hidden], [true, true, true, false]);
    assert.is(claims.video!.canPublishSources, undefined, "every source");
  }
});

grants("a monitoring supervisor is hidden and subscribe-only", async () => {
  const claims = await verifier.verify(await mintToken({ apiKey: KEY, apiSecret: SECRET, callId: randomUUID(), participantId: randomUUID(), kind: "supervisor", mode: "monitor" }));
  assert.equal([claims.video!.canPublish, claims.video!.canSubscribe, claims.video!.hidden, claims.video!.canPublishData], [false, true, true, false]);
});

grants("a whisperer publishes its microphone only; a barger publishes everything, visible", async () => {
  const w = await verifier.verify(await mintToken({ apiKey: KEY, apiSecret: SECRET, callId: randomUUID(), participantId: randomUUID(), kind: "supervisor", mode: "whisper" }));
  assert.equal([w.video!.canPublish, w.video!.canSubscribe], [true, true]);
  assert.equal(w.video!.canPublishSources, ["microphone"]);
  assert.equal(w.attributes, { kind: "supervisor", mode: "whisper" });
  const b = await verifier.verify(await mintToken({ apiKey: KEY, apiSecret: SECRET, callId: randomUUID(), participantId: randomUUID(), kind: "admin", mode: "barge" }));
  assert.equal([b.video!.canPublish, b.video!.hidden, b.video!.canPublishSources], [true, false, undefined]);
  assert.ok(TrackSource.MICROPHONE);
});

grants("a token from another secret does not verify", async () => {
  const token = await mintToken({ apiKey: KEY, apiSecret: "another-secret-another-secret-0000", callId: randomUUID(), participantId: randomUUID(), kind: "technician", mode: "participant" });
  assert.ok(await verifier.verify(token).then(() => false, () => true));
});

grants.run();

interface Ctx {
  fake: FakeLivekit;
  server: TestServer;
  tech: ApiClient;
  sup: ApiClient;
  guest: TestGuest;
  ticketId: string;
  callId: string;
  ids: { tech: string; guest: string; sup: string };
}
const api = suite<Ctx>("calls on LiveKit");

api.before(async (ctx) => {
  ctx.fake = await startFakeLivekit(KEY, SECRET);
  ctx.server = await startServer({ env: { LIVEKIT_URL: ctx.fake.url.replace("http", "ws"), LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET } });
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.sup = await loginAs(ctx.server.url, "supervisor@caseroom.local");
  ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  ctx.guest = await inviteGuest(ctx.tech, ctx.ticketId);
});
api.after(async (ctx) => {
  await ctx.server?.close();
  await ctx.fake?.close();
});

api("the media server failing to create the room: 503, and no call is left active", async (ctx) => {
  ctx.fake.failNext("CreateRoom", 400);
  const res = await ctx.tech.post(`/api/tickets/${ctx.ticketId}/call`);
  assert.is(res.status, 503, JSON.stringify(res.body));
  assert.is((await ctx.tech.get(`/api/tickets/${ctx.ticketId}/call`)).body.call, null);
  const recorded = await ctx.server.db.query("select 1 from events where ticket_id = $1 and type like 'call.%'", [ctx.ticketId]);
  assert.is(recorded.length, 0, "a call that never carried media is not in the log");
});

api("starting creates the room call_<id> with an admin token, and returns a LiveKit join", async (ctx) => {
  const res = await ctx.tech.post(`/api/tickets/${ctx.ticketId}/call`);
  assert.is(res.status, 201, JSON.stringify(res.body));
  ctx.callId = res.body.call.id;
  const create = ctx.fake.calls.filter((c) => c.method === "CreateRoom").at(-1)!;
  assert.is(create.body.name, `call_${ctx.callId}`);
  assert.is(create.grants.roomCreate, true);
  assert.is(res.body.join.transport, "livekit");
  assert.is(res.body.join.url, ctx.fake.url.replace("http", "ws"));
  const claims = await verifier.verify(res.body.join.token);
  assert.match(claims.sub!, UUID);
  assert.is(claims.sub, res.body.join.participantId);
  assert.is(claims.video!.room, `call_${ctx.callId}`);
  assert.is(claims.video!.canPublish, true);
  ctx.ids = { tech: claims.sub!, guest: "", sup: "" };
});

api("the guest gets a customer token; the supervisor a hidden monitor token, switched live by UpdateParticipant", async (ctx) => {
  const g = await ctx.guest.client.post(`/api/calls/${ctx.callId}/join`, {});
  const gc = await verifier.verify(g.body.join.token);
  assert.equal(gc.attributes, { kind: "customer", mode: "participant" });
  ctx.ids.guest = gc.sub!;
  const s = await ctx.sup.post(`/api/calls/${ctx.callId}/join`, { mode: "monitor" });
  const sc = await verifier.verify(s.body.join.token);
  assert.equal([sc.video!.hidden, sc.video!.canPublish], [true, false]);
  ctx.ids.sup = sc.sub!;
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/mode`, { mode: "barge" })).status, 200);
  const update = ctx.fake.calls.filter((c) => c.method === "UpdateParticipant").at(-1)!;
  assert.equal(update.body.room, `call_${ctx.callId}`);
  assert.equal(update.body.identity, ctx.ids.sup);
  assert.equal((update.body.permission as Record<string, unknown>).canPublish, true);
  assert.not.ok((update.body.permission as Record<string, unknown>).hidden, "visible once barging");
});

const webhookBody = (event: string, callId: string, identity?: string) =>
  JSON.stringify({ event, id: `EV_${randomUUID()}`, createdAt: String(Math.floor(Date.now() / 1000)), room: { sid: "RM_fake", name: `call_${callId}` }, ...(identity ? { participant: { sid: "PA_x", identity } } : {}) });

async function postWebhook(ctx: Ctx, body: string, authorization: string | undefined) {
  const headers: Record<string, string> = { "content-type": "application/webhook+json" };
  if (authorization) headers.authorization = authorization;
  const res = await fetch(`${ctx.server.url}/api/media/livekit/webhook`, { method: "POST", headers, body });
  return { status: res.status, body: await res.json() };
}

api("forged, tampered or unsigned webhooks are refused (401) and change nothing", async (ctx) => {
  const before = await rowCounts(ctx.server.db);
  const body = webhookBody("participant_left", ctx.callId, ctx.ids.guest);
  const forged = await postWebhook(ctx, body, await signWebhook(body, KEY, "not-the-secret-not-the-secret-000"));
  assert.is(forged.status, 401);
  assert.is(forged.body.error.code, "unauthenticated");
  const signedOther = await signWebhook(webhookBody("participant_left", ctx.callId, ctx.ids.tech), KEY, SECRET);
  assert.is((await postWebhook(ctx, body, signedOther)).status, 401, "signature of another body");
  assert.is((await postWebhook(ctx, body, undefined)).status, 401);
  assert.equal(await rowCounts(ctx.server.db), before);
});

api("a signed participant_left becomes call.participant_left", async (ctx) => {
  const body = webhookBody("participant_left", ctx.callId, ctx.ids.guest);
  const res = await postWebhook(ctx, body, await signWebhook(body, KEY, SECRET));
  assert.is(res.status, 200, JSON.stringify(res.body));
  const left = (await callEvents(ctx.server.db, ctx.callId)).filter((e) => e.type === "call.participant_left");
  assert.equal(left.map((e) => e.data.participantId), [ctx.ids.guest]);
  const again = await postWebhook(ctx, body, await signWebhook(body, KEY, SECRET));
  assert.is(again.status, 200, "a repeated delivery is accepted");
  assert.is((await callEvents(ctx.server.db, ctx.callId)).filter((e) => e.type === "call.participant_left").length, 1, "and changes nothing");
});

api("a signed room_finished ends the call (reason room_finished); unknown events are accepted and ignored", async (ctx) => {
  const other = webhookBody("track_published", ctx.callId, ctx.ids.tech);
  assert.is((await postWebhook(ctx, other, await signWebhook(other, KEY, SECRET))).status, 200);
  const body = webhookBody("room_finished", ctx.callId);
  assert.is((await postWebhook(ctx, body, await signWebhook(body, KEY, SECRET))).status, 200);
  const events = await callEvents(ctx.server.db, ctx.callId);
  assert.equal(events.at(-1)!.type, "call.ended");
  assert.equal(events.at(-1)!.data, { reason: "room_finished" });
  assert.is((await ctx.tech.get("/api/me/status")).body.state, "wrap_up");
});

api("ending a call deletes its room", async (ctx) => {
  const res = await ctx.tech.post(`/api/tickets/${ctx.ticketId}/call`);
  assert.is(res.status, 201);
  assert.is((await ctx.tech.post(`/api/calls/${res.body.call.id}/end`)).status, 200);
  const del = ctx.fake.calls.filter((c) => c.method === "DeleteRoom").at(-1)!;
  assert.is(del.body.room, `call_${res.body.call.id}`);
});

api.run();
