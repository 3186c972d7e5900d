// Builds the adapter for a provider, and the address each provider has when nothing overrides it.
import type { AiProvider } from "@caseroom/shared";
import type { ProviderClient, ProviderCredentials } from "../types.ts";
import { ANTHROPIC_DEFAULT_BASE_URL, anthropicClient } from "./anthropic.ts";
import { GEMINI_DEFAULT_BASE_URL, geminiClient } from "./gemini.ts";
import { DEEPSEEK_DEFAULT_BASE_URL, OPENAI_DEFAULT_BASE_URL, PERPLEXITY_DEFAULT_BASE_URL, openAiCompatibleClient } from "./openaiCompatible.ts";

export const defaultBaseUrls: Record<AiProvider, string> = {
  anthropic: ANTHROPIC_DEFAULT_BASE_URL,
  gemini: GEMINI_DEFAULT_BASE_URL,
  openai: OPENAI_DEFAULT_BASE_URL,
  deepseek: DEEPSEEK_DEFAULT_BASE_URL,
  perplexity: PERPLEXITY_DEFAULT_BASE_URL,
};

export function createProviderClient(credentials: ProviderCredentials): ProviderClient {
  switch (credentials.provider) {
    case "anthropic":
      return anthropicClient(credentials);
    case "gemini":
      return geminiClient(credentials);
    case "openai":
    case "deepseek":
    case "perplexity":
      return openAiCompatibleClient(credentials.provider, credentials);
  }
}
