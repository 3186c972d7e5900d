// One interface over both ways a call carries media: the built-in peer-to-peer mesh (p2p.ts) and
// LiveKit (livekit.ts). The call view only ever talks to this.
import type { Accessor } from "solid-js";
import type { CallMode, CallParticipantKind } from "@caseroom/shared";

export interface RemotePeer {
  id: string;
  /** False for a monitoring or whispering supervisor seen by the customer: never drawn, never counted. */
  visible: boolean;
  name?: string;
  kind?: CallParticipantKind;
  mode?: CallMode;
  /** A new MediaStream object whenever its tracks change, so media elements can simply follow it. */
  stream: MediaStream;
}

export interface PeerStats {
  audioBytesIn: number;
  videoBytesIn: number;
  rttMs: number | undefined;
  /** Share of inbound packets lost since the call began, 0..1. */
  loss: number;
}

/** The tracks this browser offers; the transport decides per peer what actually goes out. */
export interface LocalMedia {
  audio(): MediaStreamTrack | null;
  video(): MediaStreamTrack | null;
}

export interface CallTransport {
  readonly peers: Accessor<RemotePeer[]>;
  readonly mode: Accessor<CallMode>;
  /** Set when the call ended for everyone, or this peer was dropped. */
  readonly ended: Accessor<boolean>;
  readonly error: Accessor<string | undefined>;
  /** The local tracks changed (device switch, screen share): send the new ones where they go. */
  localChanged(): void;
  /** This peer's mode changed on the server (supervisor controls). */
  modeChanged(mode: CallMode): Promise<void>;
  stats(): Promise<Map<string, PeerStats>>;
  close(): void;
}

/** Sums an RTCStatsReport's inbound RTP by kind, with the selected pair's round trip. */
export function summarise(report: RTCStatsReport): PeerStats {
  let audioBytesIn = 0;
  let videoBytesIn = 0;
  let lost = 0;
  let received = 0;
  let rttMs: number | undefined;
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === "inbound-rtp") {
      if (s.kind === "audio") audioBytesIn += Number(s.bytesReceived ?? 0);
      if (s.kind === "video") videoBytesIn += Number(s.bytesReceived ?? 0);
      lost += Math.max(0, Number(s.packetsLost ?? 0));
      received += Number(s.packetsReceived ?? 0);
    }
    if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded" && typeof s.currentRoundTripTime === "number") {
      rttMs = Math.round(s.currentRoundTripTime * 1000);
    }
  });
  return { audioBytesIn, videoBytesIn, rttMs, loss: lost + received > 0 ? lost / (lost + received) : 0 };
}

export type Quality = "good" | "fair" | "poor" | "unknown";
export function qualityOf(s: PeerStats | undefined): Quality {
  if (!s || s.rttMs === undefined) return "unknown";
  if (s.rttMs > 400 || s.loss > 0.08) return "poor";
  if (s.rttMs > 150 || s.loss > 0.02) return "fair";
  return "good";
}
