import { EventsQuerySchema } from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import type { Db } from "../db/index.ts";
import { parseInput } from "../http/index.ts";
import { readEvents } from "./log.ts";

export function registerEventRoutes(router: Router, deps: { db: Db }): void {
  router.get("/api/events", async (req, res) => {
    const principal = requireStaff(req, "events:read");
    const query = parseInput(EventsQuerySchema, req.query, "query");
    res.json({ events: await readEvents(deps.db, principal.orgId, query.after, query.limit) });
  });
}
