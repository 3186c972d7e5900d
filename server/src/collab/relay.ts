// Relays stored updates and awareness between nodes. One node alone needs no relay; with Redis,
// every node that has a document open subscribes to its channel.
import { randomUUID } from "node:crypto";
import type { RedisClientType } from "redis";
import type { Logger } from "../log.ts";

export type RelayMessage =
  | { kind: "update"; update: Uint8Array; actorId: string | null }
  | { kind: "awareness"; update: Uint8Array };

export interface CollabRelay {
  subscribe(docName: string, onMessage: (message: RelayMessage) => void): Promise<() => Promise<void>>;
  publish(docName: string, message: RelayMessage): Promise<void>;
  close(): Promise<void>;
}

export const localRelay: CollabRelay = {
  subscribe: async () => async () => {},
  publish: async () => {},
  close: async () => {},
};

interface WireMessage {
  from: string;
  kind: RelayMessage["kind"];
  update: string;
  actorId?: string | null;
}

export async function redisRelay(redis: RedisClientType, log: Logger): Promise<CollabRelay> {
  const nodeId = randomUUID();
  const subscriber = redis.duplicate();
  subscriber.on("error", (err) => log.error({ err: String(err) }, "collab relay subscriber error"));
  await subscriber.connect();
  const channel = (docName: string) => `caseroom:collab:${docName}`;
  return {
    async subscribe(docName, onMessage) {
      const listener = (raw: string) => {
        let wire: WireMessage;
        try {
          wire = JSON.parse(raw) as WireMessage;
        } catch {
          return log.warn({ docName }, "collab relay message unreadable");
        }
        if (wire.from === nodeId) return;
        const update = new Uint8Array(Buffer.from(wire.update, "base64"));
        onMessage(wire.kind === "update" ? { kind: "update", update, actorId: wire.actorId ?? null } : { kind: "awareness", update });
      };
      await subscriber.subscribe(channel(docName), listener);
      return async () => {
        await subscriber.unsubscribe(channel(docName), listener);
      };
    },
    async publish(docName, message) {
      const wire: WireMessage = {
        from: nodeId,
        kind: message.kind,
        update: Buffer.from(message.update).toString("base64"),
        ...(message.kind === "update" ? { actorId: message.actorId } : {}),
      };
      await redis.publish(channel(docName), JSON.stringify(wire));
    },
    async close() {
      await subscriber.quit().catch(() => {});
    },
  };
}
