import { CreateTicketBodySchema, PatchTicketBodySchema, TicketIdParamsSchema, TicketListQuerySchema } from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import { notFound, parseInput } from "../http/index.ts";
import type { TicketChange, TicketStore } from "./store.ts";

/** Told after a ticket change has committed, to fan it out (socket.io, later webhooks). */
export type TicketChangeListener = (orgId: string, change: TicketChange) => void;

export function registerTicketRoutes(router: Router, deps: { tickets: TicketStore; onChange: TicketChangeListener }): void {
  router.get("/api/tickets", async (req, res) => {
    const principal = requireStaff(req, "ticket:read");
    const filter = parseInput(TicketListQuerySchema, req.query, "query");
    res.json({ tickets: await deps.tickets.list(principal.orgId, filter) });
  });

  router.post("/api/tickets", async (req, res) => {
    const principal = requireStaff(req, "ticket:create");
    const body = parseInput(CreateTicketBodySchema, req.body, "ticket");
    const change = await deps.tickets.create(principal.orgId, principal.userId, body);
    deps.onChange(principal.orgId, change);
    res.status(201).json({ ticket: change.ticket });
  });

  router.get("/api/tickets/:id", async (req, res) => {
    const principal = requireStaff(req, "ticket:read");
    const { id } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
    const ticket = await deps.tickets.get(principal.orgId, id);
    if (!ticket) throw notFound("Ticket");
    res.json({ ticket });
  });

  router.patch("/api/tickets/:id", async (req, res) => {
    const principal = requireStaff(req, "ticket:update");
    const { id } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
    const patch = parseInput(PatchTicketBodySchema, req.body, "ticket");
    const change = await deps.tickets.update(principal.orgId, principal.userId, id, patch);
    if (!change) throw notFound("Ticket");
    if (change.events.length > 0) deps.onChange(principal.orgId, change);
    res.json({ ticket: change.ticket });
  });
}
