// Calls, from the telephony system or Caseroom's own call panel. The envelope carries what matters:
// `callId` ties start and end together, `actorId` is the technician on the call for all four types
// (handle time is theirs), and the participant events name who came or went in `data`.
import { z } from "zod";
import { IdSchema } from "../ids.ts";

const participant = z.strictObject({
  participantId: IdSchema,
  principal: z.enum(["user", "guest"]),
  /** The user's or guest's id; ids only, never names. */
  principalId: IdSchema,
  mode: z.enum(["participant", "monitor", "whisper", "barge"]),
});

export const callEventData = {
  "call.started": z.strictObject({ transport: z.enum(["livekit", "p2p", "external"]).optional() }),
  "call.participant_joined": participant,
  "call.participant_left": participant,
  "call.ended": z.strictObject({ reason: z.enum(["ended", "room_finished"]).optional() }),
} as const;
