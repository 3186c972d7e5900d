// Synthetic test audio for the speech-to-text tests: tone bursts whose pitch tells which utterance
// they are, so a fake engine can answer an utterance the same way however often it is resent.
import { SAMPLE_RATE } from "../../media/src/stt/index.ts";
import { frameFeatures } from "../../media/src/stt/vad.ts";

export const toneHz = (index: number) => 400 + 150 * index;

/** Which burst this audio is, from its zero-crossing rate (a pure tone crosses zero 2f times a second). */
export function burstIndex(samples: Int16Array): number {
  const loud: number[] = [];
  for (let i = 0; i + 320 <= samples.length; i += 320) {
    const f = frameFeatures(samples.subarray(i, i + 320));
    if (f.db > -40) loud.push((f.zcr * SAMPLE_RATE) / 2);
  }
  if (!loud.length) return -1;
  loud.sort((a, b) => a - b);
  return Math.round((loud[loud.length >> 1]! - 400) / 150);
}

export interface Burst {
  index: number;
  startMs: number;
  endMs: number;
}

/** `count` tone bursts of `toneMs`, each followed by `gapMs` of silence, after `leadMs`. */
export function burstTrack(count: number, { toneMs = 400, gapMs = 600, leadMs = 200 } = {}): { pcm: Uint8Array; bursts: Burst[] } {
  const ms = (m: number) => (m * SAMPLE_RATE) / 1000;
  const total = ms(leadMs + count * (toneMs + gapMs));
  const samples = new Int16Array(total);
  const bursts: Burst[] = [];
  for (let i = 0; i < count; i++) {
    const start = ms(leadMs + i * (toneMs + gapMs));
    for (let k = 0; k < ms(toneMs); k++) samples[start + k] = Math.round(8000 * Math.sin((2 * Math.PI * toneHz(i) * k) / SAMPLE_RATE));
    bursts.push({ index: i, startMs: leadMs + i * (toneMs + gapMs), endMs: leadMs + i * (toneMs + gapMs) + toneMs });
  }
  return { pcm: new Uint8Array(samples.buffer), bursts };
}

/** Pushes audio in `frameMs` frames, `speedup` times faster than real time. */
export async function pace(pcm: Uint8Array, push: (frame: Uint8Array) => void, { frameMs = 20, speedup = 4, onFrame }: { frameMs?: number; speedup?: number; onFrame?: (endMs: number) => void } = {}): Promise<void> {
  const bytes = (frameMs * SAMPLE_RATE * 2) / 1000;
  const started = performance.now();
  for (let off = 0, n = 0; off < pcm.byteLength; off += bytes, n++) {
    push(pcm.subarray(off, Math.min(pcm.byteLength, off + bytes)));
    onFrame?.((n + 1) * frameMs);
    const due = started + ((n + 1) * frameMs) / speedup;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
