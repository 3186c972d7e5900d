import { IngestBodySchema, type Ticket } from "@caseroom/shared";
import express, { type Express, type Router } from "express";
import { requireApiKey, type ApiKeyStore } from "../apikeys/index.ts";
import type { RateLimiter } from "../auth/index.ts";
import type { Db } from "../db/index.ts";
import { AppError, parseInput } from "../http/index.ts";
import { ingestEvents } from "./ingest.ts";

/** Requests per key per minute: a backfill sends batches of 1,000 back to back, a flood gets 429. */
const INGEST_LIMIT_PER_MINUTE = 6_000;

/**
 * A batch of 1,000 events is larger than the API's usual body limit; this parser runs first for this
 * one route (the general one then sees the body parsed and stands aside).
 */
export function ingestBodyParser(app: Express): void {
  app.use("/api/events", express.json({ limit: "4mb", strict: true }));
}

export function registerIngestRoutes(
  router: Router,
  deps: {
    db: Db;
    keys: ApiKeyStore;
    rateLimiter: RateLimiter;
    getTickets(orgId: string, ids: readonly string[]): Promise<Ticket[]>;
    onTicketCreated(orgId: string, ticket: Ticket): void;
    /** Told as soon as a batch is stored, so this node's metrics fold it without waiting for the NOTIFY round trip. */
    onCommitted?(): void;
  },
): void {
  router.post("/api/events", async (req, res) => {
    const key = await requireApiKey(req, deps.keys, "events:write");
    const verdict = await deps.rateLimiter.hit(`ingest:${key.keyId}`, INGEST_LIMIT_PER_MINUTE, 60_000);
    if (!verdict.allowed) throw new AppError("rate_limited", "Too many batches for this API key; slow down", undefined, verdict.retryAfterS);
    const body = parseInput(IngestBodySchema, req.body, "batch");
    const outcome = await ingestEvents(deps.db, key.orgId, body.events);
    if (outcome.accepted > 0) deps.onCommitted?.();
    req.log.info({ keyId: key.keyId, accepted: outcome.accepted, duplicates: outcome.duplicates }, "events ingested");
    // Live queues learn of the new tickets, all looked up in one query.
    for (const ticket of await deps.getTickets(key.orgId, outcome.createdTickets)) deps.onTicketCreated(key.orgId, ticket);
    res.json({ accepted: outcome.accepted, duplicates: outcome.duplicates });
  });
}
