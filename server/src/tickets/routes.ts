import {
  CreateTicketBodySchema,
  PatchTicketBodySchema,
  TicketIdParamsSchema,
  TicketListQuerySchema,
  type PatchTicketBody,
} from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import { notFound, parseInput } from "../http/index.ts";
import { unknownAssignee, type TicketChange, type TicketStore } from "./store.ts";

/** Told after a ticket change has committed, to fan it out (socket.io, later webhooks). */
export type TicketChangeListener = (orgId: string, change: TicketChange) => void;

export interface TicketRouteDeps {
  tickets: TicketStore;
  onChange: TicketChangeListener;
  /** Applies a patch to the ticket's shared document; the row follows by projection. */
  applyPatch(orgId: string, actorId: string, ticketId: string, patch: PatchTicketBody): Promise<void>;
  isStaff(orgId: string, userId: string): Promise<boolean>;
}

export function registerTicketRoutes(router: Router, deps: TicketRouteDeps): void {
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
    if (!(await deps.tickets.get(principal.orgId, id))) throw notFound("Ticket");
    // Checked here, before the document is touched: a bad patch changes nothing anywhere.
    if (patch.assigneeId && !(await deps.isStaff(principal.orgId, patch.assigneeId))) throw unknownAssignee();
    await deps.applyPatch(principal.orgId, principal.userId, id, patch);
    res.json({ ticket: await deps.tickets.get(principal.orgId, id) });
  });
}
