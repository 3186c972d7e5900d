// The three streaming wire formats the real SDKs read, written the way the providers write them:
// OpenAI Chat Completions chunks (also DeepSeek, and Perplexity with `citations`), Anthropic Messages
// events, and Gemini `streamGenerateContent?alt=sse` responses. Plus each one's error body.

export type FakeDialect = "openai" | "anthropic" | "gemini";

export interface WireUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface StreamWriter {
  /** Frames sent before the first text (Anthropic's message_start, which carries the input tokens). */
  opening(usage: WireUsage): string;
  /** One text delta. The first call may carry preamble the protocol sends with the first token. */
  delta(text: string, first: boolean): string;
  /** The end: finish reason, usage and the terminator. */
  closing(usage: WireUsage): string;
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;

export function streamWriter(dialect: FakeDialect, model: string, extras: { citations?: readonly string[] | undefined } = {}): StreamWriter {
  switch (dialect) {
    case "openai": {
      const base = { id: "chatcmpl-fake", object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model };
      // Perplexity repeats its sources on every chunk, in both the old and the new field.
      const cite = extras.citations
        ? { citations: extras.citations, search_results: extras.citations.map((url, i) => ({ title: `Source ${i + 1}`, url })) }
        : {};
      const chunk = (delta: Record<string, unknown>, finish: string | null) => ({ ...base, ...cite, choices: [{ index: 0, delta, finish_reason: finish }] });
      return {
        opening: () => "",
        delta: (text, first) => (first ? sse(chunk({ role: "assistant", content: "" }, null)) : "") + sse(chunk({ content: text }, null)),
        closing: (usage) =>
          sse(chunk({}, "stop")) +
          sse({ ...base, ...cite, choices: [], usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens } }) +
          sse("[DONE]"),
      };
    }
    case "anthropic":
      return {
        opening: (usage) =>
          sse({ type: "message_start", message: { id: "msg_fake", type: "message", role: "assistant", content: [], model, stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.inputTokens, output_tokens: 1 } } }, "message_start"),
        delta: (text, first) =>
          (first ? sse({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start") + sse({ type: "ping" }, "ping") : "") +
          sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }, "content_block_delta"),
        closing: (usage) =>
          sse({ type: "content_block_stop", index: 0 }, "content_block_stop") +
          sse({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage.outputTokens } }, "message_delta") +
          sse({ type: "message_stop" }, "message_stop"),
      };
    case "gemini": {
      const response = (parts: { text: string }[], more: Record<string, unknown> = {}) => ({
        candidates: [{ content: { parts, role: "model" }, index: 0, ...more }],
        modelVersion: model,
        responseId: "fake-response",
      });
      return {
        opening: () => "",
        delta: (text) => sse(response([{ text }])),
        closing: (usage) =>
          sse({
            ...response([{ text: "" }], { finishReason: "STOP" }),
            usageMetadata: { promptTokenCount: usage.inputTokens, candidatesTokenCount: usage.outputTokens, totalTokenCount: usage.inputTokens + usage.outputTokens },
          }),
      };
    }
  }
}

/** The JSON body each provider answers an HTTP error with. */
export function errorBody(dialect: FakeDialect, status: number, message: string): unknown {
  const kind = status === 429 ? "rate_limit" : status === 401 ? "authentication" : status === 404 ? "not_found" : status >= 500 ? "server" : "invalid_request";
  switch (dialect) {
    case "openai":
      return { error: { message, type: kind === "server" ? "server_error" : `${kind}_error`, param: null, code: null } };
    case "anthropic":
      return { type: "error", error: { type: kind === "server" ? "api_error" : `${kind}_error`, message } };
    case "gemini":
      return {
        error: {
          code: status,
          message,
          status: { rate_limit: "RESOURCE_EXHAUSTED", authentication: "UNAUTHENTICATED", not_found: "NOT_FOUND", server: "INTERNAL", invalid_request: "INVALID_ARGUMENT" }[kind],
        },
      };
  }
}
