// Agent availability: the top bar's state selector, offline on logout or after a minute without a
// connection, each change an agent.status_changed event.
import type { Router } from "express";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import type { Realtime } from "../realtime/index.ts";
import { trackAgentPresence, type PresenceOptions } from "./presence.ts";
import { registerAgentRoutes } from "./routes.ts";
import { agentStatusStore, type StatusChange } from "./store.ts";

export { agentStatusStore, type AgentStatusStore } from "./store.ts";

export function registerAgents(router: Router, io: Realtime["io"], deps: { db: Db; log: Logger; presence?: PresenceOptions }) {
  const store = agentStatusStore(deps.db);
  // Every tab of the user follows, whichever node made the change.
  const announce = (change: StatusChange) => io.to(`user:${change.userId}`).emit("agent:status", change.status);
  registerAgentRoutes(router, { store, onChange: announce });
  const presence = trackAgentPresence(io, store, deps.log, announce, deps.presence);
  return {
    store,
    /** [M21] Logging out is going offline. */
    async loggedOut(orgId: string, userId: string): Promise<void> {
      const change = await store.set(orgId, userId, "offline");
      if (change) announce(change);
    },
    /** Calls set on_call when someone joins and wrap_up when the call ends ([M4]); the user's tabs follow. */
    async setByCall(orgId: string, userId: string, to: "on_call" | "wrap_up"): Promise<void> {
      const change = await store.set(orgId, userId, to);
      if (change) announce(change);
    },
    close: () => presence.close(),
  };
}
