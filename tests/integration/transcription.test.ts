// Live transcription through the server: audio over the /transcript namespace, checked per event
// against the calls module; one Deepgram session per speaker (the real SDK against the local fake);
// interim and final segments to staff in the call, finals stored on the ticket's timeline, captions
// for the customer only when a technician turns them on, and never a whispering supervisor's words.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FakeDeepgram } from "../../media/src/stt/testing/fakeDeepgram.ts";
import { FakeOpenAiStt } from "../../media/src/stt/testing/fakeOpenAiStt.ts";
import { speechTrack } from "../../media/src/stt/testing/speech.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";
import { burstIndex, burstTrack } from "../helpers/sttAudio.ts";
import { connectTranscript, joinTranscript, sendAudio, streamAudio, type TranscriptClient } from "../helpers/transcript.ts";

const KEY = "dg-test-key-not-real";
const textOf = (i: number) => `phrase number ${i}`;

interface Ctx {
  fake: FakeDeepgram;
  server: TestServer;
  tech: ApiClient;
  tech2: ApiClient;
  sup: ApiClient;
  ruTech: ApiClient;
  guest: TestGuest;
  otherGuest: TestGuest;
  ticketId: string;
  callId: string;
  t: Record<"tech" | "tech2" | "sup" | "guest" | "otherGuest" | "ruTech", TranscriptClient>;
}
const test = suite<Ctx>("transcription: socket ingress and delivery");

test.before(async (ctx) => {
  ctx.fake = await new FakeDeepgram({ apiKey: KEY, replyDelayMs: 150, answer: (u) => textOf(burstIndex(u.samples)) }).listen();
  ctx.server = await startServer({ database: "postgres", env: { DEEPGRAM_API_KEY: KEY, DEEPGRAM_BASE_URL: ctx.fake.url } });
  const orgId = await orgIdBySlug(ctx.server.db, "demo");
  ctx.ticketId = await firstTicketOf(ctx.server.db, orgId);
  const [second] = await ctx.server.db.query<{ id: string }>("select id from tickets where org_id = $1 and id <> $2 order by number limit 1", [orgId, ctx.ticketId]);
  const [tech, tech2, sup, ruTech] = await Promise.all(
    ["tech1@caseroom.local", "tech2@caseroom.local", "supervisor@caseroom.local", "tech1@ru.caseroom.local"].map((e) => loginAs(ctx.server.url, e)),
  );
  Object.assign(ctx, { tech: tech!, tech2: tech2!, sup: sup!, ruTech: ruTech! });
  ctx.guest = await inviteGuest(ctx.tech, ctx.ticketId, "Pat Customer");
  ctx.otherGuest = await inviteGuest(ctx.tech, second!.id, "Other Customer");
  const start = await ctx.tech.post(`/api/tickets/${ctx.ticketId}/call`);
  assert.is(start.status, 201, JSON.stringify(start.body));
  ctx.callId = start.body.call.id;
  assert.is((await ctx.guest.client.post(`/api/calls/${ctx.callId}/join`, {})).status, 200);
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/join`, { mode: "monitor" })).status, 200);
  ctx.t = {
    tech: await connectTranscript(ctx.server.url, ctx.tech.cookie),
    tech2: await connectTranscript(ctx.server.url, ctx.tech2.cookie),
    sup: await connectTranscript(ctx.server.url, ctx.sup.cookie),
    guest: await connectTranscript(ctx.server.url, ctx.guest.client.cookie),
    otherGuest: await connectTranscript(ctx.server.url, ctx.otherGuest.client.cookie),
    ruTech: await connectTranscript(ctx.server.url, ctx.ruTech.cookie),
  };
});
test.after(async (ctx) => {
  for (const t of Object.values(ctx.t ?? {})) t.socket.close();
  await ctx.server?.close();
  await ctx.fake?.close();
});

test("without a session the namespace refuses the connection", async (ctx) => {
  const err = await connectTranscript(ctx.server.url, undefined).then(() => undefined, (e: Error) => e);
  assert.match(String(err?.message), /log in/i);
});

test("staff and the customer in the call join; the status says Deepgram is on and captions are off", async (ctx) => {
  for (const who of ["tech", "sup", "guest"] as const) {
    const ack = await joinTranscript(ctx.t[who], ctx.callId);
    assert.ok(ack.ok, `${who}: ${JSON.stringify(ack)}`);
    if (ack.ok) assert.equal(ack.data.status, { engine: "deepgram", captions: false });
  }
});

test("refused: a guest of another ticket, a staff member not in the call, another organisation (not found)", async (ctx) => {
  const pcm = burstTrack(1).pcm.slice(0, 1280);
  for (const who of ["otherGuest", "tech2", "ruTech"] as const) {
    const join = await joinTranscript(ctx.t[who], ctx.callId);
    assert.is(join.ok, false, who);
    if (!join.ok) assert.is(join.error.code, "not_found", who);
    const audio = await sendAudio(ctx.t[who], ctx.callId, pcm);
    assert.is(audio.ok, false, who);
    if (!audio.ok) assert.is(audio.error.code, "not_found", who);
    const captions = await ctx.t[who].socket.timeout(5000).emitWithAck("transcript:captions", { callId: ctx.callId, on: true });
    assert.is(captions.ok, false, who);
  }
  const unknown = await sendAudio(ctx.t.tech, randomUUID(), pcm);
  assert.is(!unknown.ok && unknown.error.code, "not_found");
  assert.is(ctx.fake.connections, 0, "no speech-to-text session was opened for refused audio");
});

test("refused: a monitoring supervisor's audio, oversized or odd frames, malformed payloads, faster than real time", async (ctx) => {
  const monitor = await sendAudio(ctx.t.sup, ctx.callId, new Uint8Array(640));
  assert.is(!monitor.ok && monitor.error.code, "forbidden");
  const big = await sendAudio(ctx.t.tech, ctx.callId, new Uint8Array(16_002));
  assert.is(!big.ok && big.error.code, "payload_too_large");
  const odd = await sendAudio(ctx.t.tech, ctx.callId, new Uint8Array(641));
  assert.is(!odd.ok && odd.error.code, "bad_request");
  const text = await ctx.t.tech.socket.timeout(5000).emitWithAck("transcript:audio", { callId: ctx.callId, pcm: "AAAA" } as never);
  assert.is(!text.ok && text.error.code, "validation_failed");
  const extra = await ctx.t.tech.socket.timeout(5000).emitWithAck("transcript:audio", { callId: ctx.callId, pcm: new Uint8Array(2), more: 1 } as never);
  assert.is(!extra.ok && extra.error.code, "validation_failed");
  // Five seconds of audio in one go: the burst allowance (two seconds) runs out.
  const results = [];
  for (let i = 0; i < 10; i++) results.push(await sendAudio(ctx.t.guest, ctx.callId, new Uint8Array(16_000)));
  assert.ok(results.some((r) => !r.ok && r.error.code === "rate_limited"), "rate limited");
  // Frames sent without an ack get a transcript:error event instead (at most one a second).
  ctx.t.tech.socket.emit("transcript:audio", { callId: ctx.callId, pcm: new Uint8Array(3) });
  await waitFor(() => ctx.t.tech.errors.find((e) => e.error.code === "bad_request"), { timeoutMs: 15_000, what: "transcript:error" });
});

test("the technician's speech: interim then final segments reach staff in the call, finals are stored on the ticket's timeline", async (ctx) => {
  // Let the guest's burst allowance refill after the rate test.
  await new Promise((r) => setTimeout(r, 1500));
  const { pcm } = burstTrack(2, { gapMs: 500 });
  await streamAudio(ctx.t.tech, ctx.callId, pcm);
  const finals = await waitFor(() => (ctx.t.sup.finals().length >= 2 ? ctx.t.sup.finals() : undefined), { timeoutMs: 20_000, what: "2 finals at the supervisor" });
  assert.equal(finals.map((s) => s.text), [textOf(0), textOf(1)]);
  for (const s of finals) {
    assert.is(s.speakerKind, "technician");
    assert.is(s.speakerName.length > 0, true);
    assert.is(s.staffOnly, false);
    assert.is(s.callId, ctx.callId);
  }
  assert.ok(ctx.t.sup.segments.some((s) => !s.isFinal), "interim segments were pushed too");
  await waitFor(() => ctx.t.tech.finals().length >= 2, { timeoutMs: 15_000, what: "2 finals at the technician" });
  assert.equal(ctx.t.guest.segments, [], "captions are off: the customer saw nothing");
  const stored = await ctx.tech.get(`/api/calls/${ctx.callId}/transcript`);
  assert.is(stored.status, 200);
  assert.equal(stored.body.segments.map((s: { text: string }) => s.text), [textOf(0), textOf(1)]);
  assert.equal(stored.body.segments.map((s: { id: string }) => s.id), finals.map((s) => s.id), "the pushed finals are the stored events");
  const events = await ctx.server.db.query<{ type: string; ticket_id: string; actor_id: string | null }>(
    "select type, ticket_id, actor_id from events where call_id = $1 and type = 'call.transcript_segment'",
    [ctx.callId],
  );
  assert.is(events.length, 2);
  assert.ok(events.every((e) => e.ticket_id === ctx.ticketId && e.actor_id), "on the ticket, with the technician as actor");
});

test("captions: only staff may turn them on; then the customer sees segments (their own and the technician's)", async (ctx) => {
  const byGuest = await ctx.t.guest.socket.timeout(5000).emitWithAck("transcript:captions", { callId: ctx.callId, on: true });
  assert.is(!byGuest.ok && byGuest.error.code, "forbidden");
  const on = await ctx.t.tech.socket.timeout(5000).emitWithAck("transcript:captions", { callId: ctx.callId, on: true });
  assert.ok(on.ok);
  await waitFor(() => ctx.t.guest.captions.find((c) => c.on), { timeoutMs: 15_000, what: "captions on at the customer" });
  const before = ctx.t.sup.finals().length;
  await streamAudio(ctx.t.guest, ctx.callId, burstTrack(1).pcm);
  const seen = await waitFor(() => ctx.t.guest.finals()[0], { timeoutMs: 20_000, what: "a caption at the customer" });
  assert.is(seen.text, textOf(0));
  assert.is(seen.speakerKind, "customer");
  assert.is(seen.speakerName, "Pat Customer");
  await waitFor(() => ctx.t.sup.finals().length > before, { timeoutMs: 15_000, what: "the customer's words at the supervisor" });
  assert.is(ctx.fake.connections, 2, "one Deepgram session per speaker");
});

test("a whispering supervisor is transcribed for staff only, never captioned to the customer", async (ctx) => {
  assert.is((await ctx.sup.post(`/api/calls/${ctx.callId}/mode`, { mode: "whisper" })).status, 200);
  const guestBefore = ctx.t.guest.segments.length;
  await streamAudio(ctx.t.sup, ctx.callId, burstTrack(1).pcm);
  const whisper = await waitFor(() => ctx.t.tech.finals().find((s) => s.speakerKind === "supervisor"), { timeoutMs: 20_000, what: "the whisper at the technician" });
  assert.is(whisper.staffOnly, true);
  // The guest socket has had time to get anything sent before this answer.
  await joinTranscript(ctx.t.guest, ctx.callId);
  assert.is(ctx.t.guest.segments.length, guestBefore, "the customer saw no whispered words");
});

test("GET /api/calls/:id/transcript: staff of the organisation only; another organisation's call is not found", async (ctx) => {
  assert.is((await ctx.tech2.get(`/api/calls/${ctx.callId}/transcript`)).status, 200);
  assert.is((await ctx.ruTech.get(`/api/calls/${ctx.callId}/transcript`)).status, 404);
  assert.is((await ctx.guest.client.get(`/api/calls/${ctx.callId}/transcript`)).status, 403);
  assert.is((await ctx.tech.get(`/api/calls/not-a-uuid/transcript`)).status, 400);
  assert.is((await ctx.tech.get(`/api/calls/${randomUUID()}/transcript`)).status, 404);
});

test("after the customer leaves, their audio is refused at once", async (ctx) => {
  assert.is((await ctx.guest.client.post(`/api/calls/${ctx.callId}/leave`)).status, 204);
  const after = await sendAudio(ctx.t.guest, ctx.callId, new Uint8Array(640));
  assert.is(!after.ok && after.error.code, "not_found");
});

test("when the call ends, every session is closed and audio is refused", async (ctx) => {
  assert.is((await ctx.tech.post(`/api/calls/${ctx.callId}/end`)).status, 200);
  await waitFor(() => ctx.fake.openConnections === 0, { timeoutMs: 15_000, what: "the Deepgram streams closed" });
  const after = await sendAudio(ctx.t.tech, ctx.callId, new Uint8Array(640));
  assert.is(!after.ok && after.error.code, "not_found");
});

test.run();

const off = suite<{ server: TestServer; tech: ApiClient; t: TranscriptClient; callId: string }>("transcription: off");
off.before(async (ctx) => {
  ctx.server = await startServer();
  const orgId = await orgIdBySlug(ctx.server.db, "demo");
  const ticketId = await firstTicketOf(ctx.server.db, orgId);
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.callId = (await ctx.tech.post(`/api/tickets/${ticketId}/call`)).body.call.id;
  ctx.t = await connectTranscript(ctx.server.url, ctx.tech.cookie);
});
off.after(async (ctx) => {
  ctx.t?.socket.close();
  await ctx.server?.close();
});
off("with no engine configured the status says off and how to turn it on; audio is refused as unavailable", async (ctx) => {
  const ack = await joinTranscript(ctx.t, ctx.callId);
  assert.ok(ack.ok);
  if (ack.ok) {
    assert.is(ack.data.status.engine, "off");
    assert.match(ack.data.status.howToEnable!, /DEEPGRAM_API_KEY/);
  }
  const audio = await sendAudio(ctx.t, ctx.callId, new Uint8Array(640));
  assert.is(!audio.ok && audio.error.code, "unavailable");
  const rest = await ctx.tech.get(`/api/calls/${ctx.callId}/transcript`);
  assert.equal(rest.body, { engine: "off", howToEnable: rest.body.howToEnable, segments: [] });
});
off.run();

// The same path with the OpenAI-compatible engine: the server cuts each speaker's audio at pauses and
// posts utterances to the endpoint; finals reach staff in the call and are stored.
const openai = suite<{ fake: FakeOpenAiStt; server: TestServer; tech: ApiClient; t: TranscriptClient; callId: string }>("transcription: openai-compatible engine");
openai.before(async (ctx) => {
  ctx.fake = await new FakeOpenAiStt({ apiKey: "sk-test-not-real", script: ["the printer is jammed", "I restarted it"] }).listen();
  ctx.server = await startServer({ env: { STT_BASE_URL: ctx.fake.url, STT_API_KEY: "sk-test-not-real", STT_MODEL: "whisper-large-v3" } });
  const orgId = await orgIdBySlug(ctx.server.db, "demo");
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.callId = (await ctx.tech.post(`/api/tickets/${await firstTicketOf(ctx.server.db, orgId)}/call`)).body.call.id;
  ctx.t = await connectTranscript(ctx.server.url, ctx.tech.cookie);
});
openai.after(async (ctx) => {
  ctx.t?.socket.close();
  await ctx.server?.close();
  await ctx.fake?.close();
});
openai("utterances cut at pauses come back as final segments, in order, and are stored", async (ctx) => {
  const ack = await joinTranscript(ctx.t, ctx.callId);
  assert.ok(ack.ok && ack.data.status.engine === "openai-compatible");
  const track = speechTrack(["The printer is jammed", "I restarted it"], { pausesMs: [900], trailMs: 900 });
  await streamAudio(ctx.t, ctx.callId, new Uint8Array(track.samples.buffer), { speedup: 1.4 });
  const finals = await waitFor(() => (ctx.t.finals().length >= 2 ? ctx.t.finals() : undefined), { timeoutMs: 20_000, what: "2 finals" });
  assert.equal(finals.map((s) => s.text), ["the printer is jammed", "I restarted it"]);
  assert.ok(finals[0]!.startMs <= track.phrases[0]!.startMs && finals[0]!.endMs >= track.phrases[0]!.endMs, "times cover the phrase");
  assert.equal(ctx.fake.received.map((f) => f.model), ["whisper-large-v3", "whisper-large-v3"]);
  const stored = await ctx.tech.get(`/api/calls/${ctx.callId}/transcript`);
  assert.is(stored.body.engine, "openai-compatible");
  assert.equal(stored.body.segments.map((s: { text: string }) => s.text), ["the printer is jammed", "I restarted it"]);
});
openai.run();
