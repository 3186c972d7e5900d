// Chat clients for tests: staff sockets that joined a ticket's chat, and message bookkeeping.
import { randomUUID } from "node:crypto";
import type { Message } from "@caseroom/shared";
import type { GuestSocket } from "./guests.ts";
import type { ApiClient } from "./server.ts";
import { connectSocket, type ClientSocket } from "./sockets.ts";

/** A staff socket in the ticket's chat, recording every chat:message it receives. */
export async function staffChat(url: string, client: ApiClient, ticketId: string, options: { reconnection?: boolean } = {}) {
  const received: Message[] = [];
  const socket = await connectSocket(url, client.cookie, { listen: (s) => s.on("chat:message", ({ message }) => received.push(message)) });
  if (options.reconnection) Object.assign(socket.io.opts, { reconnection: true });
  const ack = await socket.timeout(5000).emitWithAck("chat:join", { ticketId });
  if (!ack.ok) throw new Error(`chat:join failed: ${JSON.stringify(ack.error)}`);
  return { socket, received, lastSeq: ack.data.lastSeq };
}

/** Records chat:message on a guest socket. */
export function recordGuestMessages(socket: GuestSocket): Message[] {
  const received: Message[] = [];
  socket.on("chat:message", ({ message }) => received.push(message));
  return received;
}

export const newMessage = (text: string, extra: Record<string, unknown> = {}) => ({ id: randomUUID(), text, ...extra });

export async function sendOnSocket(socket: ClientSocket | GuestSocket, ticketId: string, message: { id: string; text: string; visibility?: "public" | "internal" }) {
  const ack = await (socket as ClientSocket).timeout(5000).emitWithAck("chat:send", { ticketId, message });
  if (!ack.ok) throw new Error(`chat:send failed: ${JSON.stringify(ack.error)}`);
  return ack.data.message;
}

export const seqs = (messages: readonly Message[]) => messages.map((m) => m.seq);
export const bySeq = (messages: readonly Message[]) => [...messages].sort((a, b) => a.seq - b.seq);
