// Live transcription over socket.io (namespace /transcript, staff and guests alike): microphone audio
// in as 16 kHz mono PCM16 frames, segments out. Staff in the call see every segment; the customer
// sees captions only while a technician has turned them on, and never a whispering supervisor's.
import { z } from "zod";
import type { Ack } from "../errors.ts";
import { IdSchema, IsoTimeSchema } from "../ids.ts";
import { transcriptSpeakerKinds } from "../events/transcript.ts";

export const TRANSCRIPT_NAMESPACE = "/transcript";
export const TRANSCRIPT_SAMPLE_RATE = 16_000;
/** At most half a second of audio per frame; the browser sends 40 ms frames. */
export const TRANSCRIPT_MAX_FRAME_BYTES = TRANSCRIPT_SAMPLE_RATE;

const pcmBytes = z.custom<Uint8Array | ArrayBuffer>((v) => v instanceof Uint8Array || v instanceof ArrayBuffer, "binary PCM16 audio");

export const TranscriptCallSchema = z.strictObject({ callId: IdSchema });
export const TranscriptAudioSchema = z.strictObject({ callId: IdSchema, pcm: pcmBytes });
export const TranscriptCaptionsSchema = z.strictObject({ callId: IdSchema, on: z.boolean() });
export const TranscriptCallParamsSchema = z.strictObject({ id: IdSchema });

export const TranscriptSegmentSchema = z.object({
  /** Stable for a final segment (its event id); interim segments of one utterance share none. */
  id: z.string(),
  callId: IdSchema,
  participantId: IdSchema,
  speakerKind: z.enum(transcriptSpeakerKinds),
  speakerName: z.string(),
  text: z.string(),
  isFinal: z.boolean(),
  startMs: z.number(),
  endMs: z.number(),
  /** When the segment was produced (final: stored). */
  at: IsoTimeSchema,
  staffOnly: z.boolean(),
});
export type TranscriptSegmentWire = z.infer<typeof TranscriptSegmentSchema>;

export const transcriptEngines = ["deepgram", "openai-compatible", "off"] as const;
export type TranscriptEngine = (typeof transcriptEngines)[number];

export interface LiveTranscriptStatus {
  engine: TranscriptEngine;
  /** Present when off: what an administrator sets to turn it on. */
  howToEnable?: string;
  captions: boolean;
}

export interface TranscriptJoined {
  status: LiveTranscriptStatus;
  /** Final segments so far (staff); empty for the customer. */
  segments: TranscriptSegmentWire[];
}

export interface TranscriptServerToClientEvents {
  "transcript:segment": (segment: TranscriptSegmentWire) => void;
  "transcript:captions": (payload: { callId: string; on: boolean }) => void;
  /** Audio refused or the engine in trouble; at most one a second per socket. */
  "transcript:error": (payload: { callId: string; error: { code: string; message: string } }) => void;
}

export interface TranscriptClientToServerEvents {
  "transcript:join": (payload: z.infer<typeof TranscriptCallSchema>, ack: (result: Ack<TranscriptJoined>) => void) => void;
  "transcript:leave": (payload: z.infer<typeof TranscriptCallSchema>, ack?: (result: Ack<null>) => void) => void;
  /** A frame of microphone audio; the ack is optional (the browser sends without one). */
  "transcript:audio": (payload: { callId: string; pcm: Uint8Array | ArrayBuffer }, ack?: (result: Ack<null>) => void) => void;
  "transcript:captions": (payload: z.infer<typeof TranscriptCaptionsSchema>, ack: (result: Ack<{ on: boolean }>) => void) => void;
}
