// Customer invite links, guests and the shared ticket-access check.
export { mayAccessTicket, requireGuest, ticketAccess, type GuestPrincipal, type RequireTicketAccess, type TicketAccess } from "./access.ts";
export { registerInviteRoutes, type InviteRouteDeps } from "./routes.ts";
export { inviteStore, type GuestRecord, type InviteStore, type StoredInvite } from "./store.ts";
export { hashInviteToken, inviteTokens, type InviteTokens } from "./tokens.ts";
