// One attempt at one provider: the stream of text with the first-token and total timeouts enforced,
// and the figures the ledger needs. Leaving the iteration early, an outer abort or a timeout all
// abort the request, which closes the connection to the provider.
import { AttemptTimeout, classifyFailure, type AttemptFailure } from "./failures.ts";
import type { ProviderClient, ProviderRequest } from "./types.ts";

export interface AttemptTimeouts {
  firstTokenMs: number;
  totalMs: number;
}

export interface AttemptStats {
  text: string;
  /** As the provider reported them, if it did. */
  reportedUsage: { inputTokens: number; outputTokens: number } | undefined;
  citations: string[];
  firstTokenMs: number | null;
  totalMs: number;
}

/** An attempt that failed, already classified (our own aborts can only be told apart inside). */
export class AttemptError extends Error {
  override name = "AttemptError";
  constructor(
    readonly failure: AttemptFailure,
    override readonly cause: unknown,
  ) {
    super(`LLM attempt failed: ${failure.outcome}`);
  }
}

export const newStats = (): AttemptStats => ({ text: "", reportedUsage: undefined, citations: [], firstTokenMs: null, totalMs: 0 });

/** Yields the text of the answer as it arrives, filling `stats`; throws AttemptError on failure. */
export async function* runAttempt(
  client: ProviderClient,
  request: ProviderRequest,
  outer: AbortSignal,
  timeouts: AttemptTimeouts,
  stats: AttemptStats,
): AsyncGenerator<string> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer.reason);
  if (outer.aborted) controller.abort(outer.reason);
  else outer.addEventListener("abort", onOuterAbort, { once: true });
  const started = performance.now();
  const firstToken = setTimeout(() => controller.abort(new AttemptTimeout("first_token")), timeouts.firstTokenMs);
  const total = setTimeout(() => controller.abort(new AttemptTimeout("total")), timeouts.totalMs);
  let complete = false;
  try {
    for await (const chunk of client.stream(request, controller.signal)) {
      // An SDK may hand over a chunk it had buffered after the abort; nothing more counts.
      if (controller.signal.aborted) throw controller.signal.reason;
      if (chunk.type === "text") {
        if (stats.firstTokenMs === null) {
          stats.firstTokenMs = Math.round(performance.now() - started);
          clearTimeout(firstToken);
        }
        stats.text += chunk.text;
        yield chunk.text;
      } else if (chunk.type === "usage") {
        stats.reportedUsage = { inputTokens: chunk.inputTokens, outputTokens: chunk.outputTokens };
      } else {
        stats.citations = chunk.urls;
      }
    }
    if (controller.signal.aborted) throw controller.signal.reason;
    complete = true;
  } catch (err) {
    throw new AttemptError(classifyFailure(err, controller.signal), err);
  } finally {
    clearTimeout(firstToken);
    clearTimeout(total);
    outer.removeEventListener("abort", onOuterAbort);
    stats.totalMs = Math.round(performance.now() - started);
    // Closes the connection if the caller stopped listening half-way. After a complete answer there is
    // nothing to close, and an abort would still build an exception and run the SDK's abort listeners.
    if (!complete) controller.abort();
  }
}

/** The provider answered (some text or its usage came back), so a per-request fee was incurred. */
export const answered = (stats: AttemptStats): boolean => stats.firstTokenMs !== null || stats.reportedUsage !== undefined;

/** Tokens to bill: the provider's figures, or an estimate (4 characters a token) when it reported none. */
export function billedTokens(stats: AttemptStats, promptChars: number, completed: boolean): { inputTokens: number; outputTokens: number; estimated: boolean } {
  const estimateOut = Math.ceil(stats.text.length / 4);
  const reported = stats.reportedUsage;
  if (reported && completed) return { ...reported, estimated: false };
  if (!reported && stats.text.length === 0) return { inputTokens: 0, outputTokens: 0, estimated: false };
  if (reported) return { inputTokens: reported.inputTokens, outputTokens: Math.max(reported.outputTokens, estimateOut), estimated: estimateOut > reported.outputTokens };
  return { inputTokens: Math.ceil(promptChars / 4), outputTokens: estimateOut, estimated: true };
}
