// The chat core, transport-free: access checks, the store, and publishing after commit. The HTTP
// routes and the socket handlers are thin adapters over it, so both paths behave the same.
import type { ChatAuthor, EditMessageBody, Message, MessageList, MessageListQuery, Principal, ReadReceipt, SendMessageBody } from "@caseroom/shared";
import { mayAccessTicket, type RequireTicketAccess } from "../invites/index.ts";
import type { MessageStore, SendResult } from "./store.ts";

/** Where chat news goes: staff of the ticket always, its guests only for public messages. */
export interface ChatPublisher {
  message(message: Message): void;
  updated(message: Message): void;
  typing(ticketId: string, author: ChatAuthor, typing: boolean, publicToo: boolean): void;
  read(ticketId: string, receipt: ReadReceipt): void;
}

export interface ChatServiceDeps {
  store: MessageStore;
  access: RequireTicketAccess;
  publish: ChatPublisher;
  editWindowMs: number;
}

export function chatService(deps: ChatServiceDeps) {
  const { store, access, publish } = deps;

  return {
    /**
     * `checkedTicket`: the caller (a socket) already proved this principal may reach this ticket
     * (chat:join, or an earlier send on the same socket), so the lookup is skipped; the role and
     * guest confinement are still checked, in memory.
     */
    async send(principal: Principal | undefined, ticketId: string, body: SendMessageBody, checkedTicket = false): Promise<SendResult> {
      const { orgId, principal: who } =
        checkedTicket && principal && mayAccessTicket(principal, principal.orgId, ticketId, "ticket:update")
          ? { orgId: principal.orgId, principal }
          : await access(principal, ticketId, "ticket:update");
      const result = await store.send(orgId, ticketId, who, body);
      // A resend is answered, not broadcast again: everyone got it the first time (or will catch up).
      if (result.created) publish.message(result.message);
      return result;
    },

    async list(principal: Principal | undefined, ticketId: string, query: MessageListQuery): Promise<MessageList> {
      const { orgId, principal: who } = await access(principal, ticketId);
      const page = await store.list(orgId, ticketId, who.kind === "guest", query);
      return { ...page, reads: await store.reads(ticketId) };
    },

    async edit(principal: Principal | undefined, ticketId: string, messageId: string, body: EditMessageBody): Promise<Message> {
      const { orgId, principal: who } = await access(principal, ticketId, "ticket:update");
      const message = await store.change(orgId, ticketId, messageId, who, { kind: "edit", text: body.text }, deps.editWindowMs);
      publish.updated(message);
      return message;
    },

    async remove(principal: Principal | undefined, ticketId: string, messageId: string): Promise<Message> {
      const { orgId, principal: who } = await access(principal, ticketId, "ticket:update");
      const message = await store.change(orgId, ticketId, messageId, who, { kind: "delete" }, deps.editWindowMs);
      publish.updated(message);
      return message;
    },

    async read(principal: Principal | undefined, ticketId: string, upToSeq: number): Promise<void> {
      const { orgId, principal: who } = await access(principal, ticketId);
      const receipt = await store.markRead(orgId, ticketId, who, upToSeq);
      if (receipt) publish.read(ticketId, receipt);
    },

    /**
     * An attachment changed outside the chat (a voice note's transcript arrived): the message that
     * carries it now (it may have been sent while the transcript was pending) goes out again.
     */
    async attachmentChanged(orgId: string, attachmentId: string): Promise<void> {
      const found = await store.messageOfAttachment(orgId, attachmentId);
      const message = found && (await store.get(orgId, found.ticketId, found.messageId));
      if (message) publish.updated(message);
    },

    /** Staff joining a ticket's chat on a socket: the access check, and where the chat is now. */
    async join(principal: Principal | undefined, ticketId: string): Promise<{ lastSeq: number }> {
      await access(principal, ticketId);
      return { lastSeq: await store.lastSeq(ticketId) };
    },

    async typing(principal: Principal | undefined, ticketId: string, author: ChatAuthor, typing: boolean, visibility: "public" | "internal"): Promise<void> {
      const { principal: who } = await access(principal, ticketId);
      publish.typing(ticketId, author, typing, who.kind === "guest" || visibility === "public");
    },
  };
}
export type ChatService = ReturnType<typeof chatService>;
