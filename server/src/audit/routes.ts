// GET /api/audit: the organisation's audit trail, for admins.
import { AuditQuerySchema } from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import type { Db } from "../db/index.ts";
import { parseInput } from "../http/index.ts";
import { audit } from "./record.ts";

export function registerAuditRoutes(router: Router, deps: { db: Db }): void {
  router.get("/api/audit", async (req, res) => {
    const principal = requireStaff(req, "audit:read");
    const query = parseInput(AuditQuerySchema, req.query, "query");
    res.json({ entries: await audit.list(deps.db, principal.orgId, query) });
  });
}
