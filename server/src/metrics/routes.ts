// HTTP adapters over the metrics service: parse, check, answer. Nothing here computes a figure.
import { CabinetQuerySchema, ExplainQuerySchema, MetricSettingsSchema, SummaryQuerySchema } from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import { parseInput } from "../http/index.ts";
import type { DirectoryStore } from "./directory.ts";
import type { MetricsService } from "./service.ts";

export function registerMetricsRoutes(router: Router, deps: { service: MetricsService; directory: DirectoryStore; onSettingsChanged(orgId: string): void }): void {
  router.get("/api/metrics/summary", async (req, res) => {
    const principal = requireStaff(req, "metrics:read:own");
    res.json(await deps.service.summary(principal, parseInput(SummaryQuerySchema, req.query, "query")));
  });

  router.get("/api/metrics/explain", async (req, res) => {
    const principal = requireStaff(req, "metrics:read:own");
    res.json(await deps.service.explain(principal, parseInput(ExplainQuerySchema, req.query, "query")));
  });

  router.get("/api/metrics/cabinet", async (req, res) => {
    const principal = requireStaff(req, "metrics:read:own");
    const { agentId } = parseInput(CabinetQuerySchema, req.query, "query");
    res.json(await deps.service.cabinet(principal, agentId));
  });

  // Everyone may read the targets and weights their figures are judged by.
  router.get("/api/metrics/settings", async (req, res) => {
    const principal = requireStaff(req, "metrics:read:own");
    res.json({ settings: (await deps.directory.get(principal.orgId)).settings });
  });

  router.put("/api/metrics/settings", async (req, res) => {
    const principal = requireStaff(req, "metrics:configure");
    const settings = parseInput(MetricSettingsSchema, req.body, "settings");
    await deps.directory.saveSettings(principal.orgId, principal.userId, settings);
    deps.onSettingsChanged(principal.orgId);
    res.json({ settings });
  });
}
