// An OpenAI-compatible transcription endpoint (OpenAI itself, or a self-hosted Whisper server) behind
// the LiveTranscription interface. Such endpoints take whole files, so a voice-activity detector cuts
// each speaker's stream at pauses and every utterance goes up as a WAV; results come back in order.
import OpenAI, { toFile } from "openai";
import { bytesOf, samplesOf, wavFromPcm16 } from "./pcm.ts";
import { SttError, type LiveSessionOptions, type LiveTranscription, type SttEngine } from "./types.ts";
import { VadSegmenter, type VadOptions } from "./vad.ts";

export interface OpenAiCompatibleOptions {
  /** The API root, e.g. https://api.openai.com/v1 or http://whisper.internal:8000/v1. */
  baseUrl: string;
  apiKey?: string;
  model?: string;
  language?: string;
  vad?: VadOptions;
  timeoutMs?: number;
}

const extensions: Record<string, string> = {
  "audio/webm": "webm",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/flac": "flac",
  "video/webm": "webm",
  "video/mp4": "mp4",
};

/** The `/v1` root the SDK wants, whether or not the configured address already ends in it. */
export function apiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  return /\/v\d+$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

export function openAiCompatibleEngine(options: OpenAiCompatibleOptions): SttEngine {
  const client = new OpenAI({
    baseURL: apiRoot(options.baseUrl),
    // Self-hosted servers often need no key; the SDK insists on one.
    apiKey: options.apiKey ?? "none",
    timeout: options.timeoutMs ?? 30_000,
    maxRetries: 2,
  });
  const model = options.model ?? "whisper-1";
  const transcribe = async (file: Uint8Array, name: string, type: string): Promise<string> => {
    try {
      const result = await client.audio.transcriptions.create({
        file: await toFile(file, name, { type }),
        model,
        ...(options.language ? { language: options.language } : {}),
      });
      return result.text.trim();
    } catch (err) {
      const status = (err as { status?: number }).status;
      throw new SttError(`transcription endpoint failed${status ? ` (${status})` : ""}`, status === undefined || status >= 500 || status === 429, { cause: err });
    }
  };
  const live = new Set<VadLive>();
  return {
    name: "openai-compatible",
    startLive(session) {
      const s = new VadLive(session, options.vad, (wav) => transcribe(wav, "utterance.wav", "audio/wav"), () => live.delete(s));
      live.add(s);
      return s;
    },
    async transcribeClip(audio, mimeType) {
      const base = mimeType.split(";")[0]!.trim().toLowerCase();
      return transcribe(audio, `clip.${extensions[base] ?? "webm"}`, base);
    },
    async close() {
      await Promise.all([...live].map((s) => s.close()));
    },
  };
}

class VadLive implements LiveTranscription {
  private readonly vad: VadSegmenter;
  /** Requests run concurrently; results are emitted in utterance order. */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly session: LiveSessionOptions,
    vad: VadOptions | undefined,
    transcribe: (wav: Uint8Array) => Promise<string>,
    private readonly onGone: () => void,
  ) {
    this.vad = new VadSegmenter((u) => {
      const pending = transcribe(wavFromPcm16(bytesOf(u.samples))).then(
        (text) => ({ text }),
        (error: unknown) => ({ error }),
      );
      this.chain = this.chain.then(async () => {
        const result = await pending;
        if ("error" in result) {
          this.session.onError?.(result.error instanceof SttError ? result.error : new SttError("transcription failed", true, { cause: result.error }));
          return;
        }
        if (result.text) this.session.onSegment({ speaker: this.session.speaker, text: result.text, isFinal: true, startMs: u.startMs, endMs: u.endMs });
      });
    }, vad);
  }

  push(pcm: Uint8Array): void {
    if (!this.closed) this.vad.push(samplesOf(pcm));
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.vad.flush();
      this.onGone();
    }
    await this.chain;
  }
}
