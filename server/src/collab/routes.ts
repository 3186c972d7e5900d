import { TicketIdParamsSchema } from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import { notFound, parseInput } from "../http/index.ts";
import type { TicketStore } from "../tickets/index.ts";
import type { CollabTokens } from "./tokens.ts";

export function registerCollabRoutes(router: Router, deps: { tickets: TicketStore; tokens: CollabTokens }): void {
  router.post("/api/tickets/:id/collab-token", async (req, res) => {
    const principal = requireStaff(req, "ticket:update");
    const { id } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
    if (!(await deps.tickets.get(principal.orgId, id))) throw notFound("Ticket");
    const { token, expiresAt } = deps.tokens.issue({ userId: principal.userId, orgId: principal.orgId, ticketId: id });
    res.json({ token, expiresAt: expiresAt.toISOString() });
  });
}
