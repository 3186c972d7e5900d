// The LLM gateway's admin API, typed from the shared schemas.
import { z } from "zod";
import {
  AiPricesResponseSchema,
  AiProviderSettingSchema,
  AiProvidersResponseSchema,
  AiRouteSchema,
  AiRoutingResponseSchema,
  AiSettingsSchema,
  AiUsageResponseSchema,
  TestAiProviderResponseSchema,
  type AiProvider,
  type AiRouteTarget,
  type AiTask,
  type AiUsageGroup,
  type CreateAiProviderBody,
  type PatchAiProviderBody,
  type PatchAiSettingsBody,
  type PutAiPricesBody,
} from "@caseroom/shared";
import { request } from "../api.ts";

const ProviderResponse = z.object({ provider: AiProviderSettingSchema });
const RouteResponse = z.object({ route: AiRouteSchema });
const SettingsResponse = z.object({ settings: AiSettingsSchema });
const path = (provider: AiProvider) => `/api/admin/ai/providers/${encodeURIComponent(provider)}`;

export const aiApi = {
  providers: () => request("GET", "/api/admin/ai/providers", AiProvidersResponseSchema),
  addProvider: (body: CreateAiProviderBody) => request("POST", "/api/admin/ai/providers", ProviderResponse, body),
  changeProvider: (provider: AiProvider, body: PatchAiProviderBody) => request("PATCH", path(provider), ProviderResponse, body),
  removeProvider: (provider: AiProvider) => request("DELETE", path(provider), null),
  testProvider: (provider: AiProvider) => request("POST", `${path(provider)}/test`, TestAiProviderResponseSchema, {}),

  routing: () => request("GET", "/api/admin/ai/routing", AiRoutingResponseSchema),
  setRoute: (task: AiTask, chain: AiRouteTarget[] | null) => request("PUT", `/api/admin/ai/routing/${encodeURIComponent(task)}`, RouteResponse, { chain }),

  prices: () => request("GET", "/api/admin/ai/prices", AiPricesResponseSchema),
  setPrices: (body: PutAiPricesBody) => request("PUT", "/api/admin/ai/prices", AiPricesResponseSchema, body),

  usage: (query: { groupBy: AiUsageGroup; from?: string | undefined; to?: string | undefined }) => {
    const search = new URLSearchParams({ groupBy: query.groupBy });
    if (query.from) search.set("from", query.from);
    if (query.to) search.set("to", query.to);
    return request("GET", `/api/ai/usage?${search}`, AiUsageResponseSchema);
  },

  settings: () => request("GET", "/api/admin/ai/settings", SettingsResponse),
  changeSettings: (body: PatchAiSettingsBody) => request("PATCH", "/api/admin/ai/settings", SettingsResponse, body),
};

/** Micro-dollars as money in the reader's locale: costs are small, so up to four decimals. */
export const MICRO = 1_000_000;
