// The peer-to-peer mesh's signalling: socket.io namespace "/calls", for staff and guests alike. A
// socket attaches to a call its principal has joined over HTTP; it then receives its own view of the
// mesh (call:plan) whenever that changes, and may relay offers/answers/ICE only to a peer of the same
// call that it shares a link with. Everything else is refused with an ack error and goes nowhere.
import {
  CallAttachSchema,
  CallSignalSchema,
  type Ack,
  type CallClientToServerEvents,
  type CallServerToClientEvents,
  type Principal,
} from "@caseroom/shared";
import { linked, planMesh, type MeshPeer } from "@caseroom/media";
import type { Namespace, Server, Socket } from "socket.io";
import { sessionTokenFrom, type SessionStore } from "../auth/index.ts";
import { AppError, validationError } from "../http/index.ts";
import type { Logger } from "../log.ts";
import type { CallStore, ParticipantRecord } from "./store.ts";

interface CallSocketData {
  principal: Principal;
  sessionId: string;
  attached?: { callId: string; participantId: string; at: number };
}
type CallNamespace = Namespace<CallClientToServerEvents, CallServerToClientEvents, Record<string, never>, CallSocketData>;
type CallSocket = Socket<CallClientToServerEvents, CallServerToClientEvents, Record<string, never>, CallSocketData>;

export const CALLS_NAMESPACE = "/calls";
const callRoom = (callId: string) => `call:${callId}`;
const peerRoom = (participantId: string) => `peer:${participantId}`;

const meshPeer = (p: ParticipantRecord, epoch: string): MeshPeer => ({ peerId: p.id, kind: p.kind, mode: p.mode, name: p.name, epoch });

/** setTimeout's ceiling; a longer invite is re-checked at the next connection anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface GuestValidity {
  /** The guest if its access still stands (invite neither revoked nor expired), with the invite's expiry. */
  findGuest(guestId: string): Promise<{ ticketId: string; expiresAt: Date | null } | undefined>;
}

export interface SignallingDeps {
  sessions: SessionStore;
  store: CallStore;
  log: Logger;
  guests: GuestValidity;
  /** A peer whose every socket has been gone this long has left the call (closed tab, lost network). */
  abandonAfterMs: number;
  onAbandoned(callId: string, participantId: string): Promise<void>;
}

export function attachCallSignalling(io: Server, deps: SignallingDeps) {
  const abandonTimers = new Set<NodeJS.Timeout>();
  const ns = io.of(CALLS_NAMESPACE) as unknown as CallNamespace;

  ns.use(async (socket, next) => {
    try {
      const token = sessionTokenFrom(socket.request.headers.cookie);
      const principal = await deps.sessions.resolve(token);
      if (!principal) return next(new AppError("unauthenticated", "Log in first"));
      socket.data = { principal, sessionId: deps.sessions.idOf(token!) };
      if (principal.kind === "guest") {
        const guest = await deps.guests.findGuest(principal.guestId);
        if (!guest || guest.ticketId !== principal.ticketId) return next(new AppError("unauthenticated", "Open your invite link first"));
        // A guest's call socket must not outlive its invite.
        if (guest.expiresAt) {
          const timer = setTimeout(() => socket.disconnect(true), Math.min(MAX_TIMER_MS, Math.max(0, guest.expiresAt.getTime() - Date.now())));
          socket.on("disconnect", () => clearTimeout(timer));
        }
      }
      next();
    } catch (err) {
      deps.log.error({ err }, "call socket authentication failed");
      next(new AppError("internal", "Internal error"));
    }
  });

  /** The attached peers of a call (the latest socket of each participant) with their current rows. */
  async function meshOf(callId: string): Promise<MeshPeer[]> {
    const [sockets, participants] = await Promise.all([ns.in(callRoom(callId)).fetchSockets(), deps.store.participants(callId)]);
    const latest = new Map<string, { id: string; at: number }>();
    for (const s of sockets) {
      const a = s.data.attached;
      if (a?.callId !== callId) continue;
      const seen = latest.get(a.participantId);
      if (!seen || seen.at < a.at) latest.set(a.participantId, { id: s.id, at: a.at });
    }
    return participants.filter((p) => latest.has(p.id)).map((p) => meshPeer(p, latest.get(p.id)!.id));
  }

  async function replan(callId: string) {
    const plans = planMesh(callId, await meshOf(callId));
    for (const [peerId, plan] of plans) ns.to(peerRoom(peerId)).emit("call:plan", plan);
    return plans;
  }

  const fail = (ack: ((r: Ack<never>) => void) | undefined, err: unknown, log: Logger) => {
    const error = err instanceof AppError ? err : new AppError("internal", "Internal error");
    if (error.code === "internal") log.error({ err }, "call signalling failed");
    if (typeof ack === "function") ack({ ok: false, error: error.toWire() });
  };

  ns.on("connection", (socket: CallSocket) => {
    const log = deps.log.child({ socketId: socket.id });
    const { principal } = socket.data;
    void socket.join([`session:${socket.data.sessionId}`, ...(principal.kind === "guest" ? [`guest:${principal.guestId}`] : [])]);

    socket.on("call:attach", async (payload, ack) => {
      try {
        const parsed = CallAttachSchema.safeParse(payload);
        if (!parsed.success) throw validationError("call:attach", parsed.error.issues);
        const { principal } = socket.data;
        const call = await deps.store.get(principal.orgId, parsed.data.callId);
        if (!call || (principal.kind === "guest" && call.ticketId !== principal.ticketId)) throw new AppError("not_found", "Call not found");
        if (call.status !== "active") throw new AppError("conflict", "The call has ended");
        if (call.transport !== "p2p") throw new AppError("conflict", "This call runs on LiveKit");
        const me = await deps.store.participantOf(call.id, principal);
        if (!me) throw new AppError("forbidden", "Join the call first");
        const previous = socket.data.attached;
        if (previous) await socket.leave(callRoom(previous.callId)), await socket.leave(peerRoom(previous.participantId));
        // Another tab of the same participant stops receiving: one browser per peer in the mesh. Not
        // this socket: with a cluster adapter the local leave runs only after the publish, i.e. after
        // the join below.
        ns.in(peerRoom(me.id)).except(socket.id).socketsLeave([peerRoom(me.id), callRoom(call.id)]);
        socket.data.attached = { callId: call.id, participantId: me.id, at: Date.now() };
        await socket.join([callRoom(call.id), peerRoom(me.id)]);
        const plans = await replan(call.id);
        ack({ ok: true, data: plans.get(me.id)! });
      } catch (err) {
        fail(ack, err, log);
      }
    });

    socket.on("call:signal", async (payload, ack) => {
      try {
        const parsed = CallSignalSchema.safeParse(payload);
        if (!parsed.success) throw validationError("call:signal", parsed.error.issues);
        const a = socket.data.attached;
        const { callId, to, description, candidate, epoch } = parsed.data;
        if (!a || a.callId !== callId || !socket.rooms.has(peerRoom(a.participantId))) throw new AppError("forbidden", "Attach to the call first");
        const [from, target] = await Promise.all([deps.store.participant(callId, a.participantId), deps.store.participant(callId, to)]);
        if (!from) throw new AppError("forbidden", "You are no longer in this call");
        // A peer of another call, one that left, or one this peer shares no media with: not reachable.
        if (!target || !linked(meshPeer(from, ""), meshPeer(target, ""))) throw new AppError("not_found", "Peer not found");
        ns.to(peerRoom(to)).emit("call:signal", { callId, from: from.id, ...(description ? { description } : {}), ...(candidate !== undefined ? { candidate } : {}), ...(epoch ? { epoch } : {}) });
        if (typeof ack === "function") ack({ ok: true, data: null });
      } catch (err) {
        fail(ack, err, log);
      }
    });

    socket.on("disconnect", () => {
      const a = socket.data.attached;
      if (!a) return;
      void replan(a.callId).catch((err) => log.error({ err }, "mesh re-plan failed"));
      // A reload comes back within seconds; a closed tab never does. Checked on every node's sockets.
      const timer = setTimeout(async () => {
        abandonTimers.delete(timer);
        try {
          if ((await ns.in(peerRoom(a.participantId)).fetchSockets()).length === 0) await deps.onAbandoned(a.callId, a.participantId);
        } catch (err) {
          log.error({ err }, "abandoned peer check failed");
        }
      }, deps.abandonAfterMs);
      abandonTimers.add(timer);
    });
  });

  return {
    replan: (callId: string) => void replan(callId).catch((err) => deps.log.error({ err, callId }, "mesh re-plan failed")),
    ended(callId: string) {
      ns.to(callRoom(callId)).emit("call:ended", { callId });
      ns.in(callRoom(callId)).socketsLeave(callRoom(callId));
    },
    disconnectSession: (sessionId: string) => ns.in(`session:${sessionId}`).disconnectSockets(true),
    disconnectGuest: (guestId: string) => ns.in(`guest:${guestId}`).disconnectSockets(true),
    close() {
      for (const timer of abandonTimers) clearTimeout(timer);
      abandonTimers.clear();
    },
  };
}
