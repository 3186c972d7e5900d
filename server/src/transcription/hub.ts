// The transcription core, independent of the transport: one speech-to-text session per speaker (a
// participant's audio track) of a call, opened on first audio, closed when the participant leaves,
// the call ends or the audio stops for a while. Final segments are stored before anyone sees them.
import type { TranscriptSegmentWire } from "@caseroom/shared";
import type { SttEngine, SttError, TranscriptSegment } from "@caseroom/media";
import { randomUUID } from "node:crypto";
import type { Logger } from "../log.ts";
import type { TranscriptStore } from "./store.ts";

export interface Speaker {
  orgId: string;
  callId: string;
  ticketId: string;
  participantId: string;
  kind: TranscriptSegmentWire["speakerKind"];
  name: string;
  /** The staff user speaking; null for the customer. */
  userId: string | null;
  /** Whispering: what this speaker says stays with staff. Read when each segment comes out. */
  staffOnly(): boolean;
}

export interface HubOptions {
  stt: SttEngine;
  store: TranscriptStore;
  log: Logger;
  /** Every segment, interim and final (stored first), for the transport to deliver. */
  deliver(segment: TranscriptSegmentWire): void;
  /** A session without audio this long is closed; the next frame opens a new one. */
  idleMs?: number;
}

interface Session {
  speaker: Speaker;
  live: ReturnType<SttEngine["startLive"]>;
  lastAudio: number;
  /** Stream time of this session's zero within the speaker's whole call, across idle restarts. */
  baseMs: number;
  pushedMs: number;
  /** Stores finals one after another, so their log order is their spoken order. */
  chain: Promise<void>;
}

const key = (callId: string, participantId: string) => `${callId}:${participantId}`;

export function createTranscriptionHub(o: HubOptions) {
  const sessions = new Map<string, Session>();
  /** Where a speaker's next session starts in their call stream (after idle restarts). */
  const streamEnd = new Map<string, number>();
  const idleMs = o.idleMs ?? 30_000;
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, s] of sessions) if (now - s.lastAudio > idleMs) void close(k);
  }, Math.min(idleMs, 5000));
  sweep.unref();

  function open(speaker: Speaker): Session {
    const k = key(speaker.callId, speaker.participantId);
    const log = o.log.child({ callId: speaker.callId, participantId: speaker.participantId });
    const session: Session = {
      speaker,
      lastAudio: Date.now(),
      baseMs: streamEnd.get(k) ?? 0,
      pushedMs: 0,
      chain: Promise.resolve(),
      live: undefined as never,
    };
    session.live = o.stt.startLive({
      speaker: speaker.participantId,
      onSegment: (segment) => onSegment(session, segment, log),
      onError: (err: SttError) => log.warn({ err: err.message, retryable: err.retryable }, "speech-to-text session trouble"),
    });
    sessions.set(k, session);
    return session;
  }

  function onSegment(session: Session, segment: TranscriptSegment, log: Logger): void {
    const s = session.speaker;
    const wire: TranscriptSegmentWire = {
      id: randomUUID(),
      callId: s.callId,
      participantId: s.participantId,
      speakerKind: s.kind,
      speakerName: s.name,
      text: segment.text,
      isFinal: segment.isFinal,
      startMs: Math.round(session.baseMs + segment.startMs),
      endMs: Math.round(session.baseMs + segment.endMs),
      at: new Date().toISOString(),
      staffOnly: s.staffOnly(),
    };
    if (!segment.isFinal) return o.deliver(wire);
    session.chain = session.chain.then(async () => {
      try {
        const stored = await o.store.append(
          { orgId: s.orgId, ticketId: s.ticketId, callId: s.callId, actorId: s.userId },
          { participantId: s.participantId, speakerKind: s.kind, text: wire.text.slice(0, 10_000), startMs: wire.startMs, endMs: Math.max(wire.startMs, wire.endMs), staffOnly: wire.staffOnly },
        );
        o.deliver({ ...wire, id: stored.id, at: stored.at });
      } catch (err) {
        log.error({ err }, "storing a transcript segment failed");
      }
    });
  }

  async function close(k: string): Promise<void> {
    const s = sessions.get(k);
    if (!s) return;
    sessions.delete(k);
    streamEnd.set(k, s.baseMs + s.pushedMs);
    await s.live.close().catch((err) => o.log.warn({ err }, "closing a speech-to-text session failed"));
    await s.chain;
  }

  return {
    /** Audio from a speaker already checked to be in the call. */
    push(speaker: Speaker, pcm: Uint8Array): void {
      const k = key(speaker.callId, speaker.participantId);
      const s = sessions.get(k) ?? open(speaker);
      s.speaker = speaker;
      s.lastAudio = Date.now();
      s.pushedMs += pcm.byteLength / 32;
      s.live.push(pcm);
    },
    closeParticipant: (callId: string, participantId: string) => close(key(callId, participantId)),
    async closeCall(callId: string): Promise<void> {
      await Promise.all([...sessions.keys()].filter((k) => k.startsWith(`${callId}:`)).map(close));
      for (const k of [...streamEnd.keys()]) if (k.startsWith(`${callId}:`)) streamEnd.delete(k);
    },
    get activeSessions() {
      return sessions.size;
    },
    async close(): Promise<void> {
      clearInterval(sweep);
      await Promise.all([...sessions.keys()].map(close));
    },
  };
}
export type TranscriptionHub = ReturnType<typeof createTranscriptionHub>;
