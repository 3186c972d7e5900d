// The OpenAI-compatible adapter: the real `openai` SDK against a local server speaking
// /v1/audio/transcriptions. Live audio is cut at pauses into WAV utterances, answered in order;
// clips go up as they are; failures are reported and the session carries on.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openAiCompatibleEngine, SttError, type SttEngine, type TranscriptSegment } from "../../media/src/stt/index.ts";
import { FakeOpenAiStt } from "../../media/src/stt/testing/fakeOpenAiStt.ts";
import { speechTrack, type SpeechTrack } from "../../media/src/stt/testing/speech.ts";
import { waitFor } from "../helpers/server.ts";

const KEY = "sk-test-not-a-real-key";
const phrases = ["My laptop will not charge", "I tried another cable", "The light on the adapter is off"];

interface Ctx {
  fake: FakeOpenAiStt;
  engine: SttEngine;
  track: SpeechTrack;
}
const test = suite<Ctx>("stt: openai-compatible");

test.before((ctx) => {
  ctx.track = speechTrack(phrases, { pausesMs: [800, 700] });
});
test.before.each(async (ctx) => {
  // The fake answers each utterance with the phrase whose time its audio covers, so order shows.
  ctx.fake = await new FakeOpenAiStt({ apiKey: KEY, script: phrases, delayMs: 30 }).listen();
  ctx.engine = openAiCompatibleEngine({ baseUrl: ctx.fake.url, apiKey: KEY, model: "whisper-large-v3" });
});
test.after.each(async (ctx) => {
  await ctx.engine.close();
  await ctx.fake.close();
});

function run(engine: SttEngine, samples: Int16Array) {
  const segments: TranscriptSegment[] = [];
  const errors: SttError[] = [];
  const live = engine.startLive({ speaker: "customer-1", onSegment: (s) => segments.push(s), onError: (e) => errors.push(e) });
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  for (let off = 0; off < bytes.byteLength; off += 640) live.push(bytes.subarray(off, off + 640));
  return { live, segments, errors };
}

test("each utterance goes up as a WAV with the configured model; final segments come back in order with their times", async (ctx) => {
  const r = run(ctx.engine, ctx.track.samples);
  await r.live.close();
  assert.equal(r.segments.map((s) => s.text), phrases);
  assert.ok(r.segments.every((s) => s.isFinal && s.speaker === "customer-1"));
  for (const [i, s] of r.segments.entries()) {
    const p = ctx.track.phrases[i]!;
    assert.ok(s.startMs <= p.startMs && s.endMs >= p.endMs, `segment ${i} [${s.startMs}, ${s.endMs}] covers the phrase [${p.startMs}, ${p.endMs}]`);
  }
  assert.is(ctx.fake.received.length, 3);
  for (const [i, f] of ctx.fake.received.entries()) {
    assert.is(f.model, "whisper-large-v3");
    assert.is(f.type, "audio/wav");
    const s = r.segments[i]!;
    assert.ok(Math.abs(f.wavDurationMs! - (s.endMs - s.startMs)) < 1, "the WAV holds exactly the utterance");
  }
  assert.equal(r.errors, []);
});

test("answers that come back out of order are still emitted in utterance order", async (ctx) => {
  await ctx.fake.close();
  // The first request is slowest.
  let n = 0;
  ctx.fake = await new FakeOpenAiStt({ apiKey: KEY, script: phrases }).listen();
  const slow = ctx.fake;
  const original = slow.http.listeners("request")[0] as (...a: unknown[]) => void;
  slow.http.removeAllListeners("request");
  slow.http.on("request", (req, res) => setTimeout(() => original(req, res), n++ === 0 ? 400 : 0));
  const engine = openAiCompatibleEngine({ baseUrl: `${slow.url}/v1`, apiKey: KEY });
  const r = run(engine, ctx.track.samples);
  await r.live.close();
  await engine.close();
  assert.equal(r.segments.map((s) => s.text).sort(), [...phrases].sort());
  assert.equal(r.segments.map((s) => s.startMs), [...r.segments.map((s) => s.startMs)].sort((a, b) => a - b));
});

test("a server error after the SDK's retries is reported; the next utterance is still transcribed", async (ctx) => {
  ctx.fake.failures = [500, 500, 500];
  // The first phrase alone first, so all three failures (first try and two retries) are its own.
  const split = ((ctx.track.phrases[0]!.endMs + 600) * 16_000) / 1000;
  const r = run(ctx.engine, ctx.track.samples.subarray(0, split));
  await waitFor(() => r.errors.length === 1, { timeoutMs: 20_000, what: "the error after retries" });
  const rest = ctx.track.samples.subarray(split);
  for (let off = 0; off < rest.length; off += 320) r.live.push(new Uint8Array(rest.buffer, rest.byteOffset + off * 2, Math.min(320, rest.length - off) * 2));
  await r.live.close();
  assert.is(r.errors.length, 1);
  assert.ok(r.errors[0]!.retryable);
  assert.match(r.errors[0]!.message, /500/);
  assert.is(r.segments.length, 2, "the other two utterances came through");
});

test("a wrong key is a clear, non-retryable error", async (ctx) => {
  const engine = openAiCompatibleEngine({ baseUrl: ctx.fake.url, apiKey: "sk-wrong" });
  try {
    await engine.transcribeClip(new Uint8Array([1, 2, 3]), "audio/ogg");
    assert.unreachable("should fail");
  } catch (err) {
    assert.instance(err, SttError);
    assert.is((err as SttError).retryable, false);
    assert.match((err as Error).message, /401/);
  }
});

test("a recorded voice note goes up as it is, named by its type", async (ctx) => {
  const clip = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 9, 9, 9, 9]);
  const text = await ctx.engine.transcribeClip(clip, "audio/webm;codecs=opus");
  assert.is(text, phrases[0]);
  const f = ctx.fake.received[0]!;
  assert.is(f.name, "clip.webm");
  assert.is(f.type, "audio/webm");
  assert.equal([...f.bytes], [...clip]);
});

test.run();
