// Turns whatever an SDK throws into one outcome, and says which outcomes move on to the next provider.
import type { AiOutcome } from "@caseroom/shared";

/** The reason an attempt's own controller is aborted with when a timeout fires. */
export class AttemptTimeout extends Error {
  override name = "AttemptTimeout";
  constructor(readonly which: "first_token" | "total") {
    super(`LLM ${which === "first_token" ? "first-token" : "total"} timeout`);
  }
}

export interface AttemptFailure {
  outcome: Exclude<AiOutcome, "ok">;
  /** The provider's HTTP status, when it answered with one. */
  status?: number;
  /** How long the provider asked us to wait (retry-after), when it said. */
  retryAfterMs?: number;
}

/**
 * Failures that say something about this provider only, so another provider may well succeed:
 * timeouts, rate limits, server errors, broken connections, a rejected key or unknown model, and an
 * answer that stayed malformed after the repair retry. A bad request would fail everywhere alike.
 */
const fallbackOutcomes: ReadonlySet<AiOutcome> = new Set(["timeout", "rate_limited", "server_error", "network", "auth", "not_found", "invalid_output"]);

export const fallsBack = (failure: AttemptFailure): boolean => fallbackOutcomes.has(failure.outcome);

interface SdkErrorLike {
  status?: unknown;
  headers?: unknown;
  message?: unknown;
  name?: unknown;
  error?: unknown;
}

/** Classifies an error thrown while the attempt ran; `attemptSignal` tells our own aborts apart. */
export function classifyFailure(err: unknown, attemptSignal: AbortSignal): AttemptFailure {
  if (attemptSignal.aborted) {
    return { outcome: attemptSignal.reason instanceof AttemptTimeout ? "timeout" : "cancelled" };
  }
  const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorLike;
  const status = typeof e.status === "number" ? e.status : undefined;
  if (status !== undefined) return byStatus(status, e);
  if (e.name === "APIConnectionTimeoutError") return { outcome: "timeout" };
  // An error event inside an otherwise successful stream (Anthropic `event: error`, OpenAI `{"error":…}`).
  const streamErrorType = errorTypeOf(e.error);
  if (streamErrorType === "rate_limit_error") return { outcome: "rate_limited" };
  if (streamErrorType || e.name === "APIError") return { outcome: "server_error" };
  // Connection refused or reset, DNS, a stream cut off half-way ("terminated"): the transport failed.
  return { outcome: "network" };
}

function byStatus(status: number, e: SdkErrorLike): AttemptFailure {
  const outcome: AttemptFailure["outcome"] =
    status === 429
      ? "rate_limited"
      : status === 408
        ? "timeout"
        : status === 401 || status === 403
          ? "auth"
          : status === 404
            ? "not_found"
            : status >= 500
              ? "server_error"
              : "bad_request";
  const retryAfterMs = status === 429 || status === 503 ? retryAfterOf(e) : undefined;
  return { outcome, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function errorTypeOf(body: unknown): string | undefined {
  const inner = (body as { error?: { type?: unknown }; type?: unknown } | null | undefined) ?? undefined;
  const type = inner?.error?.type ?? inner?.type;
  return typeof type === "string" && type !== "error" ? type : undefined;
}

/** `retry-after-ms`, `retry-after` (seconds or a date), or Gemini's RetryInfo `retryDelay` in the body. */
function retryAfterOf(e: SdkErrorLike): number | undefined {
  const header = (name: string): string | null => {
    const h = e.headers;
    if (h instanceof Headers) return h.get(name);
    if (h && typeof h === "object") {
      const value = (h as Record<string, unknown>)[name];
      return typeof value === "string" ? value : null;
    }
    return null;
  };
  const ms = Number(header("retry-after-ms"));
  if (header("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const after = header("retry-after");
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const delay = typeof e.message === "string" ? /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(e.message) : null;
  return delay ? Number(delay[1]) * 1000 : undefined;
}
