// Voice-activity cutting on real speech (espeak-ng): every pause between phrases is found, and no
// cut lands inside a phrase, whatever the chunking or the background noise.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createStt, VadSegmenter, type Utterance, type VadOptions } from "../../media/src/stt/index.ts";
import { frameFeatures } from "../../media/src/stt/vad.ts";
import { speechTrack, type SpeechTrack } from "../../media/src/stt/testing/speech.ts";

const phrases = [
  "The printer on the second floor is jammed again",
  "I restarted the router but the light keeps blinking",
  "Please check the shipping label on the parcel",
  "Thanks, that fixed it",
  "Could you send me the invoice for March",
  "My password expired yesterday morning",
];
const pausesMs = [600, 900, 700, 1200, 650];

function cut(samples: Int16Array, chunk: (i: number) => number, options?: VadOptions): Utterance[] {
  const out: Utterance[] = [];
  const vad = new VadSegmenter((u) => out.push(u), options);
  for (let i = 0, n = 0; i < samples.length; n++) {
    const size = chunk(n);
    vad.push(samples.subarray(i, i + size));
    i += size;
  }
  vad.flush();
  return out;
}

function assertCutsInPauses(track: SpeechTrack, utterances: Utterance[]) {
  assert.is(utterances.length, track.phrases.length, `one utterance per phrase: ${JSON.stringify(utterances.map((u) => [u.startMs, u.endMs]))}`);
  for (const [i, u] of utterances.entries()) {
    const p = track.phrases[i]!;
    // The whole phrase is inside its utterance: no word cut off at either end.
    assert.ok(u.startMs <= p.startMs, `utterance ${i} starts at ${u.startMs}, before the phrase at ${p.startMs}`);
    assert.ok(u.endMs >= p.endMs, `utterance ${i} ends at ${u.endMs}, after the phrase at ${p.endMs}`);
    // And the cut lies in the pause that follows, before the next phrase begins.
    const next = track.phrases[i + 1];
    if (next) assert.ok(u.endMs < next.startMs, `utterance ${i} ends at ${u.endMs}, inside the pause before ${next.startMs}`);
    assert.is(u.samples.length, ((u.endMs - u.startMs) * 16_000) / 1000, "the samples match the times");
  }
}

interface Ctx {
  track: SpeechTrack;
}
const test = suite<Ctx>("stt: voice activity on espeak-ng speech");

test.before((ctx) => {
  ctx.track = speechTrack(phrases, { pausesMs });
});

test("every pause between phrases is found and every cut lies in a pause (20 ms chunks)", (ctx) => {
  assertCutsInPauses(ctx.track, cut(ctx.track.samples, () => 320));
});

test("the same cuts with odd chunk sizes (the browser sends what its worklet has)", (ctx) => {
  const sizes = [1, 127, 128, 333, 2048, 4000, 57];
  assertCutsInPauses(ctx.track, cut(ctx.track.samples, (n) => sizes[n % sizes.length]!));
});

test("the same cuts under steady background noise (about -42 dBFS)", () => {
  const noisy = speechTrack(phrases, { pausesMs, noise: 450 });
  assertCutsInPauses(noisy, cut(noisy.samples, () => 320));
});

test("a pause shorter than the hangover does not cut: commas and breaths stay inside one utterance", () => {
  const track = speechTrack(["Open the settings page", "then choose network"], { pausesMs: [200] });
  const utterances = cut(track.samples, () => 320);
  assert.is(utterances.length, 1);
  assert.ok(utterances[0]!.startMs <= track.phrases[0]!.startMs && utterances[0]!.endMs >= track.phrases[1]!.endMs);
});

test("a monologue longer than the limit is cut at a quiet moment, not inside a word", () => {
  const track = speechTrack(
    ["When I open the laptop the screen stays black for a minute and then the fan starts spinning very loudly and nothing else happens at all"],
    { pausesMs: [0] },
  );
  const utterances = cut(track.samples, () => 320, { maxUtteranceMs: 3000 });
  assert.ok(utterances.length >= 2, `cut into ${utterances.length}`);
  for (const u of utterances.slice(0, -1)) {
    const at = (u.endMs * 16_000) / 1000;
    const { db } = frameFeatures(track.samples.subarray(at - 160, at + 160));
    assert.ok(db < -35, `cut at ${u.endMs} ms is quiet (${db.toFixed(1)} dBFS)`);
  }
  // Nothing lost between the pieces.
  for (let i = 1; i < utterances.length; i++) assert.is(utterances[i]!.startMs, utterances[i - 1]!.endMs);
});

test("silence alone produces no utterance", () => {
  assert.equal(cut(new Int16Array(16_000 * 3), () => 320), []);
});

test("with no engine configured, transcription is off and says how to turn it on", () => {
  const stt = createStt({});
  assert.is(stt.name, "off");
  assert.match((stt as { howToEnable: string }).howToEnable, /DEEPGRAM_API_KEY/);
  assert.match((stt as { howToEnable: string }).howToEnable, /STT_BASE_URL/);
});

test.run();
