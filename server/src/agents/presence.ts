// Connections → agent state. Every node refreshes last_seen_at for the users it holds sockets of, and
// every node sweeps: whoever has been gone a minute goes offline. Decided in the database, so it
// holds across nodes and survives a node that dies without saying goodbye ([M21]).
import type { Logger } from "../log.ts";
import type { Realtime } from "../realtime/index.ts";
import type { AgentStatusStore, StatusChange } from "./store.ts";

export interface PresenceOptions {
  offlineAfterMs?: number;
  heartbeatMs?: number;
  sweepMs?: number;
}

export function trackAgentPresence(io: Realtime["io"], store: AgentStatusStore, log: Logger, onChange: (change: StatusChange) => void, options: PresenceOptions = {}) {
  const offlineAfterMs = options.offlineAfterMs ?? 60_000;
  const local = new Map<string, number>();
  const seen = (ids: string[]) => void store.seen(ids).catch((err) => log.warn({ err }, "agent heartbeat failed"));

  io.on("connection", (socket) => {
    const { userId } = socket.data.principal;
    local.set(userId, (local.get(userId) ?? 0) + 1);
    seen([userId]);
    socket.on("disconnect", () => {
      const left = (local.get(userId) ?? 1) - 1;
      if (left > 0) return void local.set(userId, left);
      local.delete(userId);
      // The minute starts now, not at the last heartbeat.
      seen([userId]);
    });
  });

  const timers = [
    setInterval(() => seen([...local.keys()]), options.heartbeatMs ?? Math.min(20_000, offlineAfterMs / 3)),
    setInterval(() => {
      store
        .sweep(offlineAfterMs)
        .then((changes) => changes.forEach(onChange))
        .catch((err) => log.warn({ err }, "agent sweep failed"));
    }, options.sweepMs ?? Math.min(10_000, offlineAfterMs / 6)),
  ];
  for (const timer of timers) timer.unref();
  return {
    close() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
