// OpenAI, DeepSeek and Perplexity through the `openai` SDK: Chat Completions with `stream: true`.
// DeepSeek and Perplexity speak the same protocol at their own addresses; Perplexity adds `citations`.
import OpenAI from "openai";
import type { AiProvider } from "@caseroom/shared";
import type { ProviderChunk, ProviderClient, ProviderCredentials, ProviderRequest } from "../types.ts";
import { SDK_TIMEOUT_MS } from "./shared.ts";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const DEEPSEEK_DEFAULT_BASE_URL = "https://api.deepseek.com";
export const PERPLEXITY_DEFAULT_BASE_URL = "https://api.perplexity.ai";

type CompatibleProvider = Extract<AiProvider, "openai" | "deepseek" | "perplexity">;

/** Fields some OpenAI-compatible providers add to a chunk. */
interface ChunkExtras {
  citations?: unknown;
  search_results?: unknown;
}

export function openAiCompatibleClient(provider: CompatibleProvider, credentials: ProviderCredentials): ProviderClient {
  const sdk = new OpenAI({
    apiKey: credentials.apiKey,
    baseURL: credentials.baseUrl,
    // Everything explicit, so no OPENAI_* variable of the process reaches DeepSeek or Perplexity.
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
    logLevel: "off",
  });
  return {
    provider,
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const stream = await sdk.chat.completions.create(
        {
          model: request.model,
          messages: [{ role: "system", content: request.system }, ...request.messages],
          max_tokens: request.maxOutputTokens,
          stream: true,
          // Perplexity sends usage unasked and does not know stream_options.
          ...(provider === "perplexity" ? {} : { stream_options: { include_usage: true } }),
          ...(request.json && provider !== "perplexity" ? { response_format: { type: "json_object" as const } } : {}),
        },
        { signal },
      );
      let citations: string[] = [];
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta?.content;
        if (text) yield { type: "text", text };
        if (chunk.usage) yield { type: "usage", inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
        const found = citationsOf(chunk as ChunkExtras);
        if (found.length > citations.length) {
          citations = found;
          yield { type: "citations", urls: citations };
        }
      }
    },
  };
}

/** Perplexity's `citations` (URLs), or the URLs of its newer `search_results`. */
function citationsOf(chunk: ChunkExtras): string[] {
  const urls = (list: unknown, pick: (item: unknown) => unknown) =>
    Array.isArray(list) ? list.map(pick).filter((u): u is string => typeof u === "string" && /^https?:\/\//.test(u)) : [];
  const direct = urls(chunk.citations, (item) => item);
  return direct.length > 0 ? direct : urls(chunk.search_results, (item) => (item as { url?: unknown } | null)?.url);
}
