// Reading the log in seq order without ever skipping a late commit ([M1]).
//
// Two transactions can take seq 7 and 8 and commit in the order 8, 7. A reader that saw 8 and moved
// its cursor past it would never see 7. So every seq below the highest one read that was not there
// is remembered as a gap, with the snapshot's xmax at the moment it was noticed. Each poll looks for
// the gaps again and folds those that have appeared. A gap is settled (its transaction rolled back)
// only once the oldest running transaction is newer than that xmax: then every transaction that
// could have held the seq has ended. Folding is order-independent, so folding 7 after 8 gives the
// same facts as folding them in order.
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { Db, Queryable } from "../db/index.ts";
import { MetricsEngine } from "./engine.ts";
import type { LogEvent } from "./facts.ts";
import type { SerializedOrg } from "./persist.ts";

const BATCH = 5000;
/** A gap also waits this long, covering the instant between an insert's nextval and its txid. */
const GAP_MIN_AGE_MS = 1000;
const MAX_GAPS = 100_000;
const CHECKPOINT_FORMAT = 1;
// Compressing a large state takes a while: off the event loop, so requests do not wait for it.
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

interface EventRow {
  seq: string | number;
  id: string;
  org_id: string;
  type: string;
  at: Date | string;
  actor_id: string | null;
  ticket_id: string | null;
  call_id: string | null;
  data: Record<string, unknown>;
}

interface Gap {
  /** The snapshot xmax when the gap was seen: once xmin passes it, the gap is settled. */
  horizon: bigint;
  seenAt: number;
}

const columns = "seq, id, org_id, type, at, actor_id, ticket_id, call_id, data";

export const toLogEvent = (row: EventRow): LogEvent => ({
  seq: Number(row.seq),
  id: row.id,
  orgId: row.org_id,
  type: row.type,
  at: new Date(row.at).getTime(),
  actorId: row.actor_id,
  ticketId: row.ticket_id,
  callId: row.call_id,
  data: typeof row.data === "string" ? JSON.parse(row.data) : row.data,
});

export class LogTailer {
  high = 0;
  readonly gaps = new Map<number, Gap>();

  constructor(
    public engine: MetricsEngine,
    private readonly now: () => number = Date.now,
  ) {}

  /** Folds what has committed since the last poll. Returns the organisations touched and whether more is waiting. */
  async poll(db: Db): Promise<{ orgs: Set<string>; more: boolean; folded: number }> {
    // One statement: it reads with one snapshot, so the xmin/xmax and the rows describe the same
    // moment without a transaction around several queries (one round trip per poll, not five).
    const result = await db.query<EventRow & { xmin: string; xmax: string; gap: boolean | null }>(
      `select s.xmin, s.xmax, e.*
         from (select pg_snapshot_xmin(pg_current_snapshot())::text as xmin, pg_snapshot_xmax(pg_current_snapshot())::text as xmax) s
         left join lateral (
           (select ${columns}, false as gap from events where seq > $1 order by seq limit ${BATCH})
           union all
           (select ${columns}, true as gap from events where seq = any($2::bigint[]))
         ) e on true`,
      [this.high, [...this.gaps.keys()]],
    );
    const snapshot = { xmin: BigInt(result[0]!.xmin), xmax: BigInt(result[0]!.xmax) };
    const rows = result.filter((r) => r.gap === false).sort((a, b) => Number(a.seq) - Number(b.seq));
    const found = result.filter((r) => r.gap === true);
    const orgs = new Set<string>();
    const fold = (row: EventRow) => {
      const event = toLogEvent(row);
      this.engine.fold(event);
      orgs.add(event.orgId);
    };
    for (const row of found) {
      this.gaps.delete(Number(row.seq));
      fold(row);
    }
    const seenAt = this.now();
    for (const row of rows) {
      const seq = Number(row.seq);
      for (let missing = this.high + 1; missing < seq; missing++) this.gaps.set(missing, { horizon: snapshot.xmax, seenAt });
      fold(row);
      this.high = seq;
    }
    for (const [seq, gap] of this.gaps) {
      if (snapshot.xmin >= gap.horizon && seenAt - gap.seenAt >= GAP_MIN_AGE_MS) this.gaps.delete(seq);
    }
    // A pathological number of rolled-back inserts must not grow without bound: forget the oldest.
    if (this.gaps.size > MAX_GAPS) for (const seq of [...this.gaps.keys()].slice(0, this.gaps.size - MAX_GAPS)) this.gaps.delete(seq);
    return { orgs, more: rows.length === BATCH, folded: rows.length + found.length };
  }

  /** Saves facts, position and open gaps; a node with an older position never overwrites a newer one. */
  async saveCheckpoint(db: Queryable, name = "engine"): Promise<void> {
    const state = await gzipAsync(JSON.stringify({ format: CHECKPOINT_FORMAT, orgs: this.engine.serialize() }));
    const gaps = [...this.gaps].map(([seq, g]) => [seq, g.horizon.toString()]);
    await db.query(
      `insert into metric_checkpoints (name, high_seq, gaps, event_count, state, saved_at) values ($1, $2, $3::jsonb, $4, $5, now())
       on conflict (name) do update set high_seq = excluded.high_seq, gaps = excluded.gaps, event_count = excluded.event_count,
              state = excluded.state, saved_at = excluded.saved_at
        where metric_checkpoints.high_seq <= excluded.high_seq`,
      [name, this.high, JSON.stringify(gaps), this.engine.folded, state],
    );
  }

  /** Restores from the checkpoint if there is one of this format; otherwise the fold starts from seq 0. */
  async loadCheckpoint(db: Queryable, name = "engine"): Promise<boolean> {
    const [row] = await db.query<{ high_seq: string | number; gaps: unknown; state: Uint8Array; event_count: string | number }>(
      "select high_seq, gaps, state, event_count from metric_checkpoints where name = $1",
      [name],
    );
    if (!row) return false;
    const parsed = JSON.parse((await gunzipAsync(row.state)).toString("utf8")) as { format: number; orgs: Record<string, SerializedOrg> };
    if (parsed.format !== CHECKPOINT_FORMAT) return false;
    this.engine = MetricsEngine.restore(parsed.orgs);
    this.engine.folded = Number(row.event_count);
    this.high = Number(row.high_seq);
    this.gaps.clear();
    const gaps = (typeof row.gaps === "string" ? JSON.parse(row.gaps) : row.gaps) as [number, string][];
    for (const [seq, horizon] of gaps) this.gaps.set(seq, { horizon: BigInt(horizon), seenAt: this.now() });
    return true;
  }
}
