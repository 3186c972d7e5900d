// The /transcript socket.io namespace: staff and the ticket's guest alike. Every event is checked
// against the calls module (is this principal an active participant of that call, in which mode),
// with the answer cached for two seconds per socket so 25 frames a second cost no query each;
// leaving, mode changes and the end of a call clear the cache at once on this node.
import {
  TRANSCRIPT_MAX_FRAME_BYTES,
  TRANSCRIPT_NAMESPACE,
  TranscriptAudioSchema,
  TranscriptCallSchema,
  TranscriptCaptionsSchema,
  type Ack,
  type CallMode,
  type CallParticipantKind,
  type Principal,
  type TranscriptClientToServerEvents,
  type TranscriptSegmentWire,
  type TranscriptServerToClientEvents,
  type LiveTranscriptStatus,
} from "@caseroom/shared";
import type { Namespace, Server, Socket } from "socket.io";
import { sessionTokenFrom, type SessionStore } from "../auth/index.ts";
import { AppError, notFound, validationError } from "../http/index.ts";
import type { Logger } from "../log.ts";
import type { Speaker, TranscriptionHub } from "./hub.ts";
import type { TranscriptStore } from "./store.ts";

/** What transcription needs of the calls module. */
export interface CallAccess {
  participantOf(callId: string, principal: Principal): Promise<{ participantId: string; kind: CallParticipantKind; mode: CallMode; ticketId: string } | undefined>;
  nameOf(callId: string, participantId: string): Promise<string | undefined>;
}

interface SocketData {
  principal: Principal;
  sessionId: string;
}
type TranscriptNamespace = Namespace<TranscriptClientToServerEvents, TranscriptServerToClientEvents, Record<string, never>, SocketData>;
type TranscriptSocket = Socket<TranscriptClientToServerEvents, TranscriptServerToClientEvents, Record<string, never>, SocketData>;

const staffRoom = (callId: string) => `transcript-staff:${callId}`;
const captionsRoom = (callId: string) => `transcript-captions:${callId}`;
const ACCESS_TTL_MS = 2000;
/** Audio may arrive at most this much faster than real time (jitter), plus a burst allowance. */
const RATE_FACTOR = 1.5;
const BURST_BYTES = 2 * 32_000;

interface Access {
  until: number;
  speaker: Speaker | undefined;
  mode: CallMode;
}

export interface TranscriptSocketDeps {
  sessions: SessionStore;
  calls: CallAccess;
  hub: TranscriptionHub | undefined;
  store: TranscriptStore;
  status: () => Omit<LiveTranscriptStatus, "captions">;
  log: Logger;
}

export function attachTranscriptNamespace(io: Server, deps: TranscriptSocketDeps) {
  const ns = io.of(TRANSCRIPT_NAMESPACE) as unknown as TranscriptNamespace;
  /** Captions are per node (in memory): see docs/transcription.md. */
  const captions = new Map<string, boolean>();
  const access = new Map<string, Map<string, Access>>();

  ns.use(async (socket, next) => {
    try {
      const token = sessionTokenFrom(socket.request.headers.cookie);
      const principal = await deps.sessions.resolve(token);
      if (!principal) return next(new AppError("unauthenticated", "Log in first"));
      socket.data = { principal, sessionId: deps.sessions.idOf(token!) };
      next();
    } catch (err) {
      deps.log.error({ err }, "transcript socket authentication failed");
      next(new AppError("internal", "Internal error"));
    }
  });

  /** Bumped when a call's cached answers are forgotten: a check already running then stores nothing. */
  const epochs = new Map<string, number>();
  const inflight = new Map<string, Promise<Access | undefined>>();

  async function check(socket: TranscriptSocket, callId: string): Promise<Access | undefined> {
    const epoch = epochs.get(callId) ?? 0;
    const p = await deps.calls.participantOf(callId, socket.data.principal);
    const current = () => (epochs.get(callId) ?? 0) === epoch;
    if (!p) {
      if (current()) access.get(callId)?.delete(socket.id);
      return undefined;
    }
    const principal = socket.data.principal;
    const name = (await deps.calls.nameOf(callId, p.participantId)) ?? "";
    const entry: Access = {
      until: Date.now() + ACCESS_TTL_MS,
      mode: p.mode,
      speaker: {
        orgId: principal.orgId,
        callId,
        ticketId: p.ticketId,
        participantId: p.participantId,
        kind: p.kind,
        name,
        userId: principal.kind === "user" ? principal.userId : null,
        staffOnly: () => (access.get(callId)?.get(socket.id)?.mode ?? p.mode) === "whisper",
      },
    };
    if (current() && socket.connected) {
      if (!access.has(callId)) access.set(callId, new Map());
      access.get(callId)!.set(socket.id, entry);
    }
    return entry;
  }

  /**
   * The cached answer while fresh; once stale it is still used while one refresh runs in the
   * background (leaving, mode changes and the end of a call clear it at once on this node, so a
   * stale "yes" lasts at most the TTL elsewhere). Without an answer, callers share one check.
   */
  function accessOf(socket: TranscriptSocket, callId: string): Promise<Access | undefined> | Access {
    const cached = access.get(callId)?.get(socket.id);
    const key = `${callId}:${socket.id}`;
    if (cached && cached.until > Date.now()) return cached;
    let running = inflight.get(key);
    if (!running) {
      running = check(socket, callId).finally(() => inflight.delete(key));
      inflight.set(key, running);
    }
    return cached ?? running;
  }

  const fail = <T>(ack: ((r: Ack<T>) => void) | undefined, err: unknown, log: Logger) => {
    const error = err instanceof AppError ? err : new AppError("internal", "Internal error");
    if (error.code === "internal") log.error({ err }, "transcript handler failed");
    if (typeof ack === "function") ack({ ok: false, error: error.toWire() });
    return error;
  };

  ns.on("connection", (socket: TranscriptSocket) => {
    const log = deps.log.child({ socketId: socket.id });
    const isStaff = socket.data.principal.kind === "user";
    // Token bucket per call: bytes of audio this socket may still send.
    const budget = new Map<string, { bytes: number; at: number }>();
    let lastErrorAt = 0;
    const report = (callId: string, error: AppError) => {
      const now = Date.now();
      if (now - lastErrorAt < 1000) return;
      lastErrorAt = now;
      socket.emit("transcript:error", { callId, error: { code: error.code, message: error.message } });
    };

    socket.on("transcript:join", async (payload, ack) => {
      try {
        const parsed = TranscriptCallSchema.safeParse(payload);
        if (!parsed.success) throw validationError("transcript:join", parsed.error.issues);
        const { callId } = parsed.data;
        const a = await accessOf(socket, callId);
        if (!a) throw notFound("Call");
        const status = { ...deps.status(), captions: captions.get(callId) ?? false };
        if (isStaff) {
          await socket.join(staffRoom(callId));
          const segments = await deps.store.list(socket.data.principal.orgId, callId);
          ack({ ok: true, data: { status, segments } });
        } else {
          await socket.join(captionsRoom(callId));
          ack({ ok: true, data: { status, segments: [] } });
        }
      } catch (err) {
        fail(ack, err, log);
      }
    });

    socket.on("transcript:leave", async (payload, ack) => {
      try {
        const parsed = TranscriptCallSchema.safeParse(payload);
        if (!parsed.success) throw validationError("transcript:leave", parsed.error.issues);
        await socket.leave(staffRoom(parsed.data.callId));
        await socket.leave(captionsRoom(parsed.data.callId));
        access.get(parsed.data.callId)?.delete(socket.id);
        if (typeof ack === "function") ack({ ok: true, data: null });
      } catch (err) {
        fail(ack, err, log);
      }
    });

    // Frames of one socket are handled strictly in arrival order, even while an access check waits
    // on the database: audio out of order would be gibberish to the engine.
    let audioChain: Promise<void> = Promise.resolve();
    socket.on("transcript:audio", (payload, ack) => {
      const callId = typeof payload === "object" && payload && typeof (payload as { callId?: unknown }).callId === "string" ? (payload as { callId: string }).callId : "";
      const refuse = (err: unknown) => {
        const error = fail(ack, err, log);
        if (typeof ack !== "function" && callId) report(callId, error);
      };
      let pcm: Uint8Array;
      try {
        const parsed = TranscriptAudioSchema.safeParse(payload);
        if (!parsed.success) throw validationError("transcript:audio", parsed.error.issues);
        pcm = parsed.data.pcm instanceof ArrayBuffer ? new Uint8Array(parsed.data.pcm) : parsed.data.pcm;
        if (pcm.byteLength === 0 || pcm.byteLength % 2 !== 0) throw new AppError("bad_request", "Audio frames are whole 16-bit samples");
        if (pcm.byteLength > TRANSCRIPT_MAX_FRAME_BYTES) throw new AppError("payload_too_large", `An audio frame holds at most ${TRANSCRIPT_MAX_FRAME_BYTES} bytes (half a second at 16 kHz)`);
        // Real time is 32,000 bytes a second; a little faster is jitter, much faster is abuse. Metered
        // on arrival, so a pause in our own processing never counts against the sender.
        const now = Date.now();
        const b = budget.get(callId) ?? { bytes: BURST_BYTES, at: now };
        b.bytes = Math.min(BURST_BYTES, b.bytes + ((now - b.at) / 1000) * 32_000 * RATE_FACTOR);
        b.at = now;
        budget.set(callId, b);
        if (pcm.byteLength > b.bytes) throw new AppError("rate_limited", "Audio is arriving faster than real time");
        b.bytes -= pcm.byteLength;
      } catch (err) {
        return refuse(err);
      }
      const handle = (a: Access | undefined) => {
        if (!a) throw notFound("Call");
        if (a.mode === "monitor") throw new AppError("forbidden", "A monitoring supervisor is not heard in the call");
        if (!deps.hub) throw new AppError("unavailable", "Transcription is off", { howToEnable: deps.status().howToEnable });
        deps.hub.push(a.speaker!, pcm);
        if (typeof ack === "function") ack({ ok: true, data: null });
      };
      audioChain = audioChain.then(async () => {
        try {
          const a = accessOf(socket, callId);
          handle(a instanceof Promise ? await a : a);
        } catch (err) {
          refuse(err);
        }
      });
    });

    socket.on("transcript:captions", async (payload, ack) => {
      try {
        const parsed = TranscriptCaptionsSchema.safeParse(payload);
        if (!parsed.success) throw validationError("transcript:captions", parsed.error.issues);
        const { callId, on } = parsed.data;
        const a = await accessOf(socket, callId);
        if (!a) throw notFound("Call");
        if (!isStaff || a.speaker?.kind === "customer") throw new AppError("forbidden", "Only staff in the call turn captions on or off");
        captions.set(callId, on);
        ns.to(staffRoom(callId)).to(captionsRoom(callId)).emit("transcript:captions", { callId, on });
        ack({ ok: true, data: { on } });
      } catch (err) {
        fail(ack, err, log);
      }
    });

    socket.on("disconnect", () => {
      for (const m of access.values()) m.delete(socket.id);
    });
  });

  return {
    namespace: ns,
    /** Staff in the call see everything; the customer only captions, only when on, never whispers. */
    deliver(segment: TranscriptSegmentWire) {
      ns.to(staffRoom(segment.callId)).emit("transcript:segment", segment);
      if (captions.get(segment.callId) && !segment.staffOnly) ns.to(captionsRoom(segment.callId)).emit("transcript:segment", segment);
    },
    /** Forget cached access for a call (someone left, changed mode, or the call ended). */
    forget(callId: string) {
      epochs.set(callId, (epochs.get(callId) ?? 0) + 1);
      access.delete(callId);
    },
    async ended(callId: string) {
      epochs.set(callId, (epochs.get(callId) ?? 0) + 1);
      access.delete(callId);
      captions.delete(callId);
      ns.in(staffRoom(callId)).socketsLeave(staffRoom(callId));
      ns.in(captionsRoom(callId)).socketsLeave(captionsRoom(callId));
    },
  };
}
