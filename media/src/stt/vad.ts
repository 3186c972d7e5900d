// Voice-activity detection that cuts a speaker's stream into utterances at pauses, for engines that
// transcribe whole files (OpenAI-compatible). Energy against an adaptive noise floor, zero-crossing
// rate for quiet fricatives, an onset of a few frames, and a hangover so that the short gaps inside a
// phrase (stops, between words) never end an utterance: a cut lands only in a real pause.
import { SAMPLE_RATE } from "./types.ts";

export interface VadOptions {
  frameMs?: number;
  /** Silence needed to end an utterance. Longer than any gap inside a phrase. */
  hangoverMs?: number;
  /** Consecutive speech frames that start an utterance (clicks and pops are shorter). */
  onsetMs?: number;
  /** Audio kept before the detected onset, so soft first consonants are not clipped. */
  preRollMs?: number;
  /** Silence kept after the last speech frame. */
  tailMs?: number;
  /** A monologue is cut at its quietest recent frame after this long. */
  maxUtteranceMs?: number;
  /** The noise floor is the quietest frame within this window. */
  floorWindowMs?: number;
  /** Speech is at least this far above the noise floor. */
  marginDb?: number;
  /** And never quieter than this, whatever the floor. */
  minSpeechDb?: number;
}

export interface Utterance {
  startMs: number;
  endMs: number;
  samples: Int16Array;
}

const defaults: Required<VadOptions> = {
  frameMs: 20,
  hangoverMs: 450,
  onsetMs: 60,
  preRollMs: 200,
  tailMs: 120,
  maxUtteranceMs: 15_000,
  floorWindowMs: 3000,
  marginDb: 15,
  minSpeechDb: -48,
};

export function frameFeatures(frame: Int16Array): { db: number; zcr: number } {
  let energy = 0;
  let crossings = 0;
  for (let i = 0; i < frame.length; i++) {
    const s = frame[i]!;
    energy += s * s;
    if (i > 0 && (s >= 0) !== (frame[i - 1]! >= 0)) crossings++;
  }
  const rms = Math.sqrt(energy / Math.max(1, frame.length)) / 32768;
  return { db: rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100, zcr: crossings / Math.max(1, frame.length - 1) };
}

/** Feed samples in any chunking; complete utterances come out through `onUtterance`. */
export class VadSegmenter {
  private readonly o: Required<VadOptions>;
  private readonly frameLen: number;
  private pending = new Int16Array(0);
  /** Samples kept: the utterance in progress, or the pre-roll while silent. */
  private kept: Int16Array[] = [];
  private keptStart = 0;
  private keptLen = 0;
  private processed = 0;
  private floorDb = -100;
  private readonly recentDb: Float64Array;
  private recentAt = 0;
  private inSpeech = false;
  private speechRun = 0;
  private silenceRun = 0;
  private uttStart = 0;
  private lastSpeechEnd = 0;
  /** Quietest recent frame of the current utterance, for cutting a monologue. */
  private quietest = { db: 0, at: 0 };

  constructor(
    private readonly onUtterance: (u: Utterance) => void,
    options: VadOptions = {},
  ) {
    this.o = { ...defaults, ...options };
    this.frameLen = (SAMPLE_RATE * this.o.frameMs) / 1000;
    this.recentDb = new Float64Array(Math.round(this.o.floorWindowMs / this.o.frameMs));
  }

  push(samples: Int16Array): void {
    let input = samples;
    if (this.pending.length) {
      input = new Int16Array(this.pending.length + samples.length);
      input.set(this.pending);
      input.set(samples, this.pending.length);
    }
    let off = 0;
    for (; off + this.frameLen <= input.length; off += this.frameLen) this.frame(input.slice(off, off + this.frameLen));
    this.pending = input.slice(off);
  }

  /** Ends the stream: an utterance in progress comes out now. */
  flush(): void {
    if (this.pending.length) {
      const last = new Int16Array(this.frameLen);
      last.set(this.pending);
      this.pending = new Int16Array(0);
      this.frame(last);
    }
    if (this.inSpeech) this.emit(Math.min(this.processed, this.lastSpeechEnd + this.ms(this.o.tailMs)));
  }

  private ms(ms: number) {
    return Math.round((ms * SAMPLE_RATE) / 1000);
  }

  private isSpeech(db: number, zcr: number): boolean {
    if (db > Math.max(this.floorDb + this.o.marginDb, this.o.minSpeechDb)) return true;
    // Fricatives (s, f, sh) are quiet but noisy: a high crossing rate a little above the floor.
    return zcr > 0.3 && db > Math.max(this.floorDb + this.o.marginDb / 2, this.o.minSpeechDb - 8);
  }

  private frame(frame: Int16Array): void {
    const start = this.processed;
    this.kept.push(frame);
    this.keptLen += frame.length;
    this.processed += frame.length;
    const { db, zcr } = frameFeatures(frame);
    const speech = this.isSpeech(db, zcr);
    // The noise floor is the quietest frame of the last few seconds: speech always has gaps, so the
    // floor follows steady background noise up and down without speech lifting it.
    this.recentDb[this.recentAt++ % this.recentDb.length] = db;
    this.floorDb = Math.min(...this.recentDb.subarray(0, Math.min(this.recentAt, this.recentDb.length)));
    if (!this.inSpeech) {
      this.speechRun = speech ? this.speechRun + frame.length : 0;
      if (this.speechRun >= this.ms(this.o.onsetMs)) {
        this.inSpeech = true;
        this.silenceRun = 0;
        const onset = this.processed - this.speechRun;
        this.uttStart = Math.max(this.keptStart, onset - this.ms(this.o.preRollMs));
        this.lastSpeechEnd = this.processed;
        this.quietest = { db: 0, at: 0 };
      } else {
        this.trimTo(this.processed - this.ms(this.o.preRollMs) - this.speechRun);
      }
      return;
    }
    if (speech) {
      this.silenceRun = 0;
      this.lastSpeechEnd = this.processed;
    } else {
      this.silenceRun += frame.length;
    }
    if (start - this.uttStart > this.ms(1000) && db <= this.quietest.db) this.quietest = { db, at: this.processed };
    if (this.silenceRun >= this.ms(this.o.hangoverMs)) {
      this.emit(Math.min(this.processed, this.lastSpeechEnd + this.ms(this.o.tailMs)));
    } else if (this.processed - this.uttStart >= this.ms(this.o.maxUtteranceMs)) {
      const cut = this.quietest.at > this.uttStart ? this.quietest.at : this.processed;
      this.emit(cut);
      // What follows the cut is still speech: a new utterance starts right there.
      this.inSpeech = true;
      this.uttStart = cut;
      this.lastSpeechEnd = this.processed;
      this.quietest = { db: 0, at: 0 };
    }
  }

  private emit(end: number): void {
    const samples = this.slice(this.uttStart, end);
    this.inSpeech = false;
    this.speechRun = 0;
    this.silenceRun = 0;
    const toMs = (s: number) => Math.round((s * 1000) / SAMPLE_RATE);
    this.onUtterance({ startMs: toMs(this.uttStart), endMs: toMs(end), samples });
    this.trimTo(end);
  }

  private slice(from: number, to: number): Int16Array {
    const out = new Int16Array(Math.max(0, to - from));
    let pos = this.keptStart;
    for (const chunk of this.kept) {
      const a = Math.max(from, pos);
      const b = Math.min(to, pos + chunk.length);
      if (b > a) out.set(chunk.subarray(a - pos, b - pos), a - from);
      pos += chunk.length;
    }
    return out;
  }

  /** Forgets kept audio before `sample` (whole frames only). */
  private trimTo(sample: number): void {
    while (this.kept.length && this.keptStart + this.kept[0]!.length <= sample) {
      const first = this.kept.shift()!;
      this.keptStart += first.length;
      this.keptLen -= first.length;
    }
  }
}
