// The socket.io event maps, typed from the schemas. Names are `entity:verb`.
import { z } from "zod";
import type { Ack } from "../errors.ts";
import { IdSchema } from "../ids.ts";
import type { StaffMember } from "./auth.ts";
import type { ChatClientToServerEvents, ChatServerToClientEvents } from "./chat.ts";
import type { AgentStatus, MetricsSubscribe, Wallboard } from "./metrics.ts";
import type { Ticket } from "./tickets.ts";

export const TicketWatchSchema = z.strictObject({ ticketId: IdSchema });
export type TicketWatch = z.infer<typeof TicketWatchSchema>;

export type OnlineUser = StaffMember;

export interface ServerToClientEvents extends ChatServerToClientEvents {
  /** A ticket was created or changed; carries the ticket as it now is. */
  "ticket:changed": (payload: { ticket: Ticket; eventTypes: string[]; actorId: string | null }) => void;
  /** Everyone of the organisation who has at least one live connection. */
  "presence:online": (payload: { users: OnlineUser[] }) => void;
  /** Who is looking at one ticket right now. */
  "ticket:viewers": (payload: { ticketId: string; users: OnlineUser[] }) => void;
  /** A wallboard's figures changed (batched: at most a few per second per room). */
  "metrics:update": (payload: Wallboard) => void;
  /** My own agent state changed (another tab, logout elsewhere, or offline after a minute away). */
  "agent:status": (payload: AgentStatus) => void;
}

export interface ClientToServerEvents extends ChatClientToServerEvents {
  "ticket:watch": (payload: TicketWatch, ack: (result: Ack<{ users: OnlineUser[] }>) => void) => void;
  "ticket:unwatch": (payload: TicketWatch, ack: (result: Ack<null>) => void) => void;
  /** Supervisors and admins: join a wallboard room; the ack carries the current figures. */
  "metrics:subscribe": (payload: MetricsSubscribe, ack: (result: Ack<Wallboard>) => void) => void;
  "metrics:unsubscribe": (payload: MetricsSubscribe, ack: (result: Ack<null>) => void) => void;
}
