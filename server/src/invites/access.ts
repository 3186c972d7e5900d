// "May this principal see ticket X?" in one place, for every module that serves a ticket to both
// staff and guests (chat, attachments, calls). Staff: the ticket is in their organisation and their
// role holds the permission. Guest: it is the one ticket of their invite. Anything else on another
// organisation's or another ticket is 404, never 403, so ids leak nothing.
import { can, type Permission, type Principal, type Ticket } from "@caseroom/shared";
import type { StaffPrincipal } from "../auth/index.ts";
import { AppError, notFound } from "../http/index.ts";
import type { TicketStore } from "../tickets/index.ts";

export type GuestPrincipal = Extract<Principal, { kind: "guest" }>;

export interface TicketAccess {
  ticket: Ticket;
  orgId: string;
  principal: StaffPrincipal | GuestPrincipal;
}

/** Whether the principal may reach the ticket at all, without loading it (cheap, for socket fan-out checks). */
export function mayAccessTicket(principal: Principal | undefined, orgId: string, ticketId: string, permission: Permission = "ticket:read"): boolean {
  if (!principal || principal.orgId !== orgId) return false;
  if (principal.kind === "guest") return principal.ticketId === ticketId;
  return can(principal, permission);
}

export function ticketAccess(tickets: Pick<TicketStore, "get">) {
  /**
   * The ticket, or 401 (no session), 403 (staff without the permission), 404 (not theirs).
   * `staffPermission` applies to staff; guests may always read their own ticket's public side.
   */
  return async function requireTicketAccess(principal: Principal | undefined, ticketId: string, staffPermission: Permission = "ticket:read"): Promise<TicketAccess> {
    if (!principal) throw new AppError("unauthenticated", "Log in first");
    if (principal.kind === "user" && !can(principal, staffPermission)) throw new AppError("forbidden", "You are not allowed to do this");
    if (principal.kind === "guest" && principal.ticketId !== ticketId) throw notFound("Ticket");
    const ticket = await tickets.get(principal.orgId, ticketId);
    if (!ticket) throw notFound("Ticket");
    return { ticket, orgId: principal.orgId, principal };
  };
}
export type RequireTicketAccess = ReturnType<typeof ticketAccess>;

/** The request's guest principal, or 401/403. */
export function requireGuest(req: { principal?: Principal }): GuestPrincipal {
  if (!req.principal) throw new AppError("unauthenticated", "Open your invite link first");
  if (req.principal.kind !== "guest") throw new AppError("forbidden", "Only for guests");
  return req.principal;
}
