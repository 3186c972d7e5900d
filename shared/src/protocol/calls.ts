// Calls: the HTTP bodies and the socket.io signalling of the /calls namespace. One call per ticket at a
// time; everyone in it is a participant row whose id is also its peer id (LiveKit identity, mesh peer).
import { z } from "zod";
import type { Ack } from "../errors.ts";
import { IdSchema } from "../ids.ts";

export const callModes = ["participant", "monitor", "whisper", "barge"] as const;
export const CallModeSchema = z.enum(callModes);
export type CallMode = z.infer<typeof CallModeSchema>;
/** The modes only supervisors and admins may take, switchable live. */
export const supervisorModes = ["monitor", "whisper", "barge"] as const satisfies readonly CallMode[];
export const SupervisorModeSchema = z.enum(supervisorModes);

export const callTransports = ["livekit", "p2p"] as const;
export const CallTransportSchema = z.enum(callTransports);
export type CallTransport = z.infer<typeof CallTransportSchema>;

export const CallStatusSchema = z.enum(["active", "ended"]);
export type CallStatus = z.infer<typeof CallStatusSchema>;

/** The peer-to-peer mesh stops here: every peer sends its media to every other one. */
export const MESH_MAX_PARTICIPANTS = 4;

export const CallSchema = z.object({
  id: IdSchema,
  ticketId: IdSchema,
  status: CallStatusSchema,
  startedAt: z.string(),
  endedAt: z.string().nullable().optional(),
});
export type Call = z.infer<typeof CallSchema>;

export const IceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServerSchema>;

/** How to connect: a LiveKit url + token, or the mesh with its ICE servers. */
export const CallJoinSchema = z.object({
  transport: CallTransportSchema,
  /** This principal's participant (peer) id in the call. */
  participantId: IdSchema,
  mode: CallModeSchema,
  url: z.string().optional(),
  token: z.string().optional(),
  iceServers: z.array(IceServerSchema).optional(),
});
export type CallJoin = z.infer<typeof CallJoinSchema>;

export const StartCallResponseSchema = z.object({ call: CallSchema, join: CallJoinSchema });
export type StartCallResponse = z.infer<typeof StartCallResponseSchema>;

export const CallIdParamsSchema = z.strictObject({ id: IdSchema });
export const JoinCallBodySchema = z.strictObject({ mode: CallModeSchema.optional() });
export type JoinCallBody = z.infer<typeof JoinCallBodySchema>;
export const CallModeBodySchema = z.strictObject({ mode: SupervisorModeSchema });
export type CallModeBody = z.infer<typeof CallModeBodySchema>;

export const CallParticipantKindSchema = z.enum(["technician", "supervisor", "admin", "customer"]);
export type CallParticipantKind = z.infer<typeof CallParticipantKindSchema>;

/** A live call as the supervisor's list shows it. */
export const LiveCallSchema = z.object({
  id: IdSchema,
  ticketId: IdSchema,
  ticketNumber: z.number().int(),
  ticketTitle: z.string(),
  startedAt: z.string(),
  startedBy: IdSchema,
  participants: z.array(z.object({ id: IdSchema, kind: CallParticipantKindSchema, mode: CallModeSchema, name: z.string() })),
});
export type LiveCall = z.infer<typeof LiveCallSchema>;

// ---- signalling (socket.io namespace "/calls") ----

export const CallAttachSchema = z.strictObject({ callId: IdSchema });
export type CallAttach = z.infer<typeof CallAttachSchema>;

/**
 * One link of the mesh as one peer sees it: what it sends to the other peer, and whether it shows the
 * other peer at all. A monitoring or whispering supervisor is a link the customer sends media over but
 * never shows (no name, no kind).
 */
export const CallLinkSchema = z.object({
  peerId: IdSchema,
  /** Changes when the other peer reconnects: the old RTCPeerConnection is dropped. */
  epoch: z.string(),
  /** Perfect negotiation: the polite side yields on an offer collision. */
  polite: z.boolean(),
  sendAudio: z.boolean(),
  sendVideo: z.boolean(),
  visible: z.boolean(),
  kind: CallParticipantKindSchema.optional(),
  mode: CallModeSchema.optional(),
  name: z.string().optional(),
});
export type CallLink = z.infer<typeof CallLinkSchema>;

export const CallPlanSchema = z.object({
  callId: IdSchema,
  self: z.object({ peerId: IdSchema, mode: CallModeSchema, kind: CallParticipantKindSchema }),
  links: z.array(CallLinkSchema),
});
export type CallPlan = z.infer<typeof CallPlanSchema>;

const SessionDescriptionSchema = z.strictObject({ type: z.enum(["offer", "answer", "pranswer", "rollback"]), sdp: z.string().max(200_000).optional() });
const IceCandidateSchema = z.strictObject({
  candidate: z.string().max(2_000),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export const CallSignalSchema = z
  .strictObject({
    callId: IdSchema,
    to: IdSchema,
    description: SessionDescriptionSchema.optional(),
    candidate: IceCandidateSchema.nullable().optional(),
    /** The link's epoch from the sender's plan: a signal for a newer link than the receiver knows waits for its plan. */
    epoch: z.string().max(200).optional(),
  })
  .refine((s) => s.description !== undefined || s.candidate !== undefined, { message: "description or candidate is required" });
export type CallSignal = z.infer<typeof CallSignalSchema>;
export type CallSignalIn = { callId: string; from: string; description?: CallSignal["description"]; candidate?: CallSignal["candidate"]; epoch?: string };

export interface CallServerToClientEvents {
  /** This peer's view of the mesh, sent whenever somebody attaches, leaves or changes mode. */
  "call:plan": (plan: CallPlan) => void;
  "call:signal": (signal: CallSignalIn) => void;
  "call:ended": (payload: { callId: string }) => void;
}
export interface CallClientToServerEvents {
  /** Attach this socket to a call the principal has joined over HTTP; the ack is the first plan. */
  "call:attach": (payload: CallAttach, ack: (result: Ack<CallPlan>) => void) => void;
  "call:signal": (payload: CallSignal, ack?: (result: Ack<null>) => void) => void;
}
