// What admins change: provider keys, routing, prices, budget and redaction. Every change is announced
// to the configuration caches of all nodes. Keys go in sealed and never come out.
import {
  aiProviders,
  aiTasks,
  type AiPricesResponse,
  type AiProvider,
  type AiProvidersResponse,
  type AiRouteTarget,
  type AiRoutingResponse,
  type AiSettings,
  type AiTask,
  type CreateAiProviderBody,
  type PatchAiProviderBody,
  type PatchAiSettingsBody,
  type PutAiPricesBody,
} from "@caseroom/shared";
import type { Db } from "../db/index.ts";
import { AppError, notFound, validationError } from "../http/index.ts";
import { defaultModels, defaultPrices } from "./catalog.ts";
import type { LlmGateway } from "./gateway.ts";
import { priceKey, routeFor, sealContext } from "./orgConfig.ts";
import { checkPattern } from "./patterns.ts";
import { keyHint } from "./secrets.ts";

export interface AiAdminStore {
  providers(orgId: string): Promise<AiProvidersResponse>;
  addProvider(orgId: string, userId: string, body: CreateAiProviderBody): Promise<void>;
  changeProvider(orgId: string, userId: string, provider: AiProvider, body: PatchAiProviderBody): Promise<void>;
  removeProvider(orgId: string, provider: AiProvider): Promise<void>;
  routing(orgId: string): Promise<AiRoutingResponse>;
  setRoute(orgId: string, task: AiTask, chain: AiRouteTarget[] | null): Promise<void>;
  prices(orgId: string): Promise<AiPricesResponse>;
  setPrices(orgId: string, body: PutAiPricesBody): Promise<void>;
  settings(orgId: string): Promise<AiSettings>;
  changeSettings(orgId: string, body: PatchAiSettingsBody): Promise<void>;
}

const builtInPrices = new Map(defaultPrices.map((p) => [priceKey(p.provider, p.model), p]));

export function aiAdminStore(db: Db, gateway: LlmGateway, options: { httpsOnly: boolean }): AiAdminStore {
  const changed = (orgId: string) => gateway.orgConfig.changed(orgId);

  const checkBaseUrl = (baseUrl: string | null | undefined) => {
    if (baseUrl && options.httpsOnly && !baseUrl.startsWith("https://")) {
      throw validationError("provider", [{ code: "custom", path: ["baseUrl"], message: "must be an https address", input: baseUrl }]);
    }
  };
  const seal = (orgId: string, provider: AiProvider, apiKey: string) => {
    if (!gateway.box) throw new AppError("unavailable", "This server cannot store provider keys: set SECRETS_KEY", { reason: "no_secrets_key" });
    return gateway.box.seal(apiKey, sealContext(orgId, provider));
  };

  return {
    async providers(orgId) {
      const config = await gateway.orgConfig.get(orgId);
      return {
        canStoreKeys: Boolean(gateway.box),
        providers: aiProviders.map((provider) => {
          const row = config.rows.find((r) => r.provider === provider);
          const source = row ? "organization" : config.reachable.has(provider) ? "environment" : "none";
          return {
            provider,
            source,
            hasKey: source !== "none",
            keyHint: row?.key_hint ?? null,
            baseUrl: row?.base_url ?? null,
            defaultModel: defaultModels[provider],
            updatedAt: row ? new Date(row.updated_at).toISOString() : null,
            keyUnreadable: config.unreadable.has(provider),
          };
        }),
      };
    },

    async addProvider(orgId, userId, body) {
      checkBaseUrl(body.baseUrl);
      const sealed = seal(orgId, body.provider, body.apiKey);
      const inserted = await db.query(
        `insert into ai_providers (org_id, provider, api_key_sealed, key_hint, base_url, updated_by) values ($1, $2, $3, $4, $5, $6)
         on conflict (org_id, provider) do nothing returning provider`,
        [orgId, body.provider, sealed, keyHint(body.apiKey), body.baseUrl ?? null, userId],
      );
      if (inserted.length === 0) throw new AppError("conflict", "This provider is configured already: change or remove it", { provider: body.provider });
      await changed(orgId);
    },

    async changeProvider(orgId, userId, provider, body) {
      checkBaseUrl(body.baseUrl);
      const sets: string[] = ["updated_at = now()", "updated_by = $3"];
      const params: unknown[] = [orgId, provider, userId];
      if (body.apiKey !== undefined) {
        params.push(seal(orgId, provider, body.apiKey), keyHint(body.apiKey));
        sets.push(`api_key_sealed = $${params.length - 1}`, `key_hint = $${params.length}`);
      }
      if (body.baseUrl !== undefined) {
        params.push(body.baseUrl);
        sets.push(`base_url = $${params.length}`);
      }
      const updated = await db.query(`update ai_providers set ${sets.join(", ")} where org_id = $1 and provider = $2 returning provider`, params);
      if (updated.length === 0) throw notFound("Provider setting");
      await changed(orgId);
    },

    async removeProvider(orgId, provider) {
      const deleted = await db.query("delete from ai_providers where org_id = $1 and provider = $2 returning provider", [orgId, provider]);
      if (deleted.length === 0) throw notFound("Provider setting");
      await changed(orgId);
    },

    async routing(orgId) {
      const config = await gateway.orgConfig.get(orgId);
      return { routes: aiTasks.map((task) => ({ task, chain: routeFor(config, task), custom: config.customRoutes.has(task) })) };
    },

    async setRoute(orgId, task, chain) {
      if (chain) {
        await db.query(
          `insert into ai_routes (org_id, task, chain) values ($1, $2, $3::jsonb)
           on conflict (org_id, task) do update set chain = excluded.chain, updated_at = now()`,
          [orgId, task, JSON.stringify(chain)],
        );
      } else {
        await db.query("delete from ai_routes where org_id = $1 and task = $2", [orgId, task]);
      }
      await changed(orgId);
    },

    async prices(orgId) {
      const config = await gateway.orgConfig.get(orgId);
      const prices = [...config.prices.values()]
        .map((p) => {
          const builtIn = builtInPrices.get(priceKey(p.provider, p.model));
          return {
            ...p,
            builtIn: builtIn ? { inputMicroUsdPerMTok: builtIn.inputMicroUsdPerMTok, outputMicroUsdPerMTok: builtIn.outputMicroUsdPerMTok, requestMicroUsd: builtIn.requestMicroUsd } : null,
          };
        })
        .sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
      return { prices };
    },

    async setPrices(orgId, body) {
      await db.transaction(async (tx) => {
        await tx.query("delete from ai_prices where org_id = $1", [orgId]);
        if (body.prices.length === 0) return;
        const params = body.prices.flatMap((p) => [orgId, p.provider, p.model, p.inputMicroUsdPerMTok, p.outputMicroUsdPerMTok, p.requestMicroUsd]);
        const values = body.prices.map((_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`);
        await tx.query(
          `insert into ai_prices (org_id, provider, model, input_micro_usd_per_mtok, output_micro_usd_per_mtok, request_micro_usd) values ${values.join(", ")}`,
          params,
        );
      });
      await changed(orgId);
    },

    async settings(orgId) {
      const config = await gateway.orgConfig.get(orgId);
      return { monthlyBudgetMicroUsd: config.monthlyBudgetMicroUsd, redaction: { ...config.redactionSettings, card: true } };
    },

    async changeSettings(orgId, body) {
      const patterns = body.redaction?.patterns;
      patterns?.forEach((pattern, i) => {
        const check = checkPattern(pattern);
        if (!check.ok) {
          throw validationError("settings", [{ code: "custom", path: ["redaction", "patterns", i, "pattern"], message: check.reason, input: pattern.pattern }]);
        }
      });
      const r = body.redaction ?? {};
      const budgetGiven = body.monthlyBudgetMicroUsd !== undefined;
      // A new budget may be exceeded again this month: the event is then written again.
      await db.query(
        `insert into ai_settings (org_id, monthly_budget_micro_usd, redact_email, redact_phone, redact_iban, redaction_patterns)
         values ($1, $2, coalesce($3, true), coalesce($4, true), coalesce($5, true), coalesce($6::jsonb, '[]'))
         on conflict (org_id) do update set
           monthly_budget_micro_usd = case when $7 then excluded.monthly_budget_micro_usd else ai_settings.monthly_budget_micro_usd end,
           budget_notified_period = case when $7 then null else ai_settings.budget_notified_period end,
           redact_email = coalesce($3, ai_settings.redact_email),
           redact_phone = coalesce($4, ai_settings.redact_phone),
           redact_iban = coalesce($5, ai_settings.redact_iban),
           redaction_patterns = coalesce($6::jsonb, ai_settings.redaction_patterns),
           updated_at = now()`,
        [orgId, body.monthlyBudgetMicroUsd ?? null, r.email ?? null, r.phone ?? null, r.iban ?? null, patterns ? JSON.stringify(patterns) : null, budgetGiven],
      );
      if (budgetGiven) gateway.budget.forget(orgId);
      await changed(orgId);
    },
  };
}
