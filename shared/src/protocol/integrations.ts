// API keys and event ingest: how CRM and telephony systems talk to Caseroom.
import { z } from "zod";
import { IdSchema } from "../ids.ts";

export const apiKeyScopes = ["events:write"] as const;
export const ApiKeyScopeSchema = z.enum(apiKeyScopes);
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

export const CreateApiKeyBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ApiKeyScopeSchema).min(1).refine((s) => new Set(s).size === s.length, { message: "scopes must not repeat" }),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>;

export const IntegrationKeySchema = z.object({
  id: IdSchema,
  name: z.string(),
  scopes: z.array(ApiKeyScopeSchema),
  /** The first characters of the key, so people can tell keys apart; the rest is never stored. */
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type IntegrationKey = z.infer<typeof IntegrationKeySchema>;

/** The key itself is in this answer only: it is stored hashed and cannot be shown again. */
export const CreatedApiKeySchema = z.object({ id: IdSchema, key: z.string(), apiKey: IntegrationKeySchema });

export const ApiKeyIdParamsSchema = z.object({ id: IdSchema });

export const MAX_INGEST_BATCH = 1000;
/** The batch envelope only; each event is parsed on its own so every bad index can be named. */
export const IngestBodySchema = z.strictObject({ events: z.array(z.unknown()).min(1) });
export const IngestResultSchema = z.object({ accepted: z.number().int(), duplicates: z.number().int() });
export type IngestResult = z.infer<typeof IngestResultSchema>;
