// HTTP adapters for the chat (the same core as the sockets).
import {
  EditMessageBodySchema,
  MessageListQuerySchema,
  MessageParamsSchema,
  SendMessageBodySchema,
  TicketIdParamsSchema,
} from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import { notFound, parseInput } from "../http/index.ts";
import type { ChatService } from "./service.ts";
import type { MessageStore } from "./store.ts";

export function registerChatRoutes(router: Router, deps: { chat: ChatService; store: MessageStore }): void {
  const { chat } = deps;

  router.get("/api/tickets/:id/messages", async (req, res) => {
    const { id } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
    const query = parseInput(MessageListQuerySchema, req.query, "query");
    res.json(await chat.list(req.principal, id, query));
  });

  router.post("/api/tickets/:id/messages", async (req, res) => {
    const { id } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
    const body = parseInput(SendMessageBodySchema, req.body, "message");
    const { message, created } = await chat.send(req.principal, id, body);
    res.status(created ? 201 : 200).json({ message });
  });

  router.patch("/api/tickets/:id/messages/:messageId", async (req, res) => {
    const { id, messageId } = parseInput(MessageParamsSchema, req.params, "message id");
    const body = parseInput(EditMessageBodySchema, req.body, "message");
    res.json({ message: await chat.edit(req.principal, id, messageId, body) });
  });

  router.delete("/api/tickets/:id/messages/:messageId", async (req, res) => {
    const { id, messageId } = parseInput(MessageParamsSchema, req.params, "message id");
    res.json({ message: await chat.remove(req.principal, id, messageId) });
  });

  // The audit trail of one message (old texts of its edits and its deletion): admins only.
  router.get("/api/tickets/:id/messages/:messageId/revisions", async (req, res) => {
    const principal = requireStaff(req, "audit:read");
    const { id, messageId } = parseInput(MessageParamsSchema, req.params, "message id");
    if (!(await deps.store.get(principal.orgId, id, messageId))) throw notFound("Message");
    res.json({ revisions: await deps.store.revisions(principal.orgId, messageId) });
  });
}
