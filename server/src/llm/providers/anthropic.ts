// Claude through @anthropic-ai/sdk: the Messages API with `stream: true`.
import Anthropic from "@anthropic-ai/sdk";
import type { ProviderChunk, ProviderClient, ProviderCredentials, ProviderRequest } from "../types.ts";
import { SDK_TIMEOUT_MS } from "./shared.ts";

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";

export function anthropicClient(credentials: ProviderCredentials): ProviderClient {
  // Retries are the gateway's decision (fallback, retry-after), never the SDK's; logging is ours too.
  const sdk = new Anthropic({ apiKey: credentials.apiKey, baseURL: credentials.baseUrl, maxRetries: 0, timeout: SDK_TIMEOUT_MS, logLevel: "off" });
  return {
    provider: "anthropic",
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const stream = await sdk.messages.create(
        { model: request.model, max_tokens: request.maxOutputTokens, system: request.system, messages: request.messages, stream: true },
        { signal },
      );
      let inputTokens = 0;
      for await (const event of stream) {
        switch (event.type) {
          case "message_start": {
            const usage = event.message.usage;
            inputTokens = usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
            yield { type: "usage", inputTokens, outputTokens: usage.output_tokens };
            break;
          }
          case "content_block_delta":
            if (event.delta.type === "text_delta" && event.delta.text) yield { type: "text", text: event.delta.text };
            break;
          case "message_delta":
            // output_tokens here is the running total for the message.
            yield { type: "usage", inputTokens: event.usage.input_tokens ?? inputTokens, outputTokens: event.usage.output_tokens };
            break;
          default:
            // content_block_start/stop, message_stop, ping, and event types newer than this code.
            break;
        }
      }
    },
  };
}
