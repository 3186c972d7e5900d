// One interface for live speech-to-text, whatever the vendor: a session per speaker (one audio
// track), fed 16 kHz mono PCM16 frames, emitting segments timed in that speaker's stream.

/** Audio every session takes: 16 kHz, mono, signed 16-bit little-endian. */
export const SAMPLE_RATE = 16_000;
export const BYTES_PER_MS = (SAMPLE_RATE * 2) / 1000;

export interface TranscriptSegment {
  /** Who spoke: the label the session was opened with (a participant id). */
  speaker: string;
  text: string;
  /** Interim segments may still change; a final one never does and is never repeated. */
  isFinal: boolean;
  /** Milliseconds of this speaker's audio stream since the session opened. */
  startMs: number;
  endMs: number;
}

export interface LiveTranscription {
  /** Appends PCM16 audio (any whole number of samples). Never throws for a vendor outage. */
  push(pcm: Uint8Array): void;
  /** Flushes what was said so far (final segments still arrive), then ends the session. */
  close(): Promise<void>;
}

export interface LiveSessionOptions {
  speaker: string;
  onSegment(segment: TranscriptSegment): void;
  /** A problem the session is working around (reconnecting) or gave up on; the call goes on. */
  onError?(error: SttError): void;
}

export type SttEngineName = "deepgram" | "openai-compatible";

export interface SttEngine {
  readonly name: SttEngineName;
  startLive(options: LiveSessionOptions): LiveTranscription;
  /** A recorded clip (a voice note) in its own container, e.g. audio/webm or audio/ogg, to text. */
  transcribeClip(audio: Uint8Array, mimeType: string): Promise<string>;
  close(): Promise<void>;
}

/** What the product says when no engine is configured: off, and how to turn it on. */
export interface SttOff {
  readonly name: "off";
  readonly howToEnable: string;
}

export class SttError extends Error {
  override name = "SttError";
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
