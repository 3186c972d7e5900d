import { AgentStatusBodySchema } from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import { parseInput } from "../http/index.ts";
import type { AgentStatusStore, StatusChange } from "./store.ts";

export function registerAgentRoutes(router: Router, deps: { store: AgentStatusStore; onChange(change: StatusChange): void }): void {
  router.get("/api/me/status", async (req, res) => {
    const principal = requireStaff(req, "agent:status");
    res.json(await deps.store.get(principal.userId));
  });

  router.put("/api/me/status", async (req, res) => {
    const principal = requireStaff(req, "agent:status");
    const { status } = parseInput(AgentStatusBodySchema, req.body, "status");
    const change = await deps.store.set(principal.orgId, principal.userId, status);
    if (change) deps.onChange(change);
    res.json(change?.status ?? (await deps.store.get(principal.userId)));
  });
}
