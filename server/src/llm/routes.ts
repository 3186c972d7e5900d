// HTTP for staff: POST /api/ai/complete streams an answer as server-sent events; GET /api/ai/usage
// reports tokens and cost for admins. Thin adapters over the gateway core.
import { AiCompleteBodySchema, AiUsageQuerySchema } from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff } from "../auth/index.ts";
import { AppError, parseInput, validationError } from "../http/index.ts";
import type { LlmGateway } from "./gateway.ts";
import { CompletionCancelled } from "./runner.ts";
import { openSse } from "./sse.ts";

const MAX_REPORT_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

export function registerCompletionRoutes(router: Router, deps: { gateway: LlmGateway }): void {
  const { gateway } = deps;

  router.post("/api/ai/complete", async (req, res) => {
    const principal = requireStaff(req, "ai:use");
    const body = parseInput(AiCompleteBodySchema, req.body, "completion request");
    // Refusals (no provider, budget, unknown ticket) are still plain HTTP errors: nothing is streaming yet.
    const call = await gateway.prepare({ orgId: principal.orgId, userId: principal.userId, ...body });
    const controller = new AbortController();
    // The reader went away before the end: stop the provider's stream too.
    res.on("close", () => {
      if (!res.writableEnded) controller.abort();
    });
    if (req.socket.destroyed) controller.abort();
    const sse = openSse(res);
    try {
      for await (const { type, ...data } of call.run(controller.signal)) {
        await sse.send(type, data);
      }
    } catch (err) {
      if (err instanceof CompletionCancelled || controller.signal.aborted) return;
      if (err instanceof AppError) {
        await sse.send("error", err.toWire());
      } else {
        req.log.error({ err, callId: call.callId }, "llm stream failed");
        await sse.send("error", { code: "internal", message: "Internal error", details: { requestId: req.id } });
      }
    } finally {
      sse.end();
    }
  });

  router.get("/api/ai/usage", async (req, res) => {
    const principal = requireStaff(req, "ai:admin");
    const query = parseInput(AiUsageQuerySchema, req.query, "query");
    const { timeZone, monthlyBudgetMicroUsd } = await gateway.orgConfig.get(principal.orgId);
    const to = query.to ?? localDate(new Date(), timeZone);
    const from = query.from ?? localDate(new Date(Date.parse(to) - 29 * DAY_MS), "UTC");
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (days < 1 || days > MAX_REPORT_DAYS) {
      throw validationError("query", [{ code: "custom", path: ["from"], message: `from must be on or before to, at most ${MAX_REPORT_DAYS} days apart`, input: from }]);
    }
    const report = await gateway.ledger.report(principal.orgId, { from, to, groupBy: query.groupBy, timeZone });
    const period = await gateway.ledger.period(principal.orgId);
    res.json({
      from,
      to,
      timeZone,
      groupBy: query.groupBy,
      ...report,
      budget: { monthlyBudgetMicroUsd, spentMicroUsd: period.spentMicroUsd, periodStart: period.start },
    });
  });
}

/** `YYYY-MM-DD` of an instant in a time zone. */
function localDate(at: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
  } catch {
    return at.toISOString().slice(0, 10);
  }
}
