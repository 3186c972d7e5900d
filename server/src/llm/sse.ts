// Server-sent events over an Express response: named events with JSON data, a heartbeat comment so
// proxies keep the connection open, and back-pressure (a slow reader slows the provider stream down).
import { once } from "node:events";
import type { Response } from "express";

const HEARTBEAT_MS = 15_000;
const COALESCE_MS = 25;

export interface SseChannel {
  send(event: string, data: unknown): Promise<void>;
  end(): void;
}

export function openSse(res: Response): SseChannel {
  res.status(200);
  res.setHeader("content-type", "text/event-stream; charset=utf-8");
  res.setHeader("cache-control", "no-store, no-transform");
  // nginx and similar proxies buffer responses unless told not to.
  res.setHeader("x-accel-buffering", "no");
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
  heartbeat.unref();
  res.on("close", () => clearInterval(heartbeat));
  // Fewer writes, the same events: each write to the socket costs a system call and a TCP segment,
  // and with many streams open those add up to CPU that other streams' first tokens wait for. The
  // first delta, and anything else (done, error, restart), leaves in the same turn of the event loop
  // (together with whatever else that turn wrote); later deltas gather for up to COALESCE_MS, which
  // a reader cannot see.
  let corked: "turn" | "window" | undefined;
  let window: NodeJS.Timeout | undefined;
  let deltas = 0;
  const flush = () => {
    clearTimeout(window);
    corked = undefined;
    while (res.writableCorked > 0) res.uncork();
  };
  return {
    async send(event, data) {
      if (res.writableEnded || res.destroyed) return;
      const gather = event === "delta" && deltas++ > 0;
      if (!gather && corked === "window") flush();
      if (!corked) {
        res.cork();
        if (gather) {
          corked = "window";
          window = setTimeout(flush, COALESCE_MS);
        } else {
          corked = "turn";
          process.nextTick(flush);
        }
      }
      if (!res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)) {
        flush();
        await Promise.race([once(res, "drain"), once(res, "close")]);
      }
    },
    end() {
      clearInterval(heartbeat);
      flush();
      if (!res.writableEnded) res.end();
    },
  };
}
