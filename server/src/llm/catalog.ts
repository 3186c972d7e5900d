// Built-in defaults: the model each provider uses when an organisation has not chosen one, the order
// the default routing tries providers in, and list prices. Admins override all three per organisation.
import type { AiProvider } from "@caseroom/shared";

/** The default routing tries every provider with a key, in this order. */
export const providerPreference: readonly AiProvider[] = ["anthropic", "openai", "gemini", "deepseek", "perplexity"];

export const defaultModels: Record<AiProvider, string> = {
  anthropic: "claude-haiku-4-5",
  openai: "gpt-4.1-mini",
  gemini: "gemini-2.5-flash",
  deepseek: "deepseek-chat",
  perplexity: "sonar",
};

export interface ModelPrice {
  provider: AiProvider;
  model: string;
  /** Millionths of a US dollar per million tokens, i.e. dollars per token. */
  inputMicroUsdPerMTok: number;
  outputMicroUsdPerMTok: number;
  /** Millionths of a US dollar per answered request, on top of the tokens (Perplexity's search fee). */
  requestMicroUsd: number;
}

const usd = (dollarsPerMTok: number) => Math.round(dollarsPerMTok * 1_000_000);
const price = (provider: AiProvider, model: string, input: number, output: number, dollarsPerThousandRequests = 0): ModelPrice => ({
  provider,
  model,
  inputMicroUsdPerMTok: usd(input),
  outputMicroUsdPerMTok: usd(output),
  requestMicroUsd: Math.round(dollarsPerThousandRequests * 1_000),
});

/**
 * Published list prices per million tokens when this table was written. Perplexity also bills a fee
 * per request for its web search, quoted per 1,000 requests; the one here is for the default (low)
 * search context size. Admins correct or extend the list.
 */
export const defaultPrices: readonly ModelPrice[] = [
  price("anthropic", "claude-opus-4-1", 15, 75),
  price("anthropic", "claude-opus-4-5", 5, 25),
  price("anthropic", "claude-sonnet-4-5", 3, 15),
  price("anthropic", "claude-haiku-4-5", 1, 5),
  price("openai", "gpt-4.1", 2, 8),
  price("openai", "gpt-4.1-mini", 0.4, 1.6),
  price("openai", "gpt-4o-mini", 0.15, 0.6),
  price("openai", "gpt-5", 1.25, 10),
  price("openai", "gpt-5-mini", 0.25, 2),
  price("gemini", "gemini-2.5-pro", 1.25, 10),
  price("gemini", "gemini-2.5-flash", 0.3, 2.5),
  price("gemini", "gemini-2.5-flash-lite", 0.1, 0.4),
  price("deepseek", "deepseek-chat", 0.28, 0.42),
  price("deepseek", "deepseek-reasoner", 0.28, 0.42),
  price("perplexity", "sonar", 1, 1, 5),
  price("perplexity", "sonar-pro", 3, 15, 6),
  price("perplexity", "sonar-reasoning-pro", 2, 8, 6),
];

/**
 * Cost in millionths of a dollar, rounded up so many small calls never add up to less than they cost.
 * The per-request fee is added when the provider answered the request (`answered`): one refused
 * before answering (429, 5xx, no first token) did no search and is not billed for one.
 */
export function costMicroUsd(p: Omit<ModelPrice, "provider" | "model">, inputTokens: number, outputTokens: number, answered: boolean): number {
  const total = BigInt(inputTokens) * BigInt(p.inputMicroUsdPerMTok) + BigInt(outputTokens) * BigInt(p.outputMicroUsdPerMTok);
  return Number((total + 999_999n) / 1_000_000n) + (answered ? p.requestMicroUsd : 0);
}
