// Server-sent events over an Express response: named events with JSON data, a heartbeat comment so
// proxies keep the connection open, and back-pressure (a slow reader slows the provider stream down).
import { once } from "node:events";
import type { Response } from "express";

const HEARTBEAT_MS = 15_000;

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
  // Events written in the same turn of the event loop leave in one packet: several provider chunks
  // read at once (a busy moment), or the last delta and `done`. Nothing waits for a later turn.
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  return {
    async send(event, data) {
      if (res.writableEnded || res.destroyed) return;
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(uncork);
      }
      if (!res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)) {
        await Promise.race([once(res, "drain"), once(res, "close")]);
      }
    },
    end() {
      clearInterval(heartbeat);
      if (!res.writableEnded) res.end();
    },
  };
}
