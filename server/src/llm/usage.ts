// The ledger: one row per provider attempt, the month's spend for the budget, and the usage report.
import type { AiOutcome, AiUsageGroup, AiUsageResponse, AiUsageRow } from "@caseroom/shared";
import type { Db } from "../db/index.ts";

export interface AttemptRecord {
  orgId: string;
  callId: string;
  attempt: number;
  userId: string | null;
  ticketId: string | null;
  task: string;
  provider: string;
  model: string;
  outcome: AiOutcome;
  inputTokens: number;
  outputTokens: number;
  usageEstimated: boolean;
  costMicroUsd: number;
  priced: boolean;
  firstTokenMs: number | null;
  totalMs: number;
}

export interface BudgetPeriod {
  /** `2026-03`: the calendar month in the organisation's time zone. */
  period: string;
  start: string;
  nextStart: string;
  spentMicroUsd: number;
}

// The current month in the organisation's time zone, as bounds in absolute time.
const PERIOD_SQL = `
  with tz as (select time_zone from orgs where id = $1),
  p as (select date_trunc('month', now() at time zone (select time_zone from tz)) as local_start)
  select to_char(local_start, 'YYYY-MM') as period,
         local_start at time zone (select time_zone from tz) as start,
         (local_start + interval '1 month') at time zone (select time_zone from tz) as next_start
  from p`;

export interface UsageLedger {
  /** Resolves once the row is written. Rows are written in small batches, see below. */
  record(entry: AttemptRecord): Promise<void>;
  /** Writes whatever is waiting (at shutdown). */
  flush(): Promise<void>;
  period(orgId: string): Promise<BudgetPeriod>;
  report(orgId: string, query: { from: string; to: string; groupBy: AiUsageGroup; timeZone: string }): Promise<Pick<AiUsageResponse, "rows" | "totals">>;
}

/**
 * Attempts are written in batches: whatever arrived within BATCH_MS goes in one statement. Every
 * stream ends with a write, and with many streams one statement per attempt would keep the database
 * (the embedded one runs on this thread) busy exactly when other streams' first tokens arrive.
 */
const BATCH_MS = 20;
const MAX_BATCH = 100;

export function usageLedger(db: Db): UsageLedger {
  let waiting: { entry: AttemptRecord; done: (err?: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    const columns = 16;
    const values = batch.map((_, i) => `(${Array.from({ length: columns }, (_, j) => `$${i * columns + j + 1}`).join(", ")})`);
    const params = batch.flatMap(({ entry: e }) => [
      e.orgId, e.callId, e.attempt, e.userId, e.ticketId, e.task, e.provider, e.model, e.outcome, e.inputTokens, e.outputTokens,
      e.usageEstimated, e.costMicroUsd, e.priced, e.firstTokenMs, e.totalMs,
    ]);
    try {
      await db.query(
        `insert into ai_usage (org_id, call_id, attempt, user_id, ticket_id, task, provider, model, outcome, input_tokens, output_tokens,
           usage_estimated, cost_micro_usd, priced, first_token_ms, total_ms)
         values ${values.join(", ")}`,
        params,
      );
      for (const { done } of batch) done();
    } catch (err) {
      for (const { done } of batch) done(err);
    }
  }

  return {
    record(entry) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ entry, done: (err) => (err ? reject(err) : resolve()) });
        if (waiting.length >= MAX_BATCH) void flush();
        else timer ??= setTimeout(() => void flush(), BATCH_MS);
      });
    },
    flush,

    async period(orgId) {
      const [row] = await db.query<{ period: string; start: Date | string; next_start: Date | string }>(PERIOD_SQL, [orgId]);
      if (!row) throw new Error(`organisation ${orgId} not found`);
      const [spent] = await db.query<{ total: string | number | null }>(
        "select sum(cost_micro_usd) as total from ai_usage where org_id = $1 and at >= $2",
        [orgId, row.start],
      );
      return {
        period: row.period,
        start: new Date(row.start).toISOString(),
        nextStart: new Date(row.next_start).toISOString(),
        spentMicroUsd: Number(spent?.total ?? 0),
      };
    },

    async report(orgId, { from, to, groupBy, timeZone }) {
      const key = {
        provider: "u.provider",
        task: "u.task",
        user: "coalesce(u.user_id::text, '')",
        day: "to_char(u.at at time zone $4, 'YYYY-MM-DD')",
      }[groupBy];
      const rows = await db.query<ReportRow>(
        `select ${key} as key, ${groupBy === "user" ? "max(us.name)" : "null"} as label, ${AGGREGATES}
         from ai_usage u ${groupBy === "user" ? "left join users us on us.id = u.user_id" : ""}
         where u.org_id = $1 and u.at >= ($2::date::timestamp at time zone $4) and u.at < (($3::date + 1)::timestamp at time zone $4)
         group by 1 order by 1`,
        [orgId, from, to, timeZone],
      );
      const [totals] = await db.query<ReportRow>(
        `select ${AGGREGATES} from ai_usage u
         where u.org_id = $1 and u.at >= ($2::date::timestamp at time zone $4) and u.at < (($3::date + 1)::timestamp at time zone $4)`,
        [orgId, from, to, timeZone],
      );
      const { key: _k, label: _l, ...total } = toRow(totals ?? ({} as ReportRow));
      return { rows: rows.map(toRow), totals: total };
    },
  };
}

const AGGREGATES = `count(*) as attempts,
  count(*) filter (where u.outcome = 'ok') as succeeded,
  coalesce(sum(u.input_tokens), 0) as input_tokens,
  coalesce(sum(u.output_tokens), 0) as output_tokens,
  coalesce(sum(u.cost_micro_usd), 0) as cost,
  count(*) filter (where not u.priced) as unpriced,
  avg(u.first_token_ms) filter (where u.outcome = 'ok') as avg_first_token_ms`;

interface ReportRow {
  key?: string;
  label?: string | null;
  attempts: string | number;
  succeeded: string | number;
  input_tokens: string | number;
  output_tokens: string | number;
  cost: string | number;
  unpriced: string | number;
  avg_first_token_ms: string | number | null;
}

function toRow(r: ReportRow): AiUsageRow {
  const attempts = Number(r.attempts ?? 0);
  const succeeded = Number(r.succeeded ?? 0);
  return {
    key: r.key ?? "",
    label: r.label ?? null,
    attempts,
    succeeded,
    failed: attempts - succeeded,
    inputTokens: Number(r.input_tokens ?? 0),
    outputTokens: Number(r.output_tokens ?? 0),
    costMicroUsd: Number(r.cost ?? 0),
    unpriced: Number(r.unpriced ?? 0),
    avgFirstTokenMs: r.avg_first_token_ms == null ? null : Math.round(Number(r.avg_first_token_ms)),
  };
}
