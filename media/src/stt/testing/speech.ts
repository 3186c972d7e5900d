// Real speech for tests and benchmarks: phrases spoken by espeak-ng, joined with pauses of known
// length, so a test knows exactly where each phrase starts and ends in the stream.
import { execFileSync } from "node:child_process";
import { readWav, resample } from "../pcm.ts";
import { SAMPLE_RATE } from "../types.ts";

export interface SpokenPhrase {
  text: string;
  /** Where the phrase's sound begins and ends in the joined stream. */
  startMs: number;
  endMs: number;
}

export interface SpeechTrack {
  samples: Int16Array;
  phrases: SpokenPhrase[];
  durationMs: number;
}

const toMs = (samples: number) => Math.round((samples * 1000) / SAMPLE_RATE);

/** One phrase at 16 kHz, silence espeak-ng adds at either end trimmed away. */
export function speak(text: string, { voice = "en-us", wordsPerMinute = 165 } = {}): Int16Array {
  let wav: Buffer;
  try {
    wav = execFileSync("espeak-ng", ["-v", voice, "-s", String(wordsPerMinute), "--stdout", text], { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`espeak-ng is needed to make test speech (install it: scripts/install-system-deps.sh): ${String(err)}`);
  }
  const { samples, sampleRate } = readWav(new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength));
  const pcm = resample(samples, sampleRate, SAMPLE_RATE);
  const loud = (s: number) => Math.abs(s) > 300;
  let a = 0;
  let b = pcm.length;
  while (a < b && !loud(pcm[a]!)) a++;
  while (b > a && !loud(pcm[b - 1]!)) b--;
  return pcm.slice(a, b);
}

/**
 * Phrases joined by pauses (`pausesMs[i]` after phrase i, cycling), with `leadMs` of silence first
 * and `trailMs` after the last. A little noise under everything keeps it from being digital silence.
 */
export function speechTrack(phrases: string[], { pausesMs = [800], leadMs = 400, trailMs = 1000, noise = 30, voice = "en-us" } = {}): SpeechTrack {
  const spoken = phrases.map((text) => speak(text, { voice }));
  const ms = (m: number) => Math.round((m * SAMPLE_RATE) / 1000);
  const total = ms(leadMs) + spoken.reduce((n, p, i) => n + p.length + (i < spoken.length - 1 ? ms(pausesMs[i % pausesMs.length]!) : 0), 0) + ms(trailMs);
  const samples = new Int16Array(total);
  let seed = 12345;
  for (let i = 0; i < total; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    samples[i] = Math.round(((seed / 0x7fffffff) * 2 - 1) * noise);
  }
  const out: SpokenPhrase[] = [];
  let at = ms(leadMs);
  spoken.forEach((pcm, i) => {
    for (let k = 0; k < pcm.length; k++) samples[at + k] = Math.max(-32768, Math.min(32767, samples[at + k]! + pcm[k]!));
    out.push({ text: phrases[i]!, startMs: toMs(at), endMs: toMs(at + pcm.length) });
    at += pcm.length + (i < spoken.length - 1 ? ms(pausesMs[i % pausesMs.length]!) : 0);
  });
  return { samples, phrases: out, durationMs: toMs(total) };
}
