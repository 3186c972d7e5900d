// The socket.io namespace for guests (customers from an invite link or the widget). A guest socket
// is in exactly the rooms of its own ticket, session and invite, of this namespace only; staff
// broadcasts go to the default namespace and so can never reach it. Ticket modules (chat, calls)
// add their guest handlers with onConnection and publish with toTicket.
import type { GuestClientToServerEvents, GuestServerToClientEvents, Principal } from "@caseroom/shared";
import type { Namespace, Server, Socket } from "socket.io";
import { sessionTokenFrom, type SessionStore } from "../auth/index.ts";
import { AppError } from "../http/index.ts";
import type { Logger } from "../log.ts";

export type GuestPrincipal = Extract<Principal, { kind: "guest" }>;

export interface GuestLookup {
  findGuest(guestId: string): Promise<{ id: string; name: string; ticketId: string; inviteId: string | null; expiresAt: Date | null } | undefined>;
}

export interface GuestSocketData {
  principal: GuestPrincipal;
  sessionId: string;
  guest: { id: string; name: string };
  inviteId: string | null;
}
export type GuestNamespace = Namespace<GuestClientToServerEvents, GuestServerToClientEvents, Record<string, never>, GuestSocketData>;
export type GuestSocket = Socket<GuestClientToServerEvents, GuestServerToClientEvents, Record<string, never>, GuestSocketData>;

export const GUEST_NAMESPACE = "/guest";
const guestTicketRoom = (ticketId: string) => `guest-ticket:${ticketId}`;
const sessionRoom = (sessionId: string) => `session:${sessionId}`;
const inviteRoom = (inviteId: string) => `invite:${inviteId}`;
/** setTimeout's ceiling; a longer wait is re-armed at the next connection anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function attachGuestNamespace(io: Server, deps: { sessions: SessionStore; guests: GuestLookup; log: Logger }) {
  const ns = io.of(GUEST_NAMESPACE) as unknown as GuestNamespace;
  const handlers: ((socket: GuestSocket) => void)[] = [];

  ns.use(async (socket, next) => {
    try {
      const token = sessionTokenFrom(socket.request.headers.cookie);
      const principal = await deps.sessions.resolve(token);
      if (!principal) return next(new AppError("unauthenticated", "Open your invite link first"));
      if (principal.kind !== "guest") return next(new AppError("forbidden", "Guests only"));
      const guest = await deps.guests.findGuest(principal.guestId);
      if (!guest || guest.ticketId !== principal.ticketId) return next(new AppError("unauthenticated", "Open your invite link first"));
      socket.data = { principal, sessionId: deps.sessions.idOf(token!), guest: { id: guest.id, name: guest.name }, inviteId: guest.inviteId };
      // The socket must not outlive the invite: close it when the link expires.
      if (guest.expiresAt) {
        const timer = setTimeout(() => {
          socket.emit("guest:ended", { reason: "expired" });
          socket.disconnect(true);
        }, Math.min(MAX_TIMER_MS, Math.max(0, guest.expiresAt.getTime() - Date.now())));
        socket.on("disconnect", () => clearTimeout(timer));
      }
      next();
    } catch (err) {
      deps.log.error({ err }, "guest socket authentication failed");
      next(new AppError("internal", "Internal error"));
    }
  });

  ns.on("connection", (socket) => {
    const { principal, sessionId, inviteId } = socket.data;
    void socket.join([guestTicketRoom(principal.ticketId), sessionRoom(sessionId), ...(inviteId ? [inviteRoom(inviteId)] : [])]);
    socket.on("guest:whoami", (ack) => {
      if (typeof ack === "function") ack({ ok: true, data: { guest: { ...socket.data.guest, ticketId: principal.ticketId } } });
    });
    for (const handler of handlers) handler(socket);
  });

  return {
    namespace: ns,
    /** Adds a handler run for every guest socket (after authentication, rooms joined). */
    onConnection(handler: (socket: GuestSocket) => void) {
      handlers.push(handler);
    },
    /** The guests of one ticket: only what a customer may see goes here. */
    toTicket: (ticketId: string) => ns.to(guestTicketRoom(ticketId)),
    /** Ends every socket of a revoked invite, on every node. */
    revokeInvite(inviteId: string) {
      ns.to(inviteRoom(inviteId)).emit("guest:ended", { reason: "revoked" });
      ns.in(inviteRoom(inviteId)).disconnectSockets(true);
    },
    disconnectSession(sessionId: string) {
      ns.to(sessionRoom(sessionId)).emit("guest:ended", { reason: "logged_out" });
      ns.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
  };
}
export type GuestRealtime = ReturnType<typeof attachGuestNamespace>;
