// The chat of each ticket: messages with client ids, per-ticket order, edits within a window,
// read receipts and typing, over HTTP and socket.io (staff and guest namespaces).
import type { Router } from "express";
import type { Db } from "../db/index.ts";
import type { RequireTicketAccess } from "../invites/index.ts";
import type { Logger } from "../log.ts";
import type { Realtime } from "../realtime/index.ts";
import { registerChatRoutes } from "./routes.ts";
import { chatService } from "./service.ts";
import { attachChatSockets, socketPublisher } from "./socket.ts";
import { messageStore } from "./store.ts";

export { chatService, type ChatPublisher, type ChatService } from "./service.ts";
export { messageStore, type MessageStore } from "./store.ts";

export interface ChatDeps {
  db: Db;
  log: Logger;
  access: RequireTicketAccess;
  editWindowMs: number;
}

export function registerChat(router: Router, realtime: Realtime, deps: ChatDeps) {
  const store = messageStore(deps.db);
  const chat = chatService({ store, access: deps.access, publish: socketPublisher(realtime), editWindowMs: deps.editWindowMs });
  registerChatRoutes(router, { chat, store });
  attachChatSockets(realtime, chat, deps.log);
  return chat;
}
