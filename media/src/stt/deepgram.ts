// Deepgram live streaming (@deepgram/sdk v5, listen.v1) behind the LiveTranscription interface.
// The SDK's own reconnect is turned off: a new Deepgram stream starts its clock at zero and knows
// nothing of the audio the old one had not finalised, so we reconnect ourselves, resend the audio
// since the last final result (kept until a final covers it) and shift the new stream's times by
// where that audio begins. Finals that end where an earlier final already ended are dropped, so a
// drop mid-call neither loses nor doubles a segment.
import { DeepgramClient } from "@deepgram/sdk";
import { z } from "zod";
import { BYTES_PER_MS, SAMPLE_RATE, SttError, type LiveSessionOptions, type LiveTranscription, type SttEngine, type TranscriptSegment } from "./types.ts";

export interface DeepgramEngineOptions {
  apiKey: string;
  /** Another address for the API (a proxy, or the local fake in tests): http(s) base, ws(s) derived. */
  baseUrl?: string;
  model?: string;
  language?: string;
  /** Reconnect backoff after a dropped stream. */
  reconnectDelayMs?: { min: number; max: number };
  /** Unacknowledged audio kept for a resend; older audio is given up (and reported). */
  maxUnackedMs?: number;
  keepAliveMs?: number;
}

// Only what we read from a Results message; anything else Deepgram sends is tolerated.
const WordSchema = z.object({ word: z.string(), punctuated_word: z.string().optional(), start: z.number(), end: z.number() });
const ResultsSchema = z.object({
  type: z.literal("Results"),
  start: z.number(),
  duration: z.number(),
  is_final: z.boolean().optional(),
  channel: z.object({ alternatives: z.array(z.object({ transcript: z.string(), words: z.array(WordSchema).optional() })) }),
});

type ListenSocket = Awaited<ReturnType<DeepgramClient["listen"]["v1"]["connect"]>>;

export function deepgramEngine(options: DeepgramEngineOptions): SttEngine {
  const base = options.baseUrl?.replace(/\/$/, "");
  const client = new DeepgramClient({
    apiKey: options.apiKey,
    ...(base
      ? { environment: { base, production: base.replace(/^http/, "ws"), agent: base.replace(/^http/, "ws"), agentRest: base } }
      : {}),
  });
  const live = new Set<DeepgramLive>();
  return {
    name: "deepgram",
    startLive(session) {
      const s = new DeepgramLive(client, options, session, () => live.delete(s));
      live.add(s);
      return s;
    },
    async transcribeClip(audio, mimeType) {
      try {
        const response = await client.listen.v1.media.transcribeFile(Buffer.from(audio), {
          model: options.model ?? "nova-3",
          smart_format: true,
          ...(options.language ? { language: options.language } : {}),
        }, { headers: { "content-type": mimeType }, timeoutInSeconds: 60 });
        const parsed = z
          .object({ results: z.object({ channels: z.array(z.object({ alternatives: z.array(z.object({ transcript: z.string() })) })) }) })
          .safeParse(response);
        if (!parsed.success) throw new SttError("Deepgram answered a prerecorded request without a transcript", false);
        return parsed.data.results.channels[0]?.alternatives[0]?.transcript ?? "";
      } catch (err) {
        if (err instanceof SttError) throw err;
        throw new SttError("Deepgram could not transcribe the clip", true, { cause: err });
      }
    },
    async close() {
      await Promise.all([...live].map((s) => s.close()));
    },
  };
}

class DeepgramLive implements LiveTranscription {
  /** Audio not yet covered by a final result, at absolute sample positions of this speaker's stream. */
  private unacked: { start: number; pcm: Uint8Array }[] = [];
  private pushed = 0;
  private acked = 0;
  private lastFinalEndMs = 0;
  private socket: ListenSocket | undefined;
  private open = false;
  /** Absolute sample where the current Deepgram stream's zero lies. */
  private offset = 0;
  private state: "running" | "closing" | "closed" = "running";
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepAlive: NodeJS.Timeout;
  private lastSentAt = Date.now();
  private closed: Promise<void>;
  private resolveClosed!: () => void;
  private generation = 0;
  private reportedLoss = false;

  constructor(
    private readonly client: DeepgramClient,
    private readonly o: DeepgramEngineOptions,
    private readonly session: LiveSessionOptions,
    private readonly onGone: () => void,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    const every = o.keepAliveMs ?? 4000;
    // Deepgram closes a stream after about 10 s without audio (a muted microphone sends none).
    this.keepAlive = setInterval(() => {
      if (this.open && Date.now() - this.lastSentAt >= every) this.socket?.sendKeepAlive({ type: "KeepAlive" });
    }, every);
    this.keepAlive.unref();
    void this.connect();
  }

  push(pcm: Uint8Array): void {
    if (this.state !== "running") return;
    const samples = pcm.byteLength >> 1;
    if (samples === 0) return;
    const chunk = { start: this.pushed, pcm: pcm.byteLength % 2 ? pcm.subarray(0, samples * 2) : pcm };
    this.pushed += samples;
    this.unacked.push(chunk);
    this.bound();
    if (this.open) this.send(chunk.pcm);
  }

  async close(): Promise<void> {
    if (this.state === "closed") return;
    if (this.state === "running") {
      this.state = "closing";
      clearTimeout(this.reconnectTimer);
      if (this.open && this.socket) {
        // CloseStream makes Deepgram send its remaining finals, then Metadata, then close.
        this.socket.sendCloseStream({ type: "CloseStream" });
        const timer = setTimeout(() => this.finish(), 3000);
        await this.closed;
        clearTimeout(timer);
      } else {
        this.finish();
      }
    }
    await this.closed;
  }

  private finish(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.open = false;
    clearInterval(this.keepAlive);
    clearTimeout(this.reconnectTimer);
    this.generation++;
    try {
      this.socket?.close();
    } catch {
      /* already closed */
    }
    this.unacked = [];
    this.onGone();
    this.resolveClosed();
  }

  private send(pcm: Uint8Array): void {
    try {
      this.socket!.sendMedia(pcm);
      this.lastSentAt = Date.now();
    } catch {
      // The socket went away between the check and the send: the audio stays unacknowledged and is resent.
    }
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    let socket: ListenSocket;
    try {
      socket = await this.client.listen.v1.connect({
        model: this.o.model ?? "nova-3",
        encoding: "linear16",
        sample_rate: SAMPLE_RATE,
        channels: 1,
        interim_results: "true",
        punctuate: "true",
        smart_format: "true",
        ...(this.o.language ? { language: this.o.language } : {}),
        reconnectAttempts: 0,
        shouldReconnect: () => false,
        connectionTimeoutInSeconds: 10,
      });
    } catch (err) {
      this.lost(generation, err);
      return;
    }
    if (generation !== this.generation) return socket.close();
    this.socket = socket;
    socket.on("open", () => {
      if (generation !== this.generation) return;
      this.open = true;
      this.attempt = 0;
      this.reportedLoss = false;
      // The new stream starts at the first unacknowledged sample; resend from there, sample-exact.
      this.offset = this.acked;
      for (const chunk of this.unacked) {
        const skip = Math.max(0, this.acked - chunk.start);
        if (skip * 2 < chunk.pcm.byteLength) this.send(skip ? chunk.pcm.subarray(skip * 2) : chunk.pcm);
      }
    });
    socket.on("message", (message) => {
      if (generation === this.generation) this.message(message);
    });
    socket.on("error", (err) => {
      if (generation === this.generation) this.session.onError?.(new SttError("Deepgram stream error", true, { cause: err }));
    });
    socket.on("close", (event) => {
      if (generation !== this.generation) return;
      this.open = false;
      if (this.state === "closing") this.finish();
      else if (this.state === "running") this.lost(generation, new Error(`Deepgram closed the stream (${event?.code ?? "?"})`));
    });
    socket.connect();
  }

  private lost(generation: number, cause: unknown): void {
    if (generation !== this.generation || this.state !== "running") return;
    this.open = false;
    const { min, max } = this.o.reconnectDelayMs ?? { min: 100, max: 5000 };
    const delay = Math.min(max, min * 2 ** this.attempt++);
    this.session.onError?.(new SttError("Deepgram stream dropped; reconnecting", true, { cause }));
    this.generation++;
    try {
      this.socket?.close();
    } catch {
      /* already gone */
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private message(raw: unknown): void {
    const parsed = ResultsSchema.safeParse(raw);
    if (!parsed.success) return; // Metadata, SpeechStarted, UtteranceEnd: nothing to show
    const r = parsed.data;
    const offsetMs = this.offset / (SAMPLE_RATE / 1000);
    const startMs = offsetMs + r.start * 1000;
    const endMs = offsetMs + (r.start + r.duration) * 1000;
    const alt = r.channel.alternatives[0];
    // Already covered by a final (a resend after reconnect re-transcribes nothing new here).
    if (endMs <= this.lastFinalEndMs + 1) return;
    let text = alt?.transcript.trim() ?? "";
    const words = alt?.words ?? [];
    if (words.length && startMs < this.lastFinalEndMs - 1) {
      text = words
        .filter((w) => offsetMs + w.end * 1000 > this.lastFinalEndMs + 1)
        .map((w) => w.punctuated_word ?? w.word)
        .join(" ");
    }
    const segment: TranscriptSegment = {
      speaker: this.session.speaker,
      text,
      isFinal: r.is_final === true,
      startMs: Math.round(Math.max(startMs, this.lastFinalEndMs)),
      endMs: Math.round(endMs),
    };
    if (segment.isFinal) {
      this.lastFinalEndMs = endMs;
      this.ackTo(Math.round(endMs * (SAMPLE_RATE / 1000)));
    }
    if (text) this.session.onSegment(segment);
  }

  private ackTo(sample: number): void {
    this.acked = Math.max(this.acked, Math.min(sample, this.pushed));
    while (this.unacked.length) {
      const first = this.unacked[0]!;
      if (first.start + (first.pcm.byteLength >> 1) > this.acked) break;
      this.unacked.shift();
    }
  }

  /** Keeps the resend buffer bounded: a very long outage loses its oldest audio, and says so. */
  private bound(): void {
    const maxSamples = ((this.o.maxUnackedMs ?? 60_000) * BYTES_PER_MS) / 2;
    if (this.pushed - this.acked <= maxSamples) return;
    this.ackTo(this.pushed - maxSamples);
    // While the stream is open this only forgets a resend copy; while it is down, audio is lost.
    if (!this.open && !this.reportedLoss) {
      this.reportedLoss = true;
      this.session.onError?.(new SttError("Deepgram has been unreachable too long; some audio was not transcribed", false));
    }
  }
}
