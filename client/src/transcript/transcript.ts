// The live transcript of one call for this browser: the /transcript socket, the segments so far
// (finals in order, the latest interim line per speaker), captions state, and the microphone feed.
import type { Ack, LiveTranscriptStatus, TranscriptClientToServerEvents, TranscriptSegmentWire, TranscriptServerToClientEvents } from "@caseroom/shared";
import { TRANSCRIPT_NAMESPACE } from "@caseroom/shared";
import { createSignal } from "solid-js";
import { io, type Socket } from "socket.io-client";
import { startCapture, type Capture } from "./capture.ts";

type TranscriptSocket = Socket<TranscriptServerToClientEvents, TranscriptClientToServerEvents>;

export interface LiveTranscript {
  status: () => LiveTranscriptStatus | undefined;
  finals: () => TranscriptSegmentWire[];
  interims: () => TranscriptSegmentWire[];
  captions: () => boolean;
  /** The last problem with this browser's audio (refused, engine trouble); cleared by the next success. */
  problem: () => string | undefined;
  setCaptions(on: boolean): Promise<void>;
  /** Starts sending this microphone track; replaces a previous one. */
  feed(track: MediaStreamTrack | undefined): Promise<void>;
  close(): void;
}

export function openTranscript(callId: string): LiveTranscript {
  const socket: TranscriptSocket = io(TRANSCRIPT_NAMESPACE, { path: "/socket.io", withCredentials: true, transports: ["websocket", "polling"] });
  const [status, setStatus] = createSignal<LiveTranscriptStatus>();
  const [finals, setFinals] = createSignal<TranscriptSegmentWire[]>([]);
  const [interimBySpeaker, setInterims] = createSignal<Record<string, TranscriptSegmentWire>>({});
  const [captions, setCaptionsState] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();
  let capture: Capture | undefined;
  let feeding = 0;

  const join = () =>
    socket.emit("transcript:join", { callId }, (ack: Ack<{ status: LiveTranscriptStatus; segments: TranscriptSegmentWire[] }>) => {
      if (!ack.ok) return setProblem(ack.error.code);
      setStatus(ack.data.status);
      if (ack.data.status.engine === "off") {
        capture?.stop();
        capture = undefined;
      }
      setCaptionsState(ack.data.status.captions);
      // After a reconnect the stored finals are the truth; keep any that arrived meanwhile.
      setFinals((now) => mergeFinals(ack.data.segments, now));
    });
  // Joined again after every reconnect: rooms do not survive a new connection.
  socket.on("connect", join);
  socket.on("transcript:segment", (s) => {
    if (s.callId !== callId) return;
    if (s.isFinal) {
      setFinals((now) => mergeFinals(now, [s]));
      setInterims(({ [s.participantId]: _done, ...rest }) => rest);
    } else {
      setInterims((now) => ({ ...now, [s.participantId]: s }));
    }
  });
  socket.on("transcript:captions", (c) => {
    if (c.callId === callId) setCaptionsState(c.on);
  });
  socket.on("transcript:error", (e) => {
    if (e.callId === callId) setProblem(e.error.code);
  });

  return {
    status,
    finals,
    interims: () => Object.values(interimBySpeaker()),
    captions,
    problem,
    async setCaptions(on) {
      const ack = await socket.timeout(5000).emitWithAck("transcript:captions", { callId, on }).catch(() => undefined);
      if (ack?.ok) setCaptionsState(ack.data.on);
      else setProblem(ack && !ack.ok ? ack.error.code : "timeout");
    },
    async feed(track) {
      const mine = ++feeding;
      capture?.stop();
      capture = undefined;
      if (!track || status()?.engine === "off") return;
      const started = await startCapture(track, (pcm) => {
        if (socket.connected) socket.emit("transcript:audio", { callId, pcm });
      }).catch(() => undefined);
      if (mine !== feeding) started?.stop();
      else capture = started;
    },
    close() {
      feeding++;
      capture?.stop();
      socket.emit("transcript:leave", { callId });
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}

function mergeFinals(a: TranscriptSegmentWire[], b: TranscriptSegmentWire[]): TranscriptSegmentWire[] {
  const byId = new Map<string, TranscriptSegmentWire>();
  for (const s of [...a, ...b]) byId.set(s.id, s);
  return [...byId.values()].sort((x, y) => x.at.localeCompare(y.at));
}
