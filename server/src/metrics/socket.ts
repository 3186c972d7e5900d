// Wallboard rooms on socket.io. Each node folds the log itself, so each node pushes to its own
// sockets only (`io.local`): with the Redis adapter a plain emit would reach every viewer once per node.
// Pushes are batched per organisation: at most one per PUSH_INTERVAL_MS, the first at once ([M19]).
import { can, MetricsSubscribeSchema, type Ack, type Wallboard } from "@caseroom/shared";
import { AppError, validationError } from "../http/index.ts";
import type { Logger } from "../log.ts";
import type { Realtime } from "../realtime/index.ts";
import type { MetricsService } from "./service.ts";

// 20 updates a second at most per board, whatever the event rate: the batching that keeps 1,000
// events/s from flooding clients, short enough that waiting for the next push is a small part of
// the end-to-end latency ([M19]).
export const PUSH_INTERVAL_MS = 50;
/** Sliding windows and times in state move without events: refresh every board now and then. */
const REFRESH_MS = 15_000;

const roomOf = (orgId: string, scope: string) => `metrics:${orgId}:${scope}`;

export function registerMetricsSockets(io: Realtime["io"], deps: { service: MetricsService; log: Logger }) {
  io.on("connection", (socket) => {
    const { principal } = socket.data;
    const fail = (ack: (r: Ack<never>) => void, err: unknown) => {
      const error = err instanceof AppError ? err : new AppError("internal", "Internal error");
      if (error.code === "internal") deps.log.error({ err }, "metrics socket handler failed");
      if (typeof ack === "function") ack({ ok: false, error: error.toWire() });
    };

    socket.on("metrics:subscribe", async (payload, ack) => {
      try {
        const parsed = MetricsSubscribeSchema.safeParse(payload);
        if (!parsed.success) throw validationError("metrics:subscribe", parsed.error.issues);
        if (!can(principal, "metrics:read:any")) throw new AppError("forbidden", "Wallboards are for supervisors and admins");
        const board = await deps.service.wallboard(principal.orgId, parsed.data.scope);
        await socket.join(roomOf(principal.orgId, parsed.data.scope));
        ack({ ok: true, data: board });
      } catch (err) {
        fail(ack, err);
      }
    });

    socket.on("metrics:unsubscribe", async (payload, ack) => {
      try {
        const parsed = MetricsSubscribeSchema.safeParse(payload);
        if (!parsed.success) throw validationError("metrics:unsubscribe", parsed.error.issues);
        await socket.leave(roomOf(principal.orgId, parsed.data.scope));
        ack({ ok: true, data: null });
      } catch (err) {
        fail(ack, err);
      }
    });
  });

  const lastPush = new Map<string, number>();
  /** How long the last push took to compute: pushes never take more than a third of the node's time. */
  const cost = new Map<string, number>();
  const pending = new Map<string, NodeJS.Timeout>();

  async function push(orgId: string) {
    const started = Date.now();
    lastPush.set(orgId, started);
    const prefix = `metrics:${orgId}:`;
    for (const room of io.of("/").adapter.rooms.keys()) {
      if (!room.startsWith(prefix)) continue;
      let board: Wallboard;
      try {
        board = await deps.service.wallboard(orgId, room.slice(prefix.length) as Wallboard["scope"]);
      } catch (err) {
        // A team deleted while watched: its board has nothing more to say.
        if (!(err instanceof AppError)) deps.log.error({ err }, "wallboard push failed");
        continue;
      }
      io.local.to(room).emit("metrics:update", board);
    }
    cost.set(orgId, Date.now() - started);
  }

  function schedule(orgId: string) {
    if (pending.has(orgId)) return;
    const interval = Math.max(PUSH_INTERVAL_MS, 2 * (cost.get(orgId) ?? 0));
    const wait = Math.max(0, (lastPush.get(orgId) ?? 0) + interval - Date.now());
    pending.set(
      orgId,
      setTimeout(() => {
        pending.delete(orgId);
        void push(orgId);
      }, wait),
    );
  }

  const refresh = setInterval(() => {
    const orgs = new Set<string>();
    for (const room of io.of("/").adapter.rooms.keys()) if (room.startsWith("metrics:")) orgs.add(room.split(":")[1]!);
    for (const orgId of orgs) schedule(orgId);
  }, REFRESH_MS);
  refresh.unref();

  return {
    /** Told by the runner which organisations' facts changed. */
    changed(orgIds: Iterable<string>) {
      for (const orgId of orgIds) schedule(orgId);
    },
    close() {
      clearInterval(refresh);
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
