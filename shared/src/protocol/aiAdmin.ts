// The LLM gateway's organisation settings, for admins: provider keys, routing per task, prices,
// the monthly budget and redaction. A saved key never comes back; only a hint of its last characters.
import { z } from "zod";
import { AiModelSchema, AiOutcomeSchema, AiProviderSchema, AiTaskSchema } from "./ai.ts";

export const ProviderBaseUrlSchema = z
  .url({ protocol: /^https?$/, error: "an http(s) address" })
  .max(300)
  .refine((value) => {
    const url = new URL(value);
    return !url.username && !url.password && !url.search && !url.hash;
  }, "an address without credentials, query or fragment")
  .transform((value) => value.replace(/\/+$/, ""));

export const ApiKeySchema = z
  .string()
  .trim()
  .min(8, "at least 8 characters")
  .max(512)
  .regex(/^[\x21-\x7e]+$/, "printable characters without spaces");

export const providerSources = ["organization", "environment", "none"] as const;

export const AiProviderSettingSchema = z.object({
  provider: AiProviderSchema,
  /** Where the key in use comes from: this organisation's own, the deployment's default, or nowhere. */
  source: z.enum(providerSources),
  hasKey: z.boolean(),
  /** The last characters of the organisation's key (`…a1b2`), never the key. */
  keyHint: z.string().nullable(),
  /** The organisation's own address for this provider, if it set one. */
  baseUrl: z.string().nullable(),
  defaultModel: z.string(),
  updatedAt: z.string().nullable(),
  /** The stored key cannot be decrypted (SECRETS_KEY changed): enter it again. */
  keyUnreadable: z.boolean(),
});
export type AiProviderSetting = z.infer<typeof AiProviderSettingSchema>;

export const AiProvidersResponseSchema = z.object({
  providers: z.array(AiProviderSettingSchema),
  /** False when the deployment has no SECRETS_KEY in production: keys cannot be stored. */
  canStoreKeys: z.boolean(),
});
export type AiProvidersResponse = z.infer<typeof AiProvidersResponseSchema>;

export const CreateAiProviderBodySchema = z.strictObject({
  provider: AiProviderSchema,
  apiKey: ApiKeySchema,
  baseUrl: ProviderBaseUrlSchema.optional(),
});
export type CreateAiProviderBody = z.infer<typeof CreateAiProviderBodySchema>;

export const PatchAiProviderBodySchema = z
  .strictObject({ apiKey: ApiKeySchema.optional(), baseUrl: ProviderBaseUrlSchema.nullable().optional() })
  .refine((body) => Object.keys(body).length > 0, { message: "at least one field must be given" });
export type PatchAiProviderBody = z.infer<typeof PatchAiProviderBodySchema>;

export const AiProviderParamsSchema = z.strictObject({ id: AiProviderSchema });

export const TestAiProviderBodySchema = z.strictObject({ model: AiModelSchema.optional() });

export const TestAiProviderResponseSchema = z.object({
  ok: z.boolean(),
  provider: AiProviderSchema,
  model: z.string(),
  outcome: AiOutcomeSchema,
  latencyMs: z.number().int().min(0),
});
export type TestAiProviderResponse = z.infer<typeof TestAiProviderResponseSchema>;

// ---- routing --------------------------------------------------------------------------------------

export const AiRouteTargetSchema = z.strictObject({ provider: AiProviderSchema, model: AiModelSchema });
export type AiRouteTarget = z.infer<typeof AiRouteTargetSchema>;

export const AiRouteChainSchema = z
  .array(AiRouteTargetSchema)
  .min(1)
  .max(5)
  .refine((chain) => new Set(chain.map((t) => `${t.provider}/${t.model}`)).size === chain.length, "each provider and model at most once");

export const AiRouteSchema = z.object({
  task: AiTaskSchema,
  chain: z.array(AiRouteTargetSchema),
  /** False when the task follows the default: every provider with a key, in the standard order. */
  custom: z.boolean(),
});
export type AiRoute = z.infer<typeof AiRouteSchema>;

export const AiRoutingResponseSchema = z.object({ routes: z.array(AiRouteSchema) });
export type AiRoutingResponse = z.infer<typeof AiRoutingResponseSchema>;

/** `chain: null` returns the task to the default routing. */
export const PutAiRouteBodySchema = z.strictObject({ chain: AiRouteChainSchema.nullable() });
export const AiTaskParamsSchema = z.strictObject({ task: AiTaskSchema });

// ---- prices ---------------------------------------------------------------------------------------

/** Prices are in millionths of a US dollar per million tokens: $3 / MTok is 3000000. */
const MicroUsdPerMTok = z.number().int().min(0).max(1_000_000_000);
/** A fee per request in millionths of a US dollar (Perplexity's search fee: $5 per 1,000 requests is 5000), at most $10. */
const MicroUsdPerRequest = z.number().int().min(0).max(10_000_000);

export const AiPriceInputSchema = z.strictObject({
  provider: AiProviderSchema,
  model: AiModelSchema,
  inputMicroUsdPerMTok: MicroUsdPerMTok,
  outputMicroUsdPerMTok: MicroUsdPerMTok,
  /** Charged once per provider request that was answered; 0 for providers without such a fee. */
  requestMicroUsd: MicroUsdPerRequest.default(0),
});
export type AiPriceInput = z.input<typeof AiPriceInputSchema>;

const AiPriceValuesSchema = z.object({ inputMicroUsdPerMTok: z.number(), outputMicroUsdPerMTok: z.number(), requestMicroUsd: z.number() });

export const AiPriceSchema = z.object({
  provider: AiProviderSchema,
  model: z.string(),
  inputMicroUsdPerMTok: z.number(),
  outputMicroUsdPerMTok: z.number(),
  requestMicroUsd: z.number(),
  source: z.enum(["default", "organization"]),
  /** The built-in list price for this model, if there is one: what removing the override returns to. */
  builtIn: AiPriceValuesSchema.nullable(),
});
export type AiPrice = z.infer<typeof AiPriceSchema>;

export const AiPricesResponseSchema = z.object({ prices: z.array(AiPriceSchema) });
export type AiPricesResponse = z.infer<typeof AiPricesResponseSchema>;

/** The organisation's whole list of price overrides, replacing the previous one. */
export const PutAiPricesBodySchema = z.strictObject({
  prices: z
    .array(AiPriceInputSchema)
    .max(200)
    .refine((list) => new Set(list.map((p) => `${p.provider}/${p.model}`)).size === list.length, "each provider and model at most once"),
});
export type PutAiPricesBody = z.infer<typeof PutAiPricesBodySchema>;

// ---- budget and redaction -------------------------------------------------------------------------

export const RedactionPatternSchema = z.strictObject({
  /** Becomes the placeholder: label ORDER gives [ORDER_1]. */
  label: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,19}$/, "2 to 20 capital letters or digits, starting with a letter")
    .refine((label) => !["EMAIL", "PHONE", "CARD", "IBAN"].includes(label), "this label is built in"),
  pattern: z.string().min(1).max(200),
  caseInsensitive: z.boolean().default(false),
});
export type RedactionPattern = z.infer<typeof RedactionPatternSchema>;

export const RedactionSettingsSchema = z.object({
  email: z.boolean(),
  phone: z.boolean(),
  iban: z.boolean(),
  /** Payment card numbers are always redacted. */
  card: z.literal(true),
  patterns: z.array(RedactionPatternSchema),
});
export type RedactionSettings = z.infer<typeof RedactionSettingsSchema>;

export const AiSettingsSchema = z.object({
  /** Spending limit per calendar month (organisation's time zone), in millionths of a US dollar; null: none. */
  monthlyBudgetMicroUsd: z.number().int().min(0).nullable(),
  redaction: RedactionSettingsSchema,
});
export type AiSettings = z.infer<typeof AiSettingsSchema>;

export const PatchAiSettingsBodySchema = z
  .strictObject({
    monthlyBudgetMicroUsd: z.number().int().min(0).max(1e15).nullable().optional(),
    redaction: z
      .strictObject({
        email: z.boolean().optional(),
        phone: z.boolean().optional(),
        iban: z.boolean().optional(),
        card: z.literal(true, { error: "payment card redaction cannot be switched off" }).optional(),
        patterns: z.array(RedactionPatternSchema).max(20).optional(),
      })
      .optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "at least one field must be given" });
export type PatchAiSettingsBody = z.infer<typeof PatchAiSettingsBodySchema>;
