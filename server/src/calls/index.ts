// Calls on tickets: lifecycle, HTTP routes, LiveKit webhook and the mesh's socket signalling.
//
// For other modules (transcription, co-pilot), the value returned by registerCalls offers:
//   calls.participantOf(callId, principal) -> { participantId, kind, mode, ticketId } | undefined
//       "is this principal an active participant of call X, and how": undefined when the call has
//       ended, is another organisation's or another ticket's (guests), or the principal is not in it.
//   calls.hooks: an EventEmitter<CallLifecycleEvents> emitting, after the change has committed,
//       "started" (call), "participant_joined" / "participant_left" / "mode_changed" (call, participant)
//       and "ended" (call). Listeners run in-process on the node that made the change.
//   calls.inviteRevoked(inviteId): the invite's guests leave their calls and lose their call sockets.
import type { Router } from "express";
import type { Server } from "socket.io";
import type { SessionStore } from "../auth/index.ts";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import type { TicketStore } from "../tickets/index.ts";
import { registerCallRoutes } from "./routes.ts";
import { createCallService } from "./service.ts";
import { attachCallSignalling, type GuestValidity } from "./signalling.ts";

export { registerLivekitWebhook } from "./routes.ts";
export { CALLS_NAMESPACE } from "./signalling.ts";
export type { CallLifecycleEvents, CallService } from "./service.ts";
export type { CallRecord, ParticipantRecord } from "./store.ts";

export interface CallDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, "livekit" | "ice">;
  tickets: Pick<TicketStore, "get">;
  sessions: SessionStore;
  /** Guests' invites: a call socket closes when its guest's invite expires or is withdrawn. */
  guests: GuestValidity;
  setAgentState(orgId: string, userId: string, to: "on_call" | "wrap_up"): Promise<void>;
}

/** How long a mesh peer may be without a socket before it counts as gone (a reload takes seconds). */
const ABANDON_AFTER_MS = 60_000;

export function registerCalls(router: Router, io: Server, deps: CallDeps, options: { abandonAfterMs?: number } = {}) {
  let signalling: ReturnType<typeof attachCallSignalling> | undefined;
  const service = createCallService({
    ...deps,
    onMeshChange: (callId) => signalling?.replan(callId),
    onEnded: (callId) => signalling?.ended(callId),
    onGuestRemoved: (guestId) => signalling?.disconnectGuest(guestId),
  });
  signalling = attachCallSignalling(io, {
    sessions: deps.sessions,
    store: service.store,
    log: deps.log,
    guests: deps.guests,
    abandonAfterMs: options.abandonAfterMs ?? ABANDON_AFTER_MS,
    onAbandoned: (callId, participantId) => service.abandoned(callId, participantId),
  });
  registerCallRoutes(router, service);
  return Object.assign(service, { disconnectSession: signalling.disconnectSession, close: signalling.close });
}
export type Calls = ReturnType<typeof registerCalls>;
