// An organisation's effective LLM configuration: which providers it can reach with which key, its
// routing, prices, budget and redaction rules. Read once and kept in memory, because every completion
// needs it before its first token; a change made on any node is announced with NOTIFY and dropped
// from every node's cache, and entries expire after a minute in any case.
import { aiProviders, aiTasks, AiRouteChainSchema, RedactionPatternSchema, type AiProvider, type AiRouteTarget, type AiTask, type RedactionSettings } from "@caseroom/shared";
import { z } from "zod";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import { defaultModels, defaultPrices, providerPreference, type ModelPrice } from "./catalog.ts";
import { createProviderClient, defaultBaseUrls } from "./providers/index.ts";
import { redactionRules, type RedactionRules } from "./redaction.ts";
import type { SecretBox } from "./secrets.ts";
import type { ProviderClient, ProviderCredentials } from "./types.ts";

export const CONFIG_CHANNEL = "caseroom_ai_config";
const TTL_MS = 60_000;

export interface ProviderRow {
  provider: AiProvider;
  api_key_sealed: string;
  key_hint: string | null;
  base_url: string | null;
  updated_at: Date | string;
}

export interface ReachableProvider {
  credentials: ProviderCredentials;
  client: ProviderClient;
}

export interface OrgAiConfig {
  orgId: string;
  timeZone: string;
  rows: ProviderRow[];
  /** Providers this organisation can call now: its own key, else the deployment's. */
  reachable: Map<AiProvider, ReachableProvider>;
  /** Organisation rows whose key no longer opens (SECRETS_KEY changed). */
  unreadable: Set<AiProvider>;
  customRoutes: Map<AiTask, AiRouteTarget[]>;
  prices: Map<string, ModelPrice & { source: "default" | "organization" }>;
  monthlyBudgetMicroUsd: number | null;
  redactionSettings: Omit<RedactionSettings, "card">;
  redaction: RedactionRules;
}

export const priceKey = (provider: string, model: string) => `${provider}/${model}`;

/** The chain a task runs through: the organisation's, else every reachable provider in the standard order. */
export function routeFor(config: OrgAiConfig, task: AiTask): AiRouteTarget[] {
  return config.customRoutes.get(task) ?? providerPreference.filter((p) => config.reachable.has(p)).map((provider) => ({ provider, model: defaultModels[provider] }));
}

export interface OrgConfigCache {
  get(orgId: string): Promise<OrgAiConfig>;
  /** Drops the organisation here and, through NOTIFY, on every other node. */
  changed(orgId: string): Promise<void>;
  close(): Promise<void>;
}

export async function orgConfigCache(deps: { db: Db; log: Logger; llm: Config["llm"]; box: SecretBox | undefined }): Promise<OrgConfigCache> {
  const entries = new Map<string, { at: number; value: Promise<OrgAiConfig> }>();
  const unlisten = await deps.db.listen(CONFIG_CHANNEL, (orgId) => entries.delete(orgId));
  return {
    get(orgId) {
      const hit = entries.get(orgId);
      if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
      const value = loadOrgConfig(deps, orgId);
      entries.set(orgId, { at: Date.now(), value });
      value.catch(() => entries.delete(orgId));
      return value;
    },
    async changed(orgId) {
      entries.delete(orgId);
      await deps.db.query("select pg_notify($1, $2)", [CONFIG_CHANNEL, orgId]);
    },
    close: unlisten,
  };
}

const SettingsRowSchema = z.object({
  monthly_budget_micro_usd: z.union([z.string(), z.number(), z.bigint()]).nullable(),
  redact_email: z.boolean(),
  redact_phone: z.boolean(),
  redact_iban: z.boolean(),
  redaction_patterns: z.array(RedactionPatternSchema),
});

async function loadOrgConfig(deps: { db: Db; log: Logger; llm: Config["llm"]; box: SecretBox | undefined }, orgId: string): Promise<OrgAiConfig> {
  const { db } = deps;
  const [org] = await db.query<{ time_zone: string }>("select time_zone from orgs where id = $1", [orgId]);
  const rows = await db.query<ProviderRow>("select provider, api_key_sealed, key_hint, base_url, updated_at from ai_providers where org_id = $1", [orgId]);
  const routeRows = await db.query<{ task: string; chain: unknown }>("select task, chain from ai_routes where org_id = $1", [orgId]);
  const priceRows = await db.query<{
    provider: AiProvider;
    model: string;
    input_micro_usd_per_mtok: string | number;
    output_micro_usd_per_mtok: string | number;
    request_micro_usd: string | number;
  }>(
    "select provider, model, input_micro_usd_per_mtok, output_micro_usd_per_mtok, request_micro_usd from ai_prices where org_id = $1",
    [orgId],
  );
  const [settingsRow] = await db.query("select * from ai_settings where org_id = $1", [orgId]);

  const reachable = new Map<AiProvider, ReachableProvider>();
  const unreadable = new Set<AiProvider>();
  for (const provider of aiProviders) {
    const env = deps.llm[provider];
    const own = rows.find((r) => r.provider === provider);
    let credentials: ProviderCredentials | undefined;
    if (own) {
      const apiKey = deps.box?.open(own.api_key_sealed, sealContext(orgId, provider));
      // A key that no longer opens is reported, never replaced by the deployment's: that would change who pays.
      if (apiKey === undefined) unreadable.add(provider);
      else credentials = { provider, apiKey, baseUrl: own.base_url ?? env.baseUrl ?? defaultBaseUrls[provider], source: "organization" };
    } else if (env.apiKey) {
      credentials = { provider, apiKey: env.apiKey, baseUrl: env.baseUrl ?? defaultBaseUrls[provider], source: "environment" };
    }
    if (credentials) reachable.set(provider, { credentials, client: createProviderClient(credentials) });
  }
  if (unreadable.size > 0) deps.log.warn({ orgId, providers: [...unreadable] }, "stored LLM provider keys cannot be decrypted");

  const customRoutes = new Map<AiTask, AiRouteTarget[]>();
  for (const row of routeRows) {
    const chain = AiRouteChainSchema.safeParse(row.chain);
    if ((aiTasks as readonly string[]).includes(row.task) && chain.success) customRoutes.set(row.task as AiTask, chain.data);
  }

  const prices: OrgAiConfig["prices"] = new Map(defaultPrices.map((p) => [priceKey(p.provider, p.model), { ...p, source: "default" as const }]));
  for (const row of priceRows) {
    prices.set(priceKey(row.provider, row.model), {
      provider: row.provider,
      model: row.model,
      inputMicroUsdPerMTok: Number(row.input_micro_usd_per_mtok),
      outputMicroUsdPerMTok: Number(row.output_micro_usd_per_mtok),
      requestMicroUsd: Number(row.request_micro_usd),
      source: "organization",
    });
  }

  const settings = settingsRow ? SettingsRowSchema.parse(settingsRow) : undefined;
  const redactionSettings = {
    email: settings?.redact_email ?? true,
    phone: settings?.redact_phone ?? true,
    iban: settings?.redact_iban ?? true,
    patterns: settings?.redaction_patterns ?? [],
  };
  return {
    orgId,
    timeZone: org?.time_zone ?? "UTC",
    rows,
    reachable,
    unreadable,
    customRoutes,
    prices,
    monthlyBudgetMicroUsd: settings?.monthly_budget_micro_usd == null ? null : Number(settings.monthly_budget_micro_usd),
    redactionSettings,
    redaction: redactionRules(redactionSettings),
  };
}

/** The associated data a provider key is sealed with: it opens only for this organisation and provider. */
export const sealContext = (orgId: string, provider: AiProvider) => `ai-provider-key:${orgId}:${provider}`;
