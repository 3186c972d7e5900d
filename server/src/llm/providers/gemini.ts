// Gemini through @google/genai: models.generateContentStream, which speaks
// `:streamGenerateContent?alt=sse` to the Gemini API.
import { GoogleGenAI } from "@google/genai";
import type { ProviderChunk, ProviderClient, ProviderCredentials, ProviderRequest } from "../types.ts";
import { SDK_TIMEOUT_MS } from "./shared.ts";

export const GEMINI_DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

export function geminiClient(credentials: ProviderCredentials): ProviderClient {
  // No retryOptions: the SDK then makes exactly one request, and the gateway decides about retries.
  const sdk = new GoogleGenAI({ apiKey: credentials.apiKey, httpOptions: { baseUrl: credentials.baseUrl, timeout: SDK_TIMEOUT_MS } });
  return {
    provider: "gemini",
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const stream = await sdk.models.generateContentStream({
        model: request.model,
        contents: request.messages.map((m) => ({ role: m.role === "assistant" ? "model" : "user", parts: [{ text: m.content }] })),
        config: {
          systemInstruction: request.system,
          maxOutputTokens: request.maxOutputTokens,
          abortSignal: signal,
          // A broken stream falls back to the next provider; the SDK must not resume it on its own.
          automaticContinuation: false,
          ...(request.json ? { responseMimeType: "application/json" } : {}),
        },
      });
      for await (const chunk of stream) {
        for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
          // Thought summaries are not part of the answer.
          if (part.text && !part.thought) yield { type: "text", text: part.text };
        }
        const usage = chunk.usageMetadata;
        if (usage) {
          // Thinking tokens are billed as output.
          yield { type: "usage", inputTokens: usage.promptTokenCount ?? 0, outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0) };
        }
      }
    },
  };
}
