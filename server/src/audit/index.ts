// The audit trail: attachment views and downloads, message edits and deletions.
export { actorOf, audit, type AuditActor, type AuditRecord } from "./record.ts";
export { registerAuditRoutes } from "./routes.ts";
