// A local server speaking Deepgram's live transcription protocol (/v1/listen over websocket), for
// tests and benchmarks of the real @deepgram/sdk. It receives binary PCM16 audio and the KeepAlive,
// Finalize and CloseStream control messages, finds utterances by energy gaps (or at audio positions
// it is told), answers each with scripted text after a fixed delay (interim Results while speech
// goes on, then a final one with is_final and speech_final), closes with Metadata, and can drop
// every socket on demand. POST /v1/listen answers a prerecorded request the same way.
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { frameFeatures } from "../vad.ts";

export interface FakeUtterance {
  /** Order of this utterance on its connection, from 0. */
  index: number;
  connection: number;
  /** Connection-relative audio time, as Deepgram reports it. */
  startMs: number;
  endMs: number;
  /** The utterance's audio so far (all of it when final). */
  samples: Int16Array;
  final: boolean;
}

export interface FakeDeepgramOptions {
  /** The key the SDK must present (`Authorization: Token <key>`). */
  apiKey?: string;
  /** How long after the end of an utterance's audio arrived the final result goes out. */
  replyDelayMs?: number;
  /** Text for an utterance; default: `script` in order per connection, cycling. */
  answer?: (u: FakeUtterance) => string;
  script?: string[];
  /** Silence that ends an utterance in energy mode. */
  endpointMs?: number;
  /** A frame louder than this (dBFS) is speech. */
  speechDb?: number;
  /** Counting mode: utterances end when this much audio (ms, per connection) has arrived. */
  utteranceEndsMs?: number[];
  /** Interim results every so much speech; 0 for none. */
  interimEveryMs?: number;
  /** Text of a prerecorded (POST) answer. */
  clipText?: string;
}

interface Conn {
  id: number;
  ws: WebSocket;
  query: URLSearchParams;
  samples: number;
  pending: Int16Array;
  inSpeech: boolean;
  speechStart: number;
  lastSpeechEnd: number;
  lastSpeechAt: number;
  silence: number;
  utterance: Int16Array[];
  index: number;
  lastFinalEnd: number;
  nextInterimAt: number;
  timers: Set<NodeJS.Timeout>;
  endsLeft: number[];
}

const RATE = 16_000;
const FRAME = 320;
const msOf = (samples: number) => (samples * 1000) / RATE;

export class FakeDeepgram extends EventEmitter {
  readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private connCount = 0;
  readonly requests: { query: URLSearchParams; authorization: string | undefined }[] = [];
  readonly control: string[] = [];
  audioBytes = 0;
  replyDelayMs: number;

  constructor(private readonly o: FakeDeepgramOptions = {}) {
    super();
    this.replyDelayMs = o.replyDelayMs ?? 150;
    this.http = createServer((req, res) => void this.prerecorded(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.http.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://fake");
      this.requests.push({ query: url.searchParams, authorization: req.headers.authorization });
      if (url.pathname !== "/v1/listen" || !this.authorized(req)) {
        socket.end("HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, url.searchParams));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, "127.0.0.1", resolve));
    return this;
  }
  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }
  get openConnections(): number {
    return this.conns.size;
  }
  get connections(): number {
    return this.connCount;
  }

  /** Drops every live socket without a close frame, as a network failure would; pending answers are lost. */
  dropAll(): void {
    for (const c of this.conns) {
      for (const t of c.timers) clearTimeout(t);
      c.timers.clear();
      c.ws.terminate();
    }
  }

  async close(): Promise<void> {
    this.dropAll();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.o.apiKey) return true;
    return req.headers.authorization === `Token ${this.o.apiKey}`;
  }

  private accept(ws: WebSocket, query: URLSearchParams): void {
    const conn: Conn = {
      id: this.connCount++,
      ws,
      query,
      samples: 0,
      pending: new Int16Array(0),
      inSpeech: false,
      speechStart: 0,
      lastSpeechEnd: 0,
      lastSpeechAt: 0,
      silence: 0,
      utterance: [],
      index: 0,
      lastFinalEnd: 0,
      nextInterimAt: 0,
      timers: new Set(),
      endsLeft: [...(this.o.utteranceEndsMs ?? [])],
    };
    this.conns.add(conn);
    this.emit("connection", conn.id);
    ws.on("message", (data, isBinary) => {
      if (isBinary) this.audio(conn, data as Buffer);
      else this.controlMessage(conn, String(data));
    });
    ws.on("close", () => {
      for (const t of conn.timers) clearTimeout(t);
      this.conns.delete(conn);
    });
  }

  private controlMessage(conn: Conn, text: string): void {
    let type = "";
    try {
      type = (JSON.parse(text) as { type?: string }).type ?? "";
    } catch {
      /* not JSON: Deepgram answers with an error and closes */
    }
    this.control.push(type || "invalid");
    if (type === "KeepAlive") return;
    if (type === "Finalize") {
      if (conn.inSpeech) this.endUtterance(conn, 0, true);
      return;
    }
    if (type === "CloseStream") {
      if (conn.inSpeech) this.endUtterance(conn, 0, true);
      // Answers still waiting go out now, then Metadata, then a normal close.
      const finish = () => {
        this.send(conn, {
          type: "Metadata",
          transaction_key: "deprecated",
          request_id: randomUUID(),
          sha256: "0".repeat(64),
          created: new Date().toISOString(),
          duration: msOf(conn.samples) / 1000,
          channels: 1,
        });
        conn.ws.close(1000);
      };
      if (conn.timers.size === 0) finish();
      else this.once(`drained:${conn.id}`, finish);
      return;
    }
    conn.ws.close(1008, "unknown control message");
  }

  private audio(conn: Conn, data: Buffer): void {
    this.audioBytes += data.byteLength;
    const now = performance.now();
    const fresh = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + (data.byteLength & ~1)));
    let input = fresh;
    if (conn.pending.length) {
      input = new Int16Array(conn.pending.length + fresh.length);
      input.set(conn.pending);
      input.set(fresh, conn.pending.length);
    }
    let off = 0;
    for (; off + FRAME <= input.length; off += FRAME) this.frame(conn, input.subarray(off, off + FRAME), now);
    conn.pending = input.slice(off);
  }

  private frame(conn: Conn, frame: Int16Array, now: number): void {
    conn.samples += frame.length;
    const speech = frameFeatures(frame).db > (this.o.speechDb ?? -40);
    if (speech) {
      if (!conn.inSpeech) {
        conn.inSpeech = true;
        conn.speechStart = conn.samples - frame.length;
        conn.utterance = [];
        conn.nextInterimAt = conn.speechStart + ((this.o.interimEveryMs ?? 250) * RATE) / 1000;
      }
      conn.lastSpeechEnd = conn.samples;
      conn.lastSpeechAt = now;
      conn.silence = 0;
    } else if (conn.inSpeech) {
      conn.silence += frame.length;
    }
    if (conn.inSpeech) conn.utterance.push(frame.slice());
    const counting = (this.o.utteranceEndsMs?.length ?? 0) > 0;
    if (counting) {
      const end = conn.endsLeft[0];
      if (end !== undefined && msOf(conn.samples) >= end) {
        conn.endsLeft.shift();
        if (!conn.inSpeech) conn.speechStart = conn.lastFinalEnd;
        conn.lastSpeechEnd = Math.round((end * RATE) / 1000);
        conn.lastSpeechAt = now;
        this.endUtterance(conn, this.replyDelayMs, false);
      }
    } else if (conn.inSpeech && msOf(conn.silence) >= (this.o.endpointMs ?? 300)) {
      this.endUtterance(conn, this.replyDelayMs, false);
    }
    const interimEvery = this.o.interimEveryMs ?? 250;
    if (conn.inSpeech && interimEvery > 0 && conn.samples >= conn.nextInterimAt) {
      conn.nextInterimAt += (interimEvery * RATE) / 1000;
      this.interim(conn);
    }
    // Long silence gets an empty final, as Deepgram sends: it acknowledges that audio.
    if (!conn.inSpeech && msOf(conn.samples - conn.lastFinalEnd) >= 2000 && conn.timers.size === 0) {
      this.results(conn, conn.lastFinalEnd, conn.samples, "", true, false, false);
      conn.lastFinalEnd = conn.samples;
    }
  }

  private utteranceOf(conn: Conn, final: boolean, end: number): FakeUtterance {
    const total = conn.utterance.reduce((n, f) => n + f.length, 0);
    const samples = new Int16Array(total);
    let at = 0;
    for (const f of conn.utterance) {
      samples.set(f, at);
      at += f.length;
    }
    return { index: conn.index, connection: conn.id, startMs: msOf(conn.speechStart), endMs: msOf(end), samples, final };
  }

  private textFor(u: FakeUtterance): string {
    if (this.o.answer) return this.o.answer(u);
    const script = this.o.script ?? ["hello"];
    return script[u.index % script.length]!;
  }

  private interim(conn: Conn): void {
    const u = this.utteranceOf(conn, false, conn.samples);
    const words = this.textFor(u).split(/\s+/);
    const shown = words.slice(0, Math.max(1, Math.floor(msOf(conn.samples - conn.speechStart) / 400))).join(" ");
    this.results(conn, conn.speechStart, conn.samples, shown, false, false, false);
  }

  private endUtterance(conn: Conn, delayMs: number, fromFinalize: boolean): void {
    const start = conn.speechStart;
    const end = fromFinalize ? conn.samples : conn.lastSpeechEnd;
    const u = this.utteranceOf(conn, true, end);
    const text = this.textFor(u);
    conn.inSpeech = false;
    conn.index++;
    conn.silence = 0;
    conn.utterance = [];
    this.emit("utteranceEnd", { connection: conn.id, index: u.index, text, at: performance.now() });
    const due = fromFinalize ? 0 : Math.max(0, conn.lastSpeechAt + delayMs - performance.now());
    const timer = setTimeout(() => {
      conn.timers.delete(timer);
      if (conn.ws.readyState !== conn.ws.OPEN) return;
      this.results(conn, start, end, text, true, true, fromFinalize);
      // Everything up to the end of this utterance is final now, silence before it included.
      conn.lastFinalEnd = Math.max(conn.lastFinalEnd, end);
      this.emit("final", { connection: conn.id, index: u.index, text, at: performance.now() });
      if (conn.timers.size === 0) this.emit(`drained:${conn.id}`);
    }, due);
    conn.timers.add(timer);
  }

  private results(conn: Conn, start: number, end: number, transcript: string, isFinal: boolean, speechFinal: boolean, fromFinalize: boolean): void {
    const startS = msOf(start) / 1000;
    const durationS = msOf(end - start) / 1000;
    const words = transcript ? transcript.split(/\s+/) : [];
    const step = words.length ? durationS / words.length : 0;
    this.send(conn, {
      type: "Results",
      channel_index: [0, 1],
      duration: durationS,
      start: startS,
      is_final: isFinal,
      speech_final: speechFinal,
      from_finalize: fromFinalize,
      channel: {
        alternatives: [
          {
            transcript,
            confidence: 0.99,
            words: words.map((word, i) => ({ word: word.toLowerCase(), punctuated_word: word, start: startS + i * step, end: startS + (i + 1) * step, confidence: 0.99 })),
          },
        ],
      },
      metadata: { request_id: randomUUID(), model_info: { name: "fake", version: "1", arch: "fake" }, model_uuid: randomUUID() },
    });
  }

  private send(conn: Conn, message: unknown): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(message));
  }

  private async prerecorded(req: IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    if (req.method !== "POST" || url.pathname !== "/v1/listen") return void res.writeHead(404).end();
    if (!this.authorized(req)) return void res.writeHead(401, { "content-type": "application/json" }).end('{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."}');
    let bytes = 0;
    for await (const chunk of req) bytes += (chunk as Buffer).byteLength;
    this.requests.push({ query: url.searchParams, authorization: req.headers.authorization });
    if (bytes === 0) return void res.writeHead(400, { "content-type": "application/json" }).end('{"err_code":"Bad Request","err_msg":"no audio"}');
    const transcript = this.o.clipText ?? this.o.script?.[0] ?? "hello";
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        metadata: { transaction_key: "deprecated", request_id: randomUUID(), sha256: "0".repeat(64), created: new Date().toISOString(), duration: 1, channels: 1, models: ["fake"], model_info: {} },
        results: { channels: [{ alternatives: [{ transcript, confidence: 0.99, words: [] }] }] },
      }),
    );
  }
}
