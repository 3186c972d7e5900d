// The call lifecycle, independent of HTTP: start, join, switch mode, leave, end, and the LiveKit
// webhook's view of the same. Access rules live here so the routes, the socket relay and other modules
// (transcription) all ask the same questions.
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import {
  can,
  MESH_MAX_PARTICIPANTS,
  supervisorModes,
  type CallJoin,
  type CallMode,
  type CallParticipantKind,
  type Principal,
} from "@caseroom/shared";
import { iceServersFor, livekitRooms, mintToken, roomNameFor, type LivekitCallSignal, type LivekitRooms } from "@caseroom/media";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { AppError, notFound } from "../http/index.ts";
import type { Logger } from "../log.ts";
import type { TicketStore } from "../tickets/index.ts";
import { callStore, type CallRecord, type ParticipantRecord } from "./store.ts";

export interface CallLifecycleEvents {
  started: [call: CallRecord];
  participant_joined: [call: CallRecord, participant: ParticipantRecord];
  participant_left: [call: CallRecord, participant: ParticipantRecord];
  mode_changed: [call: CallRecord, participant: ParticipantRecord];
  ended: [call: CallRecord];
}

export interface CallServiceDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, "livekit" | "ice">;
  tickets: Pick<TicketStore, "get">;
  /** Agent states follow calls: on_call on joining as a participant, wrap_up at the end. */
  setAgentState(orgId: string, userId: string, to: "on_call" | "wrap_up"): Promise<void>;
  /** Told after every change of who is in a call and how (the mesh re-plans). */
  onMeshChange(callId: string): void;
  onEnded(callId: string): void;
  /** Closes a removed guest's call sockets. */
  onGuestRemoved(guestId: string): void;
}

const isSupervisorMode = (mode: CallMode) => (supervisorModes as readonly CallMode[]).includes(mode);
const kindOf = (p: Principal): CallParticipantKind => (p.kind === "guest" ? "customer" : p.role);
const sendsAsParticipant = (p: ParticipantRecord) => p.principal === "user" && p.mode === "participant";

export function createCallService(deps: CallServiceDeps) {
  const store = callStore(deps.db);
  const hooks = new EventEmitter<CallLifecycleEvents>();
  const livekit = deps.config.livekit;
  const rooms: LivekitRooms | undefined = livekit ? livekitRooms(livekit) : undefined;

  const agentState = (orgId: string, p: ParticipantRecord, to: "on_call" | "wrap_up") =>
    deps.setAgentState(orgId, p.principalId, to).catch((err) => deps.log.warn({ err, callId: p.callId }, "agent state change for a call failed"));

  async function joinInfo(call: CallRecord, p: ParticipantRecord): Promise<CallJoin> {
    if (call.transport === "livekit") {
      if (!livekit) throw new AppError("unavailable", "This call runs on LiveKit, which is not configured on this server");
      const token = await mintToken({ ...livekit, callId: call.id, participantId: p.id, kind: p.kind, mode: p.mode });
      return { transport: "livekit", participantId: p.id, mode: p.mode, url: livekit.url, token };
    }
    return { transport: "p2p", participantId: p.id, mode: p.mode, iceServers: iceServersFor(deps.config.ice, p.id) };
  }

  /** The call if this principal may see it: its organisation, and for a guest its own ticket only; else 404. */
  async function visibleCall(principal: Principal | undefined, callId: string): Promise<CallRecord> {
    if (!principal) throw new AppError("unauthenticated", "Log in first");
    const call = await store.get(principal.orgId, callId);
    if (!call || (principal.kind === "guest" && call.ticketId !== principal.ticketId)) throw notFound("Call");
    if (principal.kind === "user" && !can(principal, "ticket:read")) throw new AppError("forbidden", "You are not allowed to do this");
    return call;
  }

  async function enter(call: CallRecord, principal: Principal, mode: CallMode) {
    const joined = await store.join(call, principal, kindOf(principal), mode, call.transport === "p2p" ? MESH_MAX_PARTICIPANTS : undefined);
    if (joined === "ended") throw new AppError("conflict", "The call has ended");
    if (joined === "full") throw new AppError("conflict", `A peer-to-peer call takes at most ${MESH_MAX_PARTICIPANTS} participants`);
    const { participant, created } = joined;
    if (created) hooks.emit("participant_joined", call, participant);
    if (sendsAsParticipant(participant)) await agentState(call.orgId, participant, "on_call");
    deps.onMeshChange(call.id);
    return participant;
  }

  return {
    store,
    hooks,
    transport: (livekit ? "livekit" : "p2p") as CallJoin["transport"],

    /** Staff: starts the ticket's call or returns the one in progress, and puts the caller in it. */
    async start(principal: Extract<Principal, { kind: "user" }>, ticketId: string) {
      const ticket = await deps.tickets.get(principal.orgId, ticketId);
      if (!ticket) throw notFound("Ticket");
      const existing = await store.activeForTicket(principal.orgId, ticketId);
      const id = randomUUID();
      // The LiveKit room comes first: a call that cannot carry media is never recorded as started.
      if (!existing && rooms) {
        try {
          await rooms.create(id);
        } catch (err) {
          deps.log.error({ err, callId: id }, "livekit room creation failed");
          throw new AppError("unavailable", "The media server did not answer; try again");
        }
      }
      const { call, created } = existing
        ? { call: existing, created: false }
        : await store.start(id, principal.orgId, ticketId, principal.userId, livekit ? "livekit" : "p2p", (callId) => (livekit ? roomNameFor(callId) : null));
      // Someone else started one at the same moment: our room is not needed.
      if (!existing && !created && rooms) await rooms.close(id).catch((err) => deps.log.warn({ err, callId: id }, "livekit room close failed"));
      if (created) hooks.emit("started", call);
      const participant = await enter(call, principal, "participant");
      return { call, created, join: await joinInfo(call, participant) };
    },

    async current(principal: Principal, ticketId: string) {
      if (!(await deps.tickets.get(principal.orgId, ticketId))) throw notFound("Ticket");
      return store.activeForTicket(principal.orgId, ticketId);
    },

    /** Staff as participants, supervisors and admins in any mode; a guest as participant of its ticket's call. */
    async join(principal: Principal | undefined, callId: string, requested: CallMode | undefined) {
      const call = await visibleCall(principal, callId);
      const mode = requested ?? "participant";
      if (isSupervisorMode(mode) && !(principal!.kind === "user" && can(principal!, "call:supervise"))) {
        throw new AppError("forbidden", "Only supervisors and admins may monitor, whisper or barge");
      }
      if (principal!.kind === "user" && !can(principal!, "call:start")) throw new AppError("forbidden", "You are not allowed to do this");
      if (call.status !== "active") throw new AppError("conflict", "The call has ended");
      const participant = await enter(call, principal!, mode);
      return { call, join: await joinInfo(call, participant) };
    },

    /** A supervisor switches live between monitor, whisper and barge, without rejoining. */
    async setMode(principal: Principal | undefined, callId: string, mode: CallMode) {
      const call = await visibleCall(principal, callId);
      if (!(principal!.kind === "user" && can(principal!, "call:supervise"))) {
        throw new AppError("forbidden", "Only supervisors and admins may monitor, whisper or barge");
      }
      const me = await store.participantOf(call.id, principal!);
      if (!me || call.status !== "active") throw new AppError("conflict", "Join the call first");
      await store.setMode(me.id, mode);
      if (rooms) await rooms.setMode(call.id, me.id, mode);
      hooks.emit("mode_changed", call, { ...me, mode });
      deps.onMeshChange(call.id);
      return { mode };
    },

    async leave(principal: Principal | undefined, callId: string) {
      const call = await visibleCall(principal, callId);
      const me = await store.participantOf(call.id, principal!);
      if (!me) return;
      await departed(call, me.id);
    },

    /** A mesh peer whose sockets have all been gone for a while: it left (the last one out ends the call). */
    async abandoned(callId: string, participantId: string) {
      const [row] = await deps.db.query<{ org_id: string }>("select org_id from calls where id = $1", [callId]);
      const call = row ? await store.get(row.org_id, callId) : undefined;
      if (call?.status === "active") await departed(call, participantId);
    },

    /** An invite was withdrawn: its guests leave every call at once, and their call sockets close. */
    async inviteRevoked(inviteId: string) {
      const rows = await deps.db.query<{ call_id: string; org_id: string; id: string; guest_id: string }>(
        `select p.call_id, p.org_id, p.id, p.guest_id from call_participants p join guests g on g.id = p.guest_id
          where g.invite_id = $1 and p.left_at is null`,
        [inviteId],
      );
      for (const row of rows) {
        const call = await store.get(row.org_id, row.call_id);
        if (call) await departed(call, row.id);
        deps.onGuestRemoved(row.guest_id);
      }
    },

    /** Staff only; ends the call for everyone. */
    async end(principal: Principal | undefined, callId: string) {
      const call = await visibleCall(principal, callId);
      if (principal!.kind !== "user" || !can(principal!, "call:start")) throw new AppError("forbidden", "Only staff may end a call");
      return finish(call, "ended");
    },

    /** "Is this principal in call X, and how?" For other modules (transcription): undefined when not. */
    async participantOf(callId: string, principal: Principal): Promise<{ participantId: string; kind: CallParticipantKind; mode: CallMode; ticketId: string } | undefined> {
      const call = await store.get(principal.orgId, callId);
      if (!call || call.status !== "active" || (principal.kind === "guest" && call.ticketId !== principal.ticketId)) return undefined;
      const p = await store.participantOf(callId, principal);
      return p ? { participantId: p.id, kind: p.kind, mode: p.mode, ticketId: call.ticketId } : undefined;
    },

    /** A verified LiveKit webhook: departures and a finished room become call events. */
    async onLivekit(signal: LivekitCallSignal, orgOfCall: (callId: string) => Promise<string | undefined>) {
      if (signal.type === "ignored" || signal.type === "participant_joined") return;
      const orgId = await orgOfCall(signal.callId);
      const call = orgId ? await store.get(orgId, signal.callId) : undefined;
      if (!call || call.status !== "active") return;
      if (signal.type === "room_finished") return void (await finish(call, "room_finished"));
      await departed(call, signal.participantId);
    },
  };

  /** Someone left; when nobody is left, the call is over (a mesh has no server to notice otherwise). */
  async function departed(call: CallRecord, participantId: string) {
    const left = await store.leave(call, participantId);
    if (!left) return;
    hooks.emit("participant_left", call, left);
    if (sendsAsParticipant(left)) await agentState(call.orgId, left, "wrap_up");
    deps.onMeshChange(call.id);
    if ((await store.participants(call.id)).length === 0) await finish(call, "ended");
  }

  async function finish(call: CallRecord, reason: "ended" | "room_finished") {
    const done = await store.end(call, reason);
    if (!done) return call;
    // wrap_up right after call.ended: after-call work is counted from there ([M4]).
    await agentState(call.orgId, { principal: "user", principalId: call.startedBy, callId: call.id } as ParticipantRecord, "wrap_up");
    for (const p of done.left) if (sendsAsParticipant(p) && p.principalId !== call.startedBy) await agentState(call.orgId, p, "wrap_up");
    deps.onEnded(call.id);
    if (rooms && reason === "ended") await rooms.close(call.id).catch((err) => deps.log.warn({ err, callId: call.id }, "livekit room close failed"));
    hooks.emit("ended", done.call);
    return done.call;
  }
}
export type CallService = ReturnType<typeof createCallService>;
