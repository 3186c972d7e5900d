// Runs one call through its chain of providers: streams the answer with placeholders restored,
// validates structured answers (with one repair retry), waits out a short retry-after once, falls
// back to the next provider on failures that are that provider's own, and records every attempt.
import type { AiDoneEvent, AiOutcome, AiProvider, AiRouteTarget } from "@caseroom/shared";
import type { z } from "zod";
import { AppError } from "../http/index.ts";
import type { Logger } from "../log.ts";
import { answered, AttemptError, billedTokens, newStats, runAttempt, type AttemptStats, type AttemptTimeouts } from "./attempt.ts";
import { costMicroUsd, type ModelPrice } from "./catalog.ts";
import { fallsBack, type AttemptFailure } from "./failures.ts";
import { extractJson, repairMessages, type Prompt } from "./prompt.ts";
import type { Redaction } from "./redaction.ts";
import type { ProviderClient } from "./types.ts";
import type { AttemptRecord } from "./usage.ts";

export type GatewayEvent =
  | { type: "delta"; text: string }
  | { type: "restart"; provider: AiProvider; reason: AiOutcome }
  | ({ type: "done" } & AiDoneEvent);

/** The caller went away (or aborted): nobody is waiting for an answer any more. */
export class CompletionCancelled extends Error {
  override name = "CompletionCancelled";
}

export interface RunPlan {
  callId: string;
  identity: Pick<AttemptRecord, "orgId" | "userId" | "ticketId" | "task">;
  chain: { target: AiRouteTarget; client: ProviderClient }[];
  prompt: Prompt;
  maxOutputTokens: number;
  schema?: z.ZodType | undefined;
  redaction: Redaction;
  priceOf(provider: AiProvider, model: string): ModelPrice | undefined;
  record(entry: AttemptRecord): Promise<void>;
  timeouts: AttemptTimeouts;
  /** The longest retry-after worth waiting for before asking the same provider again. */
  maxRetryWaitMs: number;
  /** Called once when the run ends, however it ends (the user's stream slot is given back). */
  ended(): void;
  readonly log: Logger;
}

export async function* runChain(plan: RunPlan, signal: AbortSignal): AsyncGenerator<GatewayEvent> {
  try {
    const tried: { provider: AiProvider; model: string; outcome: AiOutcome }[] = [];
    let attemptNo = 0;
    for (const { target, client } of plan.chain) {
      let messages = plan.prompt.messages;
      let waited = false;
      let repaired = false;
      for (;;) {
        attemptNo += 1;
        const stats = newStats();
        const request = { model: target.model, system: plan.prompt.system, messages, maxOutputTokens: plan.maxOutputTokens, json: Boolean(plan.schema) };
        const promptChars = request.system.length + messages.reduce((n, m) => n + m.content.length, 0);
        const restorer = plan.redaction.restorer();
        let shown = false;
        let failure: AttemptFailure | undefined;
        let problem: string | undefined;
        let result: unknown;
        let recorded = false;
        const record = (outcome: AiOutcome) => {
          recorded = true;
          tried.push({ provider: target.provider, model: target.model, outcome });
          return recordAttempt(plan, target, attemptNo, outcome, stats, promptChars);
        };
        try {
          try {
            for await (const text of runAttempt(client, request, signal, plan.timeouts, stats)) {
              if (plan.schema) continue; // a structured answer is shown only once it is valid
              const ready = restorer.push(text);
              if (ready) {
                shown = true;
                yield { type: "delta", text: ready };
              }
            }
            const rest = plan.schema ? "" : restorer.flush();
            if (rest) {
              shown = true;
              yield { type: "delta", text: rest };
            }
          } catch (err) {
            if (!(err instanceof AttemptError)) throw err;
            failure = err.failure;
            plan.log.warn({ provider: target.provider, model: target.model, outcome: failure.outcome, status: failure.status, attempt: attemptNo }, "llm attempt failed");
          }
          if (!failure && plan.schema) {
            const checked = checkStructured(stats.text, plan.schema);
            if (checked.ok) result = restoreDeep(checked.value, (s) => plan.redaction.restore(s));
            else {
              failure = { outcome: "invalid_output" };
              problem = checked.problem;
            }
          }
          const { usage, written } = record(failure?.outcome ?? "ok");
          if (!failure) {
            if (plan.schema) yield { type: "delta", text: JSON.stringify(result) };
            // The reader gets `done` at once; the stream ends once the ledger has the row.
            yield {
              type: "done",
              provider: target.provider,
              model: target.model,
              usage,
              ...(stats.citations.length > 0 ? { citations: stats.citations } : {}),
              ...(plan.schema ? { result } : {}),
            };
            await written;
            return;
          }
          await written;
        } finally {
          // The consumer stopped listening at a `yield`: the attempt still goes into the ledger.
          if (!recorded) await record("cancelled").written;
        }
        if (failure.outcome === "cancelled") throw new CompletionCancelled("The request was cancelled");
        if (failure.outcome === "invalid_output" && !repaired && problem) {
          repaired = true;
          messages = repairMessages(plan.prompt, stats.text, problem);
          continue;
        }
        if (failure.outcome === "rate_limited" && !waited && failure.retryAfterMs !== undefined && failure.retryAfterMs <= plan.maxRetryWaitMs) {
          waited = true;
          await sleep(failure.retryAfterMs, signal);
          continue;
        }
        if (shown) yield { type: "restart", provider: target.provider, reason: failure.outcome };
        if (!fallsBack(failure)) {
          throw new AppError("unavailable", "The AI provider refused the request", { reason: "provider_rejected", attempts: tried });
        }
        break;
      }
    }
    throw new AppError("unavailable", "No AI provider could answer", { reason: "all_failed", attempts: tried });
  } finally {
    plan.ended();
  }
}

/** The attempt's billed usage now, and the promise of its ledger row (which never rejects). */
function recordAttempt(plan: RunPlan, target: AiRouteTarget, attempt: number, outcome: AiOutcome, stats: AttemptStats, promptChars: number) {
  const tokens = billedTokens(stats, promptChars, outcome === "ok" || outcome === "invalid_output");
  const price = plan.priceOf(target.provider, target.model);
  const cost = price ? costMicroUsd(price, tokens.inputTokens, tokens.outputTokens, answered(stats)) : 0;
  const entry: AttemptRecord = {
    ...plan.identity,
    callId: plan.callId,
    attempt,
    provider: target.provider,
    model: target.model,
    outcome,
    inputTokens: tokens.inputTokens,
    outputTokens: tokens.outputTokens,
    usageEstimated: tokens.estimated,
    costMicroUsd: cost,
    priced: Boolean(price),
    firstTokenMs: stats.firstTokenMs,
    totalMs: stats.totalMs,
  };
  const written = plan.record(entry).catch((err: unknown) => {
    // The answer is more use to the technician than a perfect ledger; the loss is logged loudly.
    plan.log.error({ err, callId: plan.callId, attempt }, "llm usage not recorded");
  });
  return { usage: { inputTokens: tokens.inputTokens, outputTokens: tokens.outputTokens, costMicroUsd: cost }, written };
}

function checkStructured(answer: string, schema: z.ZodType): { ok: true; value: unknown } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = extractJson(answer);
  } catch {
    return { ok: false, problem: "it is not a JSON object" };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${issue?.path.join(".") || "the object"}: ${issue?.message ?? "does not match"}` };
}

/** Restores placeholders in every string of a parsed answer. */
function restoreDeep(value: unknown, restore: (s: string) => string): unknown {
  if (typeof value === "string") return restore(value);
  if (Array.isArray(value)) return value.map((v) => restoreDeep(v, restore));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreDeep(v, restore)]));
  return value;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CompletionCancelled("The request was cancelled"));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CompletionCancelled("The request was cancelled"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
