// The integration API: what CRM and telephony systems send in. First piece: the event ingest.
export { ingestEvents } from "./ingest.ts";
export { ingestBodyParser, registerIngestRoutes } from "./routes.ts";
