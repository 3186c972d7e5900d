// HTTP for admins: provider keys, connection tests, routing, prices, budget and redaction settings
// of their own organisation. A provider is addressed by its name: one setting per provider.
import {
  AiProviderParamsSchema,
  AiTaskParamsSchema,
  CreateAiProviderBodySchema,
  PatchAiProviderBodySchema,
  PatchAiSettingsBodySchema,
  PutAiPricesBodySchema,
  PutAiRouteBodySchema,
  TestAiProviderBodySchema,
  type AiProvider,
} from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import { parseInput } from "../http/index.ts";
import type { AiAdminStore } from "./adminStore.ts";
import type { LlmGateway } from "./gateway.ts";

export function registerAiAdminRoutes(router: Router, deps: { gateway: LlmGateway; admin: AiAdminStore }): void {
  const { gateway, admin } = deps;
  const providerOf = async (orgId: string, provider: AiProvider) => (await admin.providers(orgId)).providers.find((p) => p.provider === provider);

  router.get("/api/admin/ai/providers", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    res.json(await admin.providers(principal.orgId));
  });

  router.post("/api/admin/ai/providers", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    const body = parseInput(CreateAiProviderBodySchema, req.body, "provider");
    await admin.addProvider(principal.orgId, principal.userId, body);
    req.log.info({ orgId: principal.orgId, provider: body.provider }, "llm provider key added");
    res.status(201).json({ provider: await providerOf(principal.orgId, body.provider) });
  });

  router.patch("/api/admin/ai/providers/:id", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    const { id } = parseInput(AiProviderParamsSchema, req.params, "provider");
    const body = parseInput(PatchAiProviderBodySchema, req.body, "provider");
    await admin.changeProvider(principal.orgId, principal.userId, id, body);
    req.log.info({ orgId: principal.orgId, provider: id, keyChanged: body.apiKey !== undefined }, "llm provider changed");
    res.json({ provider: await providerOf(principal.orgId, id) });
  });

  router.delete("/api/admin/ai/providers/:id", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    const { id } = parseInput(AiProviderParamsSchema, req.params, "provider");
    await admin.removeProvider(principal.orgId, id);
    req.log.info({ orgId: principal.orgId, provider: id }, "llm provider key removed");
    res.status(204).end();
  });

  router.post("/api/admin/ai/providers/:id/test", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    const { id } = parseInput(AiProviderParamsSchema, req.params, "provider");
    const body = parseInput(TestAiProviderBodySchema, req.body ?? {}, "connection test");
    res.json(await gateway.testProvider({ orgId: principal.orgId, userId: principal.userId, provider: id, model: body.model }));
  });

  router.get("/api/admin/ai/routing", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    res.json(await admin.routing(principal.orgId));
  });

  router.put("/api/admin/ai/routing/:task", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    const { task } = parseInput(AiTaskParamsSchema, req.params, "task");
    const { chain } = parseInput(PutAiRouteBodySchema, req.body, "route");
    await admin.setRoute(principal.orgId, task, chain);
    res.json({ route: (await admin.routing(principal.orgId)).routes.find((r) => r.task === task) });
  });

  router.get("/api/admin/ai/prices", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    res.json(await admin.prices(principal.orgId));
  });

  router.put("/api/admin/ai/prices", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    const body = parseInput(PutAiPricesBodySchema, req.body, "prices");
    await admin.setPrices(principal.orgId, body);
    res.json(await admin.prices(principal.orgId));
  });

  router.get("/api/admin/ai/settings", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    res.json({ settings: await admin.settings(principal.orgId) });
  });

  router.patch("/api/admin/ai/settings", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    const body = parseInput(PatchAiSettingsBodySchema, req.body, "settings");
    await admin.changeSettings(principal.orgId, body);
    res.json({ settings: await admin.settings(principal.orgId) });
  });
}
