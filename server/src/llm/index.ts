// The LLM gateway: one interface over Claude, Gemini, OpenAI, DeepSeek and Perplexity with streaming,
// fallback, accounting, budgets and redaction. This file is the folder's public face.
import type { Router } from "express";
import type { Db } from "../db/index.ts";
import { aiAdminStore } from "./adminStore.ts";
import { registerAiAdminRoutes } from "./adminRoutes.ts";
import type { LlmGateway } from "./gateway.ts";
import { registerCompletionRoutes } from "./routes.ts";

export { createLlmGateway, type CompletionRequest, type LlmGateway, type LlmGatewayDeps, type PreparedCompletion } from "./gateway.ts";
export { CompletionCancelled, type GatewayEvent } from "./runner.ts";
export { checkPattern } from "./patterns.ts";
export { Redaction, redactionRules } from "./redaction.ts";

export interface AiRouteDeps {
  db: Db;
  gateway: LlmGateway;
  /** Provider addresses set by organisations must be https (production). */
  httpsOnly: boolean;
}

/** Registers /api/ai/* for staff and /api/admin/ai/* for admins. */
export function registerAiRoutes(router: Router, deps: AiRouteDeps): void {
  registerCompletionRoutes(router, { gateway: deps.gateway });
  registerAiAdminRoutes(router, { gateway: deps.gateway, admin: aiAdminStore(deps.db, deps.gateway, { httpsOnly: deps.httpsOnly }) });
}
