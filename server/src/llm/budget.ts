// The monthly budget per organisation. The month's spend is read from the ledger and then kept in
// memory, added to as attempts are recorded and re-read every few seconds, so the check costs no
// query on the way to the first token and other nodes' spending shows within seconds. The budget is
// checked before a call starts: a call that starts under it finishes, so the limit can be passed
// by the calls in flight at that moment.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/index.ts";
import { appendEvents } from "../events/index.ts";
import { AppError } from "../http/index.ts";
import type { BudgetPeriod, UsageLedger } from "./usage.ts";

const REFRESH_MS = 5_000;

export interface BudgetGuard {
  /** Throws a 429 `rate_limited` with `details.reason: "budget_exceeded"` when the month's budget is spent. */
  check(input: { orgId: string; userId: string | null; ticketId: string | null; budgetMicroUsd: number | null }): Promise<void>;
  /** Adds a recorded attempt's cost to the cached spend. */
  spent(orgId: string, costMicroUsd: number): void;
  period(orgId: string): Promise<BudgetPeriod>;
  forget(orgId: string): void;
}

export function budgetGuard(db: Db, ledger: UsageLedger): BudgetGuard {
  const cache = new Map<string, { at: number; value: Promise<BudgetPeriod> }>();

  const period = (orgId: string): Promise<BudgetPeriod> => {
    const hit = cache.get(orgId);
    // Re-read after a while, and at once when the month has turned.
    if (hit && Date.now() - hit.at < REFRESH_MS) {
      return hit.value.then((p) => (Date.now() < Date.parse(p.nextStart) ? p : (cache.delete(orgId), period(orgId))));
    }
    const value = ledger.period(orgId);
    cache.set(orgId, { at: Date.now(), value });
    value.catch(() => cache.delete(orgId));
    return value;
  };

  return {
    period,
    forget: (orgId) => void cache.delete(orgId),
    spent(orgId, cost) {
      const hit = cache.get(orgId);
      if (hit && cost > 0) hit.value = hit.value.then((p) => ({ ...p, spentMicroUsd: p.spentMicroUsd + cost }));
    },
    async check({ orgId, userId, ticketId, budgetMicroUsd }) {
      if (budgetMicroUsd === null) return;
      const p = await period(orgId);
      if (p.spentMicroUsd < budgetMicroUsd) return;
      await announceOnce(db, { orgId, userId, ticketId, period: p.period, budgetMicroUsd, spentMicroUsd: p.spentMicroUsd });
      throw new AppError(
        "rate_limited",
        "The organisation's monthly AI budget is spent",
        { reason: "budget_exceeded", budgetMicroUsd, spentMicroUsd: p.spentMicroUsd, resetsAt: p.nextStart },
        Math.max(1, Math.ceil((Date.parse(p.nextStart) - Date.now()) / 1000)),
      );
    },
  };
}

/** Writes `ai.budget_exceeded` once per organisation and month, whichever node refuses first. */
async function announceOnce(
  db: Db,
  e: { orgId: string; userId: string | null; ticketId: string | null; period: string; budgetMicroUsd: number; spentMicroUsd: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    const claimed = await tx.query(
      "update ai_settings set budget_notified_period = $2 where org_id = $1 and budget_notified_period is distinct from $2 returning org_id",
      [e.orgId, e.period],
    );
    if (claimed.length === 0) return;
    await appendEvents(tx, e.orgId, [
      {
        id: randomUUID(),
        type: "ai.budget_exceeded",
        at: new Date().toISOString(),
        actorId: e.userId,
        ticketId: e.ticketId,
        data: { period: e.period, budgetMicroUsd: e.budgetMicroUsd, spentMicroUsd: e.spentMicroUsd },
      },
    ]);
  });
}
