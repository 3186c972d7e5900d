// Customer invite links and guest sessions (the chat and the calls both let a guest in this way).
import { z } from "zod";
import type { Ack } from "../errors.ts";
import type { ChatClientToServerEvents, ChatServerToClientEvents } from "./chat.ts";
import { IdSchema } from "../ids.ts";

/** Bounds of an invite's life: at least 5 minutes, at most 30 days; 24 hours when not given. */
export const INVITE_DEFAULT_TTL_S = 24 * 60 * 60;
export const INVITE_MIN_TTL_S = 5 * 60;
export const INVITE_MAX_TTL_S = 30 * 24 * 60 * 60;

export const CreateInviteBodySchema = z.strictObject({
  expiresInS: z.number().int().min(INVITE_MIN_TTL_S).max(INVITE_MAX_TTL_S).optional(),
});
export type CreateInviteBody = z.infer<typeof CreateInviteBodySchema>;

export const InviteSchema = z.object({
  id: IdSchema,
  ticketId: IdSchema,
  url: z.string(),
  expiresAt: z.string(),
});
export type Invite = z.infer<typeof InviteSchema>;

export const InviteIdParamsSchema = z.strictObject({ id: IdSchema });

export const GuestNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(80)
  // No control or bidirectional-override characters: a name is shown to staff verbatim.
  .regex(/^[^\p{Cc}\u202a-\u202e\u2066-\u2069]+$/u, "contains control characters");

export const AcceptInviteBodySchema = z.strictObject({
  token: z.string().min(1).max(1024),
  name: GuestNameSchema,
});
export type AcceptInviteBody = z.infer<typeof AcceptInviteBodySchema>;

export const GuestSchema = z.object({
  id: IdSchema,
  name: z.string(),
  ticketId: IdSchema,
});
export type Guest = z.infer<typeof GuestSchema>;

/** What a guest may know about its own ticket (GET /api/guest/me). */
export const GuestMeSchema = z.object({
  guest: GuestSchema,
  ticket: z.object({ id: IdSchema, number: z.number().int() }),
  org: z.object({ name: z.string(), locale: z.string() }),
  expiresAt: z.string(),
});
export type GuestMe = z.infer<typeof GuestMeSchema>;

/** Why an invite token was refused: the join page says which, so the customer knows what to ask for. */
export const inviteRefusals = ["invalid", "expired", "revoked"] as const;
export type InviteRefusal = (typeof inviteRefusals)[number];

/** Why the server ended a guest's socket (sent just before it disconnects). */
export const GuestEndedSchema = z.object({ reason: z.enum(["revoked", "expired", "logged_out"]) });
export type GuestEnded = z.infer<typeof GuestEndedSchema>;

/**
 * The guest namespace ("/guest") of socket.io: what a customer's socket may receive and send. Chat
 * and calls add their guest-facing events here; nothing of the staff namespace is ever in it.
 */
export interface GuestServerToClientEvents extends ChatServerToClientEvents {
  /** The server is about to close this guest's socket for good. */
  "guest:ended": (payload: GuestEnded) => void;
}
export interface GuestClientToServerEvents extends Omit<ChatClientToServerEvents, "chat:join" | "chat:leave"> {
  /** Who this socket is: the page uses it after a reconnect; tests use it as a round trip. */
  "guest:whoami": (ack: (result: Ack<{ guest: Guest }>) => void) => void;
}
