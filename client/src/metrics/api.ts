// The metrics endpoints, typed from the shared schemas.
import { z } from "zod";
import {
  AgentStatusSchema,
  CabinetSchema,
  CreatedApiKeySchema,
  ExplanationSchema,
  IntegrationKeySchema,
  MetricSettingsSchema,
  type CreateApiKeyBody,
  type KpiName,
  type MetricSettings,
  type SelectableAgentState,
} from "@caseroom/shared";
import { request } from "../api.ts";

export interface Range {
  scope: string;
  window?: string;
  from?: string;
  to?: string;
}

const query = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  return search.toString();
};

export const metricsApi = {
  explain: (kpi: KpiName, range: Range) => request("GET", `/api/metrics/explain?${query({ kpi, ...range })}`, ExplanationSchema),
  cabinet: (agentId?: string) => request("GET", `/api/metrics/cabinet${agentId ? `?${query({ agentId })}` : ""}`, CabinetSchema),
  settings: () => request("GET", "/api/metrics/settings", z.object({ settings: MetricSettingsSchema })),
  saveSettings: (settings: MetricSettings) => request("PUT", "/api/metrics/settings", z.object({ settings: MetricSettingsSchema }), settings),
  apiKeys: () => request("GET", "/api/admin/api-keys", z.object({ apiKeys: z.array(IntegrationKeySchema) })),
  createApiKey: (body: CreateApiKeyBody) => request("POST", "/api/admin/api-keys", CreatedApiKeySchema, body),
  revokeApiKey: (id: string) => request("DELETE", `/api/admin/api-keys/${encodeURIComponent(id)}`, null),
  status: () => request("GET", "/api/me/status", AgentStatusSchema),
  setStatus: (status: SelectableAgentState) => request("PUT", "/api/me/status", AgentStatusSchema, { status }),
};
