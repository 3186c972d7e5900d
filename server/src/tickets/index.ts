export { registerTicketRoutes, type TicketChangeListener } from "./routes.ts";
export { ticketStore, type TicketChange, type TicketStore } from "./store.ts";
