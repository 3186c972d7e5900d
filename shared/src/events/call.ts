// Calls, from the telephony system or Caseroom's own call panel. The envelope carries what matters:
// `callId` ties start and end together, `actorId` of `call.started` is the technician on the call.
import { z } from "zod";

export const callEventData = {
  "call.started": z.strictObject({}),
  "call.ended": z.strictObject({}),
} as const;
