// The Deepgram adapter: the real @deepgram/sdk (listen.v1) against a local server speaking Deepgram's
// live protocol. Segments arrive in order with the right times; a socket dropped mid-call is
// reconnected and the unacknowledged audio resent, so no segment is lost or doubled.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { deepgramEngine, SttError, type SttEngine, type TranscriptSegment } from "../../media/src/stt/index.ts";
import { FakeDeepgram } from "../../media/src/stt/testing/fakeDeepgram.ts";
import { burstIndex, burstTrack, pace } from "../helpers/sttAudio.ts";
import { waitFor } from "../helpers/server.ts";

const KEY = "dg-test-key-not-real";
const textOf = (i: number) => `phrase number ${i}`;

interface Ctx {
  fake: FakeDeepgram;
  engine: SttEngine;
}

function session(engine: SttEngine) {
  const segments: TranscriptSegment[] = [];
  const errors: SttError[] = [];
  const live = engine.startLive({ speaker: "speaker-1", onSegment: (s) => segments.push(s), onError: (e) => errors.push(e) });
  const finals = () => segments.filter((s) => s.isFinal);
  return { live, segments, errors, finals };
}

const test = suite<Ctx>("stt: deepgram live");

test.before.each(async (ctx) => {
  ctx.fake = await new FakeDeepgram({ apiKey: KEY, replyDelayMs: 150, answer: (u) => textOf(burstIndex(u.samples)) }).listen();
  ctx.engine = deepgramEngine({ apiKey: KEY, baseUrl: ctx.fake.url, reconnectDelayMs: { min: 50, max: 500 } });
});
test.after.each(async (ctx) => {
  await ctx.engine.close();
  await ctx.fake.close();
});

function assertExactlyOnce(finals: TranscriptSegment[], bursts: { index: number; startMs: number; endMs: number }[]) {
  assert.equal(finals.map((s) => s.text), bursts.map((b) => textOf(b.index)), "every utterance once, in order");
  for (const [i, s] of finals.entries()) {
    const b = bursts[i]!;
    // Times are in the speaker's stream, across reconnects: within a frame or two of the truth.
    assert.ok(Math.abs(s.startMs - b.startMs) <= 45, `segment ${i} starts at ${s.startMs}, spoken at ${b.startMs}`);
    assert.ok(Math.abs(s.endMs - b.endMs) <= 45, `segment ${i} ends at ${s.endMs}, spoken until ${b.endMs}`);
    assert.is(s.speaker, "speaker-1");
  }
}

test("the SDK connects with our key and audio format; interim then final segments arrive in order with stream times", async (ctx) => {
  const { pcm, bursts } = burstTrack(5);
  const s = session(ctx.engine);
  await pace(pcm, (f) => s.live.push(f));
  await waitFor(() => s.finals().length === 5, { timeoutMs: 20_000, what: "5 finals" });
  await s.live.close();
  assertExactlyOnce(s.finals(), bursts);
  const q = ctx.fake.requests[0]!;
  assert.is(q.authorization, `Token ${KEY}`);
  assert.is(q.query.get("encoding"), "linear16");
  assert.is(q.query.get("sample_rate"), "16000");
  assert.is(q.query.get("interim_results"), "true");
  const firstFinal = s.segments.findIndex((x) => x.isFinal);
  assert.ok(s.segments.slice(0, firstFinal).some((x) => !x.isFinal && x.text.startsWith("phrase")), "an interim segment came before the first final");
  assert.ok(ctx.fake.control.includes("CloseStream"), "close sends CloseStream");
  assert.is(ctx.fake.connections, 1);
  assert.equal(s.errors, []);
});

test("a socket dropped while an answer is pending: the audio is resent, the segment arrives once", async (ctx) => {
  const { pcm, bursts } = burstTrack(6);
  const s = session(ctx.engine);
  let dropped = 0;
  ctx.fake.on("utteranceEnd", (u: { connection: number; index: number }) => {
    // Drop twice: after the third utterance's audio, and again on the second connection.
    if ((u.connection === 0 && u.index === 2) || (u.connection === 1 && u.index === 1)) {
      dropped++;
      ctx.fake.dropAll();
    }
  });
  await pace(pcm, (f) => s.live.push(f));
  await waitFor(() => s.finals().length >= 6, { timeoutMs: 20_000, what: "6 finals" });
  await s.live.close();
  assert.is(dropped, 2);
  assert.ok(ctx.fake.connections >= 3, `reconnected (${ctx.fake.connections} connections)`);
  assertExactlyOnce(s.finals(), bursts);
  assert.ok(s.errors.some((e) => e.retryable && /reconnecting/.test(e.message)), "the drop is reported as retryable");
});

test("a socket dropped right after a final went out: nothing is transcribed twice", async (ctx) => {
  const { pcm, bursts } = burstTrack(5);
  const s = session(ctx.engine);
  ctx.fake.on("final", (u: { connection: number; index: number }) => {
    if (u.connection === 0 && u.index === 1) ctx.fake.dropAll();
  });
  await pace(pcm, (f) => s.live.push(f));
  await waitFor(() => s.finals().length >= 5, { timeoutMs: 20_000, what: "5 finals" });
  await s.live.close();
  assert.ok(ctx.fake.connections >= 2);
  assertExactlyOnce(s.finals(), bursts);
});

test("a long outage: audio pushed while Deepgram is unreachable is transcribed once it is back", async (ctx) => {
  const { pcm, bursts } = burstTrack(4);
  const s = session(ctx.engine);
  const half = pcm.byteLength / 2;
  await pace(pcm.subarray(0, half - (half % 2)), (f) => s.live.push(f));
  await waitFor(() => s.finals().length >= 2, { timeoutMs: 20_000, what: "2 finals before the outage" });
  // Refuse new connections for a while: every attempt fails until the server is back.
  const url = new URL(ctx.fake.url);
  await ctx.fake.close();
  await pace(pcm.subarray(half - (half % 2)), (f) => s.live.push(f));
  ctx.fake = new FakeDeepgram({ apiKey: KEY, replyDelayMs: 150, answer: (u) => textOf(burstIndex(u.samples)) });
  await new Promise<void>((resolve) => ctx.fake.http.listen(Number(url.port), "127.0.0.1", resolve));
  await waitFor(() => s.finals().length >= 4, { timeoutMs: 20_000, what: "4 finals after the outage" });
  await s.live.close();
  assertExactlyOnce(s.finals(), bursts);
});

test("close() flushes speech still in progress (CloseStream), then Metadata ends the stream", async (ctx) => {
  const { pcm } = burstTrack(1, { gapMs: 0 });
  const s = session(ctx.engine);
  await pace(pcm, (f) => s.live.push(f));
  await waitFor(() => ctx.fake.audioBytes >= pcm.byteLength, { timeoutMs: 15_000, what: "all audio at the fake" });
  await s.live.close();
  assert.equal(s.finals().map((x) => x.text), [textOf(0)]);
  assert.ok(ctx.fake.control.includes("CloseStream"));
  await waitFor(() => ctx.fake.openConnections === 0, { timeoutMs: 15_000, what: "the stream closed at the fake" });
});

test("silence keeps the stream alive with KeepAlive messages", async (ctx) => {
  const engine = deepgramEngine({ apiKey: KEY, baseUrl: ctx.fake.url, keepAliveMs: 100 });
  const s = session(engine);
  await waitFor(() => ctx.fake.control.filter((c) => c === "KeepAlive").length >= 2, { timeoutMs: 15_000, what: "two KeepAlive messages" });
  await s.live.close();
  await engine.close();
});

test("a wrong key is reported (retryable: the session keeps trying) and nothing crashes", async (ctx) => {
  const engine = deepgramEngine({ apiKey: "wrong-key", baseUrl: ctx.fake.url, reconnectDelayMs: { min: 50, max: 100 } });
  const s = session(engine);
  s.live.push(burstTrack(1).pcm);
  await waitFor(() => s.errors.length >= 2, { timeoutMs: 15_000, what: "errors reported" });
  await s.live.close();
  await engine.close();
  assert.equal(s.segments, []);
});

test("a recorded clip goes to the prerecorded endpoint and comes back as text", async (ctx) => {
  await ctx.fake.close();
  ctx.fake = await new FakeDeepgram({ apiKey: KEY, clipText: "my screen stays black" }).listen();
  const engine = deepgramEngine({ apiKey: KEY, baseUrl: ctx.fake.url });
  const text = await engine.transcribeClip(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]), "audio/webm;codecs=opus");
  assert.is(text, "my screen stays black");
  await engine.close();
});

test.run();
