// Small PCM16 helpers: views, WAV wrapping for endpoints that want a file, resampling test audio.
import { SAMPLE_RATE } from "./types.ts";

/** Int16 samples over the same bytes (copies only when the bytes are not 2-aligned). */
export function samplesOf(pcm: Uint8Array): Int16Array {
  if (pcm.byteOffset % 2 === 0) return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
  const copy = new Uint8Array(pcm.byteLength & ~1);
  copy.set(pcm.subarray(0, copy.byteLength));
  return new Int16Array(copy.buffer);
}

export function bytesOf(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** A RIFF/WAVE file around mono PCM16. */
export function wavFromPcm16(pcm: Uint8Array, sampleRate = SAMPLE_RATE): Uint8Array {
  const out = new Uint8Array(44 + pcm.byteLength);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string) => [...text].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + pcm.byteLength, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, pcm.byteLength, true);
  out.set(pcm, 44);
  return out;
}

/** Reads a mono or stereo PCM16 WAV (the first channel), as espeak-ng writes it. */
export function readWav(file: Uint8Array): { samples: Int16Array; sampleRate: number } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const tag = (o: number) => String.fromCharCode(...file.subarray(o, o + 4));
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a WAV file");
  let offset = 12;
  let channels = 1;
  let sampleRate = 0;
  while (offset + 8 <= file.byteLength) {
    const id = tag(offset);
    // espeak-ng writing to a pipe leaves sizes at 0x7fffffff: clamp to what is there.
    const size = Math.min(view.getUint32(offset + 4, true), file.byteLength - offset - 8);
    if (id === "fmt ") {
      if (view.getUint16(offset + 8, true) !== 1 || view.getUint16(offset + 22, true) !== 16) throw new Error("only PCM16 WAV is read");
      channels = view.getUint16(offset + 10, true);
      sampleRate = view.getUint32(offset + 12, true);
    } else if (id === "data") {
      const frames = Math.floor(size / 2 / channels);
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = view.getInt16(offset + 8 + i * 2 * channels, true);
      return { samples, sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error("WAV file has no data chunk");
}

/**
 * Resamples by linear interpolation after a short moving-average low-pass. Good enough for speech
 * going down to 16 kHz (test audio, downsampling in the browser); not a studio resampler.
 */
export function resample(input: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return input;
  const ratio = from / to;
  const taps = ratio > 1 ? Math.max(1, Math.round(ratio)) : 1;
  const out = new Int16Array(Math.floor(input.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const pos = i * ratio;
    const base = Math.floor(pos);
    const frac = pos - base;
    const at = (k: number) => {
      let sum = 0;
      for (let t = 0; t < taps; t++) sum += input[Math.min(input.length - 1, Math.max(0, k - t))]!;
      return sum / taps;
    };
    out[i] = Math.round(at(base) * (1 - frac) + at(base + 1) * frac);
  }
  return out;
}
