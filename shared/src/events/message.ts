// Messages on a ticket, as far as the metrics need them: who wrote, and whether the customer saw it.
// The text itself stays with the chat; the log only says that a message was sent.
import { z } from "zod";
import { IdSchema } from "../ids.ts";

export const messageVisibilities = ["public", "internal"] as const;
export const MessageVisibilitySchema = z.enum(messageVisibilities);

export const messageAuthorKinds = ["staff", "customer", "ai"] as const;
export const MessageAuthorKindSchema = z.enum(messageAuthorKinds);

export const messageEventData = {
  "message.sent": z.strictObject({
    messageId: IdSchema,
    visibility: MessageVisibilitySchema,
    authorKind: MessageAuthorKindSchema,
  }),
} as const;
