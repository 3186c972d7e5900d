// The chat of a ticket on the wire: messages, their HTTP bodies and the socket events (staff
// namespace and guest namespace). Text is a small markdown subset (chatMarkdown.ts), stored as
// sanitised source and rendered by the client into elements, never as HTML.
import { z } from "zod";
import type { Ack } from "../errors.ts";
import { IdSchema } from "../ids.ts";
import { MessageVisibilitySchema } from "../events/message.ts";
import { AttachmentSummarySchema } from "./attachments.ts";

export const CHAT_TEXT_MAX = 10_000;
export const CHAT_ATTACHMENTS_MAX = 10;
export const CHAT_PAGE_MAX = 200;

export const chatAuthorKinds = ["staff", "guest", "ai"] as const;
export const ChatAuthorSchema = z.object({
  kind: z.enum(chatAuthorKinds),
  /** The staff user's or the guest's id; null for the AI and for a guest whose record is gone. */
  id: IdSchema.nullable(),
  name: z.string(),
});
export type ChatAuthor = z.infer<typeof ChatAuthorSchema>;

export const MessageSchema = z.object({
  id: IdSchema,
  ticketId: IdSchema,
  /** Position in the ticket's chat: 1, 2, 3…, assigned when stored; the order everyone sees. */
  seq: z.number().int().positive(),
  author: ChatAuthorSchema,
  visibility: MessageVisibilitySchema,
  /** Empty once deleted. */
  text: z.string(),
  attachments: z.array(AttachmentSummarySchema),
  replyTo: IdSchema.nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
});
export type Message = z.infer<typeof MessageSchema>;

const TextSchema = z.string().max(CHAT_TEXT_MAX);

export const SendMessageBodySchema = z
  .strictObject({
    /** Client-generated: sending the same id again returns the stored message, never a second one. */
    id: IdSchema,
    text: TextSchema,
    visibility: MessageVisibilitySchema.optional(),
    replyTo: IdSchema.optional(),
    attachmentIds: z.array(IdSchema).max(CHAT_ATTACHMENTS_MAX).optional(),
  })
  .refine((b) => b.text.trim().length > 0 || (b.attachmentIds?.length ?? 0) > 0, { message: "a message needs text or an attachment", path: ["text"] });
export type SendMessageBody = z.infer<typeof SendMessageBodySchema>;

export const EditMessageBodySchema = z.strictObject({ text: TextSchema.refine((t) => t.trim().length > 0, "must not be empty") });
export type EditMessageBody = z.infer<typeof EditMessageBodySchema>;

export const MessageParamsSchema = z.strictObject({ id: IdSchema, messageId: IdSchema });

const SeqQuery = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const MessageListQuerySchema = z
  .strictObject({
    /** Older than this seq (scrolling back). */
    before: SeqQuery.optional(),
    /** Newer than this seq, oldest first (catching up after a reconnect). */
    after: SeqQuery.optional(),
    limit: z.coerce.number().int().min(1).max(CHAT_PAGE_MAX).default(50),
    /** Searches message text and voice-note transcripts. */
    q: z.string().trim().min(1).max(200).optional(),
  })
  .refine((q) => q.before === undefined || q.after === undefined, { message: "use before or after, not both", path: ["before"] });
export type MessageListQuery = z.infer<typeof MessageListQuerySchema>;

export const ReadReceiptSchema = z.object({
  participant: ChatAuthorSchema.omit({ kind: true }).extend({ kind: z.enum(["staff", "guest"]) }),
  upToSeq: z.number().int().nonnegative(),
});
export type ReadReceipt = z.infer<typeof ReadReceiptSchema>;

export const MessageListSchema = z.object({
  messages: z.array(MessageSchema),
  /** More messages exist in the direction asked for (older for before/latest, newer for after). */
  hasMore: z.boolean(),
  reads: z.array(ReadReceiptSchema),
});
export type MessageList = z.infer<typeof MessageListSchema>;

export const MessageRevisionSchema = z.object({
  id: z.string(),
  kind: z.enum(["edit", "delete"]),
  oldText: z.string(),
  changedBy: z.object({ kind: z.enum(["staff", "guest"]), id: IdSchema }),
  changedAt: z.string(),
});
export type MessageRevision = z.infer<typeof MessageRevisionSchema>;

// ---- socket events -------------------------------------------------------------------------------

export const ChatSendPayloadSchema = z
  .strictObject({ ticketId: IdSchema, message: SendMessageBodySchema })
  .describe("chat:send");
export type ChatSendPayload = z.infer<typeof ChatSendPayloadSchema>;

export const ChatJoinSchema = z.strictObject({ ticketId: IdSchema });
/** `visibility: "internal"` (staff writing a note): the customer is not told. */
export const ChatTypingSchema = z.strictObject({ ticketId: IdSchema, typing: z.boolean(), visibility: MessageVisibilitySchema.optional() });
export const ChatReadSchema = z.strictObject({ ticketId: IdSchema, upToSeq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) });

export interface ChatTyping {
  ticketId: string;
  author: ChatAuthor;
  typing: boolean;
}

/** Events of the chat that both namespaces carry (a guest gets public messages only). */
export interface ChatServerToClientEvents {
  "chat:message": (payload: { message: Message }) => void;
  /** An edit or a deletion: the message as it now is. */
  "chat:updated": (payload: { message: Message }) => void;
  "chat:typing": (payload: ChatTyping) => void;
  "chat:read": (payload: { ticketId: string } & ReadReceipt) => void;
}

export interface ChatClientToServerEvents {
  /** Staff: start receiving a ticket's chat (guests are in their ticket's chat from the start). Acks the last seq. */
  "chat:join": (payload: { ticketId: string }, ack: (result: Ack<{ lastSeq: number }>) => void) => void;
  "chat:leave": (payload: { ticketId: string }, ack: (result: Ack<null>) => void) => void;
  /** Acks once the message is stored; a resend with the same id acks the stored message. */
  "chat:send": (payload: ChatSendPayload, ack: (result: Ack<{ message: Message }>) => void) => void;
  "chat:typing": (payload: { ticketId: string; typing: boolean; visibility?: "public" | "internal" }) => void;
  "chat:read": (payload: { ticketId: string; upToSeq: number }, ack: (result: Ack<null>) => void) => void;
}
