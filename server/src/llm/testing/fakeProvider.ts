// A local stand-in for an LLM provider, on 127.0.0.1 and a free port, speaking the provider's real
// streaming protocol so the official SDKs talk to it unchanged. Tests script what it does next
// (stream, fail with a status, hang, break off) and read back what it received and whether the
// caller closed the connection early. Used by the tests and by bench/llm.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { errorBody, streamWriter, type FakeDialect, type WireUsage } from "./wire.ts";

export type { FakeDialect } from "./wire.ts";

export type FakeBehavior =
  | {
      kind: "stream";
      chunks: readonly string[];
      firstTokenDelayMs?: number;
      chunkDelayMs?: number;
      usage?: WireUsage;
      citations?: readonly string[];
      /** After the chunks, keep the response open (no end) until the caller leaves. */
      holdOpen?: boolean;
      /**
       * Prefix the first chunk with `‹µs›`: how long this fake itself took from receiving the request
       * to sending the first token, so a benchmark can subtract the provider's share exactly.
       */
      stampFirstToken?: boolean;
    }
  | { kind: "status"; status: number; retryAfter?: string; message?: string }
  /** Accept the request and say nothing more; `headers` sends a 200 and an event-stream first. */
  | { kind: "hang"; headers?: boolean }
  /** Send some chunks, then cut the connection. */
  | { kind: "break"; chunks: readonly string[]; chunkDelayMs?: number };

export interface FakeRequest {
  path: string;
  model: string;
  /** The key the SDK sent (Authorization bearer, x-api-key or x-goog-api-key). */
  apiKey: string | undefined;
  body: Record<string, unknown>;
  /** The whole request body as received, to search for what must or must not have arrived. */
  raw: string;
  behavior: FakeBehavior["kind"];
  /** The caller closed the connection before the response was complete. */
  closedEarly: boolean;
  done: boolean;
}

export interface FakeProvider {
  readonly dialect: FakeDialect;
  /** The base URL to configure the provider with (…/v1 for OpenAI-style clients). */
  readonly baseUrl: string;
  readonly requests: FakeRequest[];
  /** Behaviours for the next requests, in order; after them the default applies. */
  enqueue(...behaviors: FakeBehavior[]): void;
  setDefault(behavior: FakeBehavior): void;
  /** Responses still open right now. */
  openCount(): number;
  /** TCP connections accepted so far: fewer than requests when callers keep connections alive. */
  connectionCount(): number;
  close(): Promise<void>;
}

const OK: FakeBehavior = { kind: "stream", chunks: ["OK"] };

export async function startFakeProvider(dialect: FakeDialect, options: { default?: FakeBehavior } = {}): Promise<FakeProvider> {
  const queue: FakeBehavior[] = [];
  let fallback = options.default ?? OK;
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  let connections = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  server.on("connection", (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const arrived = performance.now();
    let raw = "";
    for await (const part of req) raw += part;
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const path = req.url ?? "";
    const model = dialect === "gemini" ? decodeURIComponent(/models\/([^:]+):/.exec(path)?.[1] ?? "") : String(body.model ?? "");
    const apiKey = (req.headers["x-api-key"] ?? req.headers["x-goog-api-key"] ?? req.headers.authorization?.replace(/^Bearer /, "")) as string | undefined;
    const behavior = queue.shift() ?? fallback;
    const record: FakeRequest = { path, model, apiKey, body, raw, behavior: behavior.kind, closedEarly: false, done: false };
    requests.push(record);
    open += 1;
    let closed = false;
    const waiting = new Set<() => void>();
    res.on("close", () => {
      closed = true;
      open -= 1;
      record.closedEarly = !res.writableEnded;
      for (const wake of waiting) wake();
    });
    /** Waits, then tells whether the caller is still there. */
    const wait = (ms: number) =>
      new Promise<boolean>((resolve) => {
        if (ms <= 0 || closed) return resolve(!closed);
        const wake = () => {
          clearTimeout(timer);
          waiting.delete(wake);
          resolve(!closed);
        };
        const timer = setTimeout(wake, ms);
        waiting.add(wake);
      });
    const streamHead = () => res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });

    switch (behavior.kind) {
      case "status":
        res.writeHead(behavior.status, { "content-type": "application/json", ...(behavior.retryAfter ? { "retry-after": behavior.retryAfter } : {}) });
        res.end(JSON.stringify(errorBody(dialect, behavior.status, behavior.message ?? `fake ${behavior.status}`)));
        record.done = true;
        return;
      case "hang":
        if (behavior.headers) {
          streamHead();
          res.flushHeaders();
        }
        return;
      case "break":
      case "stream": {
        const writer = streamWriter(dialect, model, { citations: behavior.kind === "stream" ? behavior.citations : undefined });
        const usage = (behavior.kind === "stream" ? behavior.usage : undefined) ?? { inputTokens: Math.ceil(raw.length / 4), outputTokens: behavior.chunks.length };
        streamHead();
        res.write(writer.opening(usage));
        if (behavior.kind === "stream" && !(await wait(behavior.firstTokenDelayMs ?? 0))) return;
        for (const [i, text] of behavior.chunks.entries()) {
          if (i > 0 && !(await wait(behavior.chunkDelayMs ?? 0))) return;
          const stamp = i === 0 && behavior.kind === "stream" && behavior.stampFirstToken ? `‹${Math.round((performance.now() - arrived) * 1000)}›` : "";
          res.write(writer.delta(stamp + text, i === 0));
        }
        if (behavior.kind === "break") {
          // Let the chunks leave, then cut the connection without finishing the response.
          await wait(5);
          res.socket?.destroy();
          return;
        }
        if (behavior.holdOpen) return;
        res.end(writer.closing(usage));
        record.done = true;
        return;
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    dialect,
    baseUrl: dialect === "openai" ? `${origin}/v1` : origin,
    requests,
    enqueue: (...behaviors) => void queue.push(...behaviors),
    setDefault: (behavior) => void (fallback = behavior),
    openCount: () => open,
    connectionCount: () => connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
