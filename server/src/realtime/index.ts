// socket.io on the HTTP server: the same session cookie as HTTP, rooms per organisation, user and
// ticket, and presence computed from live sockets (across nodes when the Redis adapter is on).
import type { Server as HttpServer } from "node:http";
import {
  TicketWatchSchema,
  type Ack,
  type ClientToServerEvents,
  type OnlineUser,
  type ServerToClientEvents,
} from "@caseroom/shared";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { RedisClientType } from "redis";
import { Server, type Socket } from "socket.io";
import { sessionTokenFrom, type SessionStore, type StaffPrincipal, type UserStore } from "../auth/index.ts";
import { AppError, validationError } from "../http/index.ts";
import type { Logger } from "../log.ts";
import type { TicketChange, TicketStore } from "../tickets/index.ts";
import { attachGuestNamespace, type GuestLookup } from "./guests.ts";

interface SocketData {
  principal: StaffPrincipal;
  sessionId: string;
  user: OnlineUser;
}
type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeDeps {
  sessions: SessionStore;
  users: UserStore;
  tickets: TicketStore;
  log: Logger;
  redis?: RedisClientType;
  allowedOrigins: string[];
  /** Finds a guest whose access still stands (invite neither revoked nor expired). */
  guests: GuestLookup;
}

const orgRoom = (orgId: string) => `org:${orgId}`;
const sessionRoom = (sessionId: string) => `session:${sessionId}`;
const ticketRoom = (ticketId: string) => `ticket:${ticketId}`;

export function createRealtime(httpServer: HttpServer, deps: RealtimeDeps) {
  const io: RealtimeServer = new Server(httpServer, {
    serveClient: false,
    // Other upgrades (the /collab endpoint) are not socket.io's to refuse.
    destroyUpgrade: false,
    maxHttpBufferSize: 1e6,
    cors: { origin: deps.allowedOrigins, credentials: true },
    // Lets a briefly disconnected client resume with the events it missed (chat relies on it).
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
    // A browser always sends Origin: refuse other sites, as HTTP writes do. Non-browser clients send none.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const own = req.headers.host ? [`http://${req.headers.host}`, `https://${req.headers.host}`] : [];
      callback(null, !origin || own.includes(origin) || deps.allowedOrigins.includes(origin));
    },
    ...(deps.redis ? { adapter: createAdapter(deps.redis, { streamName: "caseroom:socket.io" }) } : {}),
  });

  // Guests live in their own namespace ("/guest"): nothing emitted on the staff namespace (ticket
  // changes, presence, metrics, internal notes) can reach them, whatever room a bug might put them in.
  const guests = attachGuestNamespace(io, { sessions: deps.sessions, guests: deps.guests, log: deps.log });

  io.use(async (socket, next) => {
    try {
      const principal = await deps.sessions.resolve(sessionTokenFrom(socket.request.headers.cookie));
      if (!principal) return next(new AppError("unauthenticated", "Log in first"));
      if (principal.kind !== "user") return next(new AppError("forbidden", "Staff only"));
      const user = await deps.users.findById(principal.userId);
      if (!user) return next(new AppError("unauthenticated", "Log in first"));
      const sessionId = deps.sessions.idOf(sessionTokenFrom(socket.request.headers.cookie)!);
      socket.data = { principal, sessionId, user: { id: user.id, name: user.name, role: user.role } };
      next();
    } catch (err) {
      deps.log.error({ err }, "socket authentication failed");
      next(new AppError("internal", "Internal error"));
    }
  });

  /** Distinct users among the sockets in a room, on every node. */
  async function usersIn(room: string): Promise<OnlineUser[]> {
    const sockets = await io.in(room).fetchSockets();
    const byId = new Map<string, OnlineUser>();
    for (const s of sockets) if (s.data.user) byId.set(s.data.user.id, s.data.user);
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async function announcePresence(orgId: string) {
    io.to(orgRoom(orgId)).emit("presence:online", { users: await usersIn(orgRoom(orgId)) });
  }
  async function announceViewers(ticketId: string) {
    const users = await usersIn(ticketRoom(ticketId));
    io.to(ticketRoom(ticketId)).emit("ticket:viewers", { ticketId, users });
    return users;
  }

  const fail = <T>(ack: (r: Ack<T>) => void, err: unknown, log: Logger) => {
    const error = err instanceof AppError ? err : new AppError("internal", "Internal error");
    if (error.code === "internal") log.error({ err }, "socket handler failed");
    if (typeof ack === "function") ack({ ok: false, error: error.toWire() });
  };

  io.on("connection", (socket: RealtimeSocket) => {
    const { principal } = socket.data;
    const log = deps.log.child({ socketId: socket.id, userId: principal.userId });
    void socket.join([orgRoom(principal.orgId), `user:${principal.userId}`, sessionRoom(socket.data.sessionId)]);
    void announcePresence(principal.orgId).catch((err) => log.error({ err }, "presence failed"));

    socket.on("ticket:watch", async (payload, ack) => {
      try {
        const parsed = TicketWatchSchema.safeParse(payload);
        if (!parsed.success) throw validationError("ticket:watch", parsed.error.issues);
        const ticket = await deps.tickets.get(principal.orgId, parsed.data.ticketId);
        if (!ticket) throw new AppError("not_found", "Ticket not found");
        await socket.join(ticketRoom(ticket.id));
        ack({ ok: true, data: { users: await announceViewers(ticket.id) } });
      } catch (err) {
        fail(ack, err, log);
      }
    });

    socket.on("ticket:unwatch", async (payload, ack) => {
      try {
        const parsed = TicketWatchSchema.safeParse(payload);
        if (!parsed.success) throw validationError("ticket:unwatch", parsed.error.issues);
        // Only a room this socket joined (after its access check) can be left and announced.
        const room = ticketRoom(parsed.data.ticketId);
        if (socket.rooms.has(room)) {
          await socket.leave(room);
          await announceViewers(parsed.data.ticketId);
        }
        ack({ ok: true, data: null });
      } catch (err) {
        fail(ack, err, log);
      }
    });

    // Rooms are already left by "disconnect", so remember the watched tickets a moment before.
    let watched: string[] = [];
    socket.on("disconnecting", () => {
      watched = [...socket.rooms].filter((room) => room.startsWith("ticket:"));
    });
    socket.on("disconnect", () => {
      void announcePresence(principal.orgId).catch((err) => log.error({ err }, "presence failed"));
      for (const room of watched) void announceViewers(room.slice("ticket:".length)).catch(() => {});
    });
  });

  return {
    io,
    /** The guest namespace: its sockets are customers confined to one ticket each. */
    guests,
    /** Pushes a committed ticket change to everyone of the organisation. */
    ticketChanged(orgId: string, change: TicketChange) {
      io.to(orgRoom(orgId)).emit("ticket:changed", {
        ticket: change.ticket,
        eventTypes: change.events.map((e) => e.type),
        actorId: change.events[0]?.actorId ?? null,
      });
    },
    /** Drops the sockets of a session that logged out, on every node. */
    disconnectSession(sessionToken: string) {
      io.in(sessionRoom(deps.sessions.idOf(sessionToken))).disconnectSockets(true);
      guests.disconnectSession(deps.sessions.idOf(sessionToken));
    },
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}
export type Realtime = ReturnType<typeof createRealtime>;
export { GUEST_NAMESPACE, type GuestNamespace, type GuestRealtime, type GuestSocket } from "./guests.ts";
