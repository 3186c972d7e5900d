import { ApiKeyIdParamsSchema, CreateApiKeyBodySchema } from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import { notFound, parseInput } from "../http/index.ts";
import type { ApiKeyStore } from "./store.ts";

export function registerApiKeyRoutes(router: Router, deps: { keys: ApiKeyStore }): void {
  router.post("/api/admin/api-keys", async (req, res) => {
    const principal = requireStaff(req, "apikeys:manage");
    const body = parseInput(CreateApiKeyBodySchema, req.body, "API key");
    const { key, apiKey } = await deps.keys.create(principal.orgId, principal.userId, body);
    req.log.info({ keyId: apiKey.id }, "api key created");
    res.status(201).json({ id: apiKey.id, key, apiKey });
  });

  router.get("/api/admin/api-keys", async (req, res) => {
    const principal = requireStaff(req, "apikeys:manage");
    res.json({ apiKeys: await deps.keys.list(principal.orgId) });
  });

  router.delete("/api/admin/api-keys/:id", async (req, res) => {
    const principal = requireStaff(req, "apikeys:manage");
    const { id } = parseInput(ApiKeyIdParamsSchema, req.params, "API key id");
    if (!(await deps.keys.revoke(principal.orgId, id))) throw notFound("API key");
    req.log.info({ keyId: id }, "api key revoked");
    res.status(204).end();
  });
}
