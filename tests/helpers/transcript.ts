// socket.io clients on the /transcript namespace, for staff and guests alike.
import type { TranscriptClientToServerEvents, TranscriptSegmentWire, TranscriptServerToClientEvents } from "@caseroom/shared";
import type { Socket } from "socket.io-client";
import { connectSocket } from "./sockets.ts";

export type TranscriptSocket = Socket<TranscriptServerToClientEvents, TranscriptClientToServerEvents>;

export interface TranscriptClient {
  socket: TranscriptSocket;
  segments: TranscriptSegmentWire[];
  errors: { callId: string; error: { code: string; message: string } }[];
  captions: { callId: string; on: boolean }[];
  /** When each segment arrived (performance.now()), by id: for latency measurements. */
  arrivals: Map<string, number>;
  finals(): TranscriptSegmentWire[];
}

export async function connectTranscript(url: string, cookie: string | undefined): Promise<TranscriptClient> {
  const client = { segments: [], errors: [], captions: [], arrivals: new Map() } as unknown as TranscriptClient;
  client.socket = (await connectSocket(`${url}/transcript`, cookie, {
    listen: (s) => {
      const t = s as unknown as TranscriptSocket;
      t.on("transcript:segment", (seg) => {
        client.arrivals.set(seg.id, performance.now());
        client.segments.push(seg);
      });
      t.on("transcript:error", (e) => client.errors.push(e));
      t.on("transcript:captions", (c) => client.captions.push(c));
    },
  })) as unknown as TranscriptSocket;
  client.finals = () => client.segments.filter((s) => s.isFinal);
  return client;
}

export const joinTranscript = (t: TranscriptClient, callId: string) => t.socket.timeout(5000).emitWithAck("transcript:join", { callId });
export const sendAudio = (t: TranscriptClient, callId: string, pcm: Uint8Array) => t.socket.timeout(5000).emitWithAck("transcript:audio", { callId, pcm });

/** Streams PCM in 40 ms frames at real-time pace (the server refuses much faster), without acks, as the browser does. */
export async function streamAudio(t: TranscriptClient, callId: string, pcm: Uint8Array, { speedup = 1.25 } = {}): Promise<void> {
  const frame = 1280;
  const started = performance.now();
  for (let off = 0, n = 0; off < pcm.byteLength; off += frame, n++) {
    t.socket.emit("transcript:audio", { callId, pcm: pcm.slice(off, Math.min(pcm.byteLength, off + frame)) });
    const wait = started + ((n + 1) * 40) / speedup - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
