// socket.io adapters for the chat, on both namespaces. Staff choose a ticket's chat with chat:join
// (after the access check); a guest is in its one ticket's chat from the start. Every payload is
// parsed; a bad one acks validation_failed and costs nothing else.
import {
  ChatJoinSchema,
  ChatReadSchema,
  ChatSendPayloadSchema,
  ChatTypingSchema,
  type Ack,
  type ChatAuthor,
  type Message,
  type Principal,
  type ReadReceipt,
} from "@caseroom/shared";
import type { z } from "zod";
import { AppError, validationError } from "../http/index.ts";
import type { Logger } from "../log.ts";
import type { GuestSocket, Realtime } from "../realtime/index.ts";
import type { ChatPublisher, ChatService } from "./service.ts";

const chatRoom = (ticketId: string) => `chat:${ticketId}`;
/** A "typing" signal is passed on at most this often per socket and ticket; "stopped" always. */
const TYPING_EVERY_MS = 2_000;

export function socketPublisher(realtime: Realtime): ChatPublisher {
  return {
    message(message: Message) {
      realtime.io.to(chatRoom(message.ticketId)).emit("chat:message", { message });
      if (message.visibility === "public") realtime.guests.toTicket(message.ticketId).emit("chat:message", { message });
    },
    updated(message: Message) {
      realtime.io.to(chatRoom(message.ticketId)).emit("chat:updated", { message });
      if (message.visibility === "public") realtime.guests.toTicket(message.ticketId).emit("chat:updated", { message });
    },
    typing(ticketId: string, author: ChatAuthor, typing: boolean, publicToo: boolean) {
      realtime.io.to(chatRoom(ticketId)).emit("chat:typing", { ticketId, author, typing });
      if (publicToo) realtime.guests.toTicket(ticketId).emit("chat:typing", { ticketId, author, typing });
    },
    read(ticketId: string, receipt: ReadReceipt) {
      realtime.io.to(chatRoom(ticketId)).emit("chat:read", { ticketId, ...receipt });
      realtime.guests.toTicket(ticketId).emit("chat:read", { ticketId, ...receipt });
    },
  };
}

function parse<S extends z.ZodType>(schema: S, payload: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw validationError(where, parsed.error.issues);
  return parsed.data;
}

/** What the handlers need of a socket of either namespace. */
interface ChatSocket {
  on(event: string, handler: (...args: never[]) => void): unknown;
}

export function attachChatSockets(realtime: Realtime, chat: ChatService, log: Logger): void {
  const handlers = (socket: ChatSocket, principal: Principal, author: ChatAuthor, checked: Set<string>) => {
    const lastTyping = new Map<string, number>();

    // One send at a time per socket: messages a client sends in a row are stored in that order.
    let sending: Promise<void> = Promise.resolve();
    socket.on("chat:send", (payload: unknown, ack: unknown) => {
      sending = sending.then(() =>
        reply(ack, async () => {
          const { ticketId, message } = parse(ChatSendPayloadSchema, payload, "chat:send");
          const result = await chat.send(principal, ticketId, message, checked.has(ticketId));
          if (checked.size < 1000) checked.add(ticketId);
          return { message: result.message };
        }),
      );
    });
    socket.on("chat:read", (payload: unknown, ack: unknown) =>
      void reply(ack, async () => {
        const { ticketId, upToSeq } = parse(ChatReadSchema, payload, "chat:read");
        await chat.read(principal, ticketId, upToSeq);
        return null;
      }),
    );
    socket.on("chat:typing", (payload: unknown) =>
      void reply(undefined, async () => {
        const { ticketId, typing, visibility } = parse(ChatTypingSchema, payload, "chat:typing");
        const now = Date.now();
        if (typing && now - (lastTyping.get(ticketId) ?? 0) < TYPING_EVERY_MS) return;
        if (typing) lastTyping.set(ticketId, now);
        else lastTyping.delete(ticketId);
        if (lastTyping.size > 100) lastTyping.clear();
        await chat.typing(principal, ticketId, author, typing, visibility ?? "public");
      }),
    );
  };

  realtime.io.on("connection", (socket) => {
    const { principal, user } = socket.data;
    // Tickets this socket has proved access to (chat:join or a send): later sends skip the lookup.
    const checked = new Set<string>();
    handlers(socket as unknown as ChatSocket, principal, { kind: "staff", id: user.id, name: user.name }, checked);
    socket.on("chat:join", (payload, ack) =>
      void reply(ack, async () => {
        const { ticketId } = parse(ChatJoinSchema, payload, "chat:join");
        const result = await chat.join(principal, ticketId);
        await socket.join(chatRoom(ticketId));
        if (checked.size < 1000) checked.add(ticketId);
        return result;
      }),
    );
    socket.on("chat:leave", (payload, ack) =>
      void reply(ack, async () => {
        const { ticketId } = parse(ChatJoinSchema, payload, "chat:leave");
        await socket.leave(chatRoom(ticketId));
        return null;
      }),
    );
  });

  realtime.guests.onConnection((socket: GuestSocket) => {
    const { principal, guest } = socket.data;
    handlers(socket as unknown as ChatSocket, principal, { kind: "guest", id: guest.id, name: guest.name }, new Set());
  });

  async function reply<T>(ack: unknown, work: () => Promise<T>) {
    try {
      const data = await work();
      if (typeof ack === "function") (ack as (r: Ack<T>) => void)({ ok: true, data });
    } catch (err) {
      const error = err instanceof AppError ? err : new AppError("internal", "Internal error");
      if (error.code === "internal") log.error({ err }, "chat socket handler failed");
      if (typeof ack === "function") (ack as (r: Ack<never>) => void)({ ok: false, error: error.toWire() });
    }
  }
}
