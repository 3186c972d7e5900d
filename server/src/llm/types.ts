// What every provider adapter implements, and the shapes the gateway passes around inside this folder.
import type { AiProvider } from "@caseroom/shared";

export interface ProviderMessage {
  role: "user" | "assistant";
  content: string;
}

/** One request to one provider and model. The text in it is already redacted. */
export interface ProviderRequest {
  model: string;
  system: string;
  messages: ProviderMessage[];
  maxOutputTokens: number;
  /** Ask for a JSON object where the provider has a switch for it. */
  json: boolean;
}

/** What a provider stream yields: text in order, and usage and citations whenever the provider tells. */
export type ProviderChunk =
  | { type: "text"; text: string }
  | { type: "usage"; inputTokens: number; outputTokens: number }
  | { type: "citations"; urls: string[] };

/**
 * A provider adapter on its official SDK. `stream` starts the request when iterated and stops it
 * (closing the connection) when the signal aborts or the iteration is abandoned. SDK errors pass
 * through unchanged; `classifyFailure` turns them into outcomes.
 */
export interface ProviderClient {
  readonly provider: AiProvider;
  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk>;
}

/** The key and address to reach one provider with, and whose key it is. */
export interface ProviderCredentials {
  provider: AiProvider;
  apiKey: string;
  baseUrl: string;
  source: "organization" | "environment";
}
