// The gateway's core, free of HTTP: everything that can refuse a call is checked in `prepare` (so a
// transport can still answer with a plain error status), then `run` streams the answer. Server-side
// callers such as the co-pilot use `complete`, and `available` to know whether to offer AI at all.
import { randomUUID } from "node:crypto";
import type { AiDoneEvent, AiProvider, AiTask, TestAiProviderResponse } from "@caseroom/shared";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { AppError, notFound } from "../http/index.ts";
import type { Logger } from "../log.ts";
import { answered, AttemptError, newStats, runAttempt } from "./attempt.ts";
import { budgetGuard, type BudgetGuard } from "./budget.ts";
import { costMicroUsd, defaultModels } from "./catalog.ts";
import { orgConfigCache, priceKey, routeFor, type OrgConfigCache } from "./orgConfig.ts";
import { buildPrompt, tasks } from "./prompt.ts";
import { Redaction } from "./redaction.ts";
import { CompletionCancelled, runChain, type GatewayEvent, type RunPlan } from "./runner.ts";
import { secretBox, type SecretBox } from "./secrets.ts";
import { streamSlots } from "./streamSlots.ts";
import { usageLedger, type UsageLedger } from "./usage.ts";

export interface LlmGatewayDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, "llm" | "llmTimeouts" | "llmMaxStreamsPerUser" | "secretsKey">;
  /** The longest retry-after the gateway waits out before asking the same provider again. */
  maxRetryWaitMs?: number;
}

export interface CompletionRequest {
  orgId: string;
  userId: string | null;
  ticketId?: string | undefined;
  task: AiTask;
  input: string;
  instructions?: string | undefined;
  language?: string | undefined;
}

export interface PreparedCompletion {
  callId: string;
  /**
   * Runs the call; stops (and closes the provider connection) when `signal` aborts or iteration stops.
   * A prepared call holds one of its user's stream slots until this ends: iterate it, exactly once.
   */
  run(signal: AbortSignal): AsyncGenerator<GatewayEvent>;
}

export interface LlmGateway {
  prepare(request: CompletionRequest): Promise<PreparedCompletion>;
  complete(request: CompletionRequest, signal?: AbortSignal): Promise<{ text: string; done: AiDoneEvent }>;
  available(orgId: string, task: AiTask): Promise<boolean>;
  testProvider(input: { orgId: string; userId: string; provider: AiProvider; model?: string | undefined }): Promise<TestAiProviderResponse>;
  readonly orgConfig: OrgConfigCache;
  readonly budget: BudgetGuard;
  readonly ledger: UsageLedger;
  /** Undefined when keys cannot be stored (production without SECRETS_KEY). */
  readonly box: SecretBox | undefined;
  close(): Promise<void>;
}

const TEST_TIMEOUTS = { firstTokenMs: 15_000, totalMs: 20_000 };

export async function createLlmGateway(deps: LlmGatewayDeps): Promise<LlmGateway> {
  const { db, log, config } = deps;
  const box = config.secretsKey ? secretBox(config.secretsKey) : undefined;
  const orgConfig = await orgConfigCache({ db, log, llm: config.llm, box });
  const ledger = usageLedger(db);
  const budget = budgetGuard(db, ledger);
  const maxRetryWaitMs = deps.maxRetryWaitMs ?? 2_000;
  const slots = streamSlots(config.llmMaxStreamsPerUser);

  const record = async (entry: Parameters<UsageLedger["record"]>[0]) => {
    await ledger.record(entry);
    budget.spent(entry.orgId, entry.costMicroUsd);
  };

  async function prepare(request: CompletionRequest): Promise<PreparedCompletion> {
    if (request.ticketId) {
      const found = await db.query("select 1 from tickets where id = $1 and org_id = $2", [request.ticketId, request.orgId]);
      if (found.length === 0) throw notFound("Ticket");
    }
    const org = await orgConfig.get(request.orgId);
    const chain = routeFor(org, request.task).flatMap((target) => {
      const reachable = org.reachable.get(target.provider);
      return reachable ? [{ target, client: reachable.client }] : [];
    });
    if (chain.length === 0) {
      throw new AppError("unavailable", "No AI provider is configured for this organisation", { reason: "no_provider" });
    }
    await budget.check({ orgId: request.orgId, userId: request.userId, ticketId: request.ticketId ?? null, budgetMicroUsd: org.monthlyBudgetMicroUsd });
    const redaction = new Redaction(org.redaction);
    const prompt = buildPrompt({
      task: request.task,
      data: redaction.redact(request.input),
      instructions: request.instructions ? redaction.redact(request.instructions) : undefined,
      language: request.language,
    });
    const definition = tasks[request.task];
    const callId = randomUUID();
    // Last, so a call refused for any other reason holds no slot. Server-side calls without a user are not limited.
    const release = request.userId ? slots.take(request.userId) : () => {};
    let callLog: Logger | undefined;
    const plan: RunPlan = {
      callId,
      identity: { orgId: request.orgId, userId: request.userId, ticketId: request.ticketId ?? null, task: request.task },
      chain,
      prompt,
      maxOutputTokens: definition.maxOutputTokens,
      schema: definition.schema,
      redaction,
      priceOf: (provider, model) => org.prices.get(priceKey(provider, model)),
      record,
      ended: release,
      timeouts: config.llmTimeouts,
      maxRetryWaitMs,
      // Made when first needed (a failure): most calls log nothing.
      get log() {
        return (callLog ??= log.child({ callId, orgId: request.orgId, task: request.task }));
      },
    };
    return {
      callId,
      run: (signal) => runChain(plan, signal),
    };
  }

  return {
    orgConfig,
    budget,
    ledger,
    box,
    prepare,

    async complete(request, signal = new AbortController().signal) {
      const call = await prepare(request);
      let text = "";
      for await (const event of call.run(signal)) {
        if (event.type === "delta") text += event.text;
        else if (event.type === "restart") text = "";
        else {
          const { type: _type, ...done } = event;
          return { text, done };
        }
      }
      throw new CompletionCancelled("The call ended without an answer");
    },

    async available(orgId, task) {
      const org = await orgConfig.get(orgId);
      return routeFor(org, task).some((target) => org.reachable.has(target.provider));
    },

    async testProvider({ orgId, userId, provider, model }) {
      const org = await orgConfig.get(orgId);
      const reachable = org.reachable.get(provider);
      if (!reachable) throw new AppError("not_found", "This provider has no key to test");
      const chosen = model ?? defaultModels[provider];
      const stats = newStats();
      const request = { model: chosen, system: "This is a connection test. Reply with the single word OK.", messages: [{ role: "user" as const, content: "OK?" }], maxOutputTokens: 16, json: false };
      let outcome: TestAiProviderResponse["outcome"] = "ok";
      try {
        for await (const _text of runAttempt(reachable.client, request, new AbortController().signal, TEST_TIMEOUTS, stats));
      } catch (err) {
        if (!(err instanceof AttemptError)) throw err;
        outcome = err.failure.outcome;
        log.info({ orgId, provider, outcome, status: err.failure.status }, "llm connection test failed");
      }
      const usage = stats.reportedUsage ?? { inputTokens: 0, outputTokens: 0 };
      const price = org.prices.get(priceKey(provider, chosen));
      await record({
        orgId, callId: randomUUID(), attempt: 1, userId, ticketId: null, task: "connection_test", provider, model: chosen, outcome,
        ...usage, usageEstimated: false, costMicroUsd: price ? costMicroUsd(price, usage.inputTokens, usage.outputTokens, answered(stats)) : 0,
        priced: Boolean(price), firstTokenMs: stats.firstTokenMs, totalMs: stats.totalMs,
      });
      return { ok: outcome === "ok", provider, model: chosen, outcome, latencyMs: stats.totalMs };
    },

    async close() {
      await orgConfig.close();
      await ledger.flush();
    },
  };
}
