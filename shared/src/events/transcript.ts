// A final transcript segment of a call, stored on the ticket's timeline. Interim segments are only
// pushed, never stored. The envelope carries the call and ticket; `actorId` is the speaking staff
// user (none for the customer). Names are not stored: the participant id resolves to one.
import { z } from "zod";
import { IdSchema } from "../ids.ts";

export const transcriptSpeakerKinds = ["technician", "supervisor", "admin", "customer"] as const;

export const transcriptEventData = {
  "call.transcript_segment": z
    .strictObject({
      participantId: IdSchema,
      speakerKind: z.enum(transcriptSpeakerKinds),
      text: z.string().min(1).max(10_000),
      /** Milliseconds of this speaker's audio stream. */
      startMs: z.number().int().min(0),
      endMs: z.number().int().min(0),
      /** Whispered to the technician: never shown to the customer. */
      staffOnly: z.boolean(),
    })
    .refine((d) => d.endMs >= d.startMs, { message: "endMs must not be before startMs", path: ["endMs"] }),
} as const;
