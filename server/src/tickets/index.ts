export { registerTicketRoutes, type TicketChangeListener } from "./routes.ts";
export { unknownAssignee } from "./store.ts";
export { ticketStore, type TicketChange, type TicketStore } from "./store.ts";
