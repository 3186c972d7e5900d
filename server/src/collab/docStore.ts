// Persistence of ticket documents: append updates, load snapshot + updates, compact in the background.
import * as Y from "yjs";
import type { Db } from "../db/index.ts";

export interface StoredUpdate {
  ticketId: string;
  orgId: string;
  update: Uint8Array;
}

const bytes = (value: unknown): Uint8Array => (value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer));

// One statement carries at most this many rows (3 parameters each, far below PostgreSQL's 65,535).
const MAX_ROWS_PER_INSERT = 1000;

export function docStore(db: Db) {
  return {
    /** Stores a batch of updates in one transaction: the group commit's single write. */
    async append(batch: readonly StoredUpdate[]): Promise<void> {
      if (batch.length === 0) return;
      await db.transaction(async (tx) => {
        for (let start = 0; start < batch.length; start += MAX_ROWS_PER_INSERT) {
          const rows = batch.slice(start, start + MAX_ROWS_PER_INSERT);
          const params: unknown[] = [];
          const values = rows.map((row) => `($${params.push(row.ticketId)}, $${params.push(row.orgId)}, $${params.push(row.update)})`);
          await tx.query(`insert into ticket_doc_updates (ticket_id, org_id, update) values ${values.join(", ")}`, params);
        }
      });
    },

    /** Everything needed to rebuild the document: the snapshot first, then the remaining updates. */
    async load(ticketId: string): Promise<{ updates: Uint8Array[]; bytes: number; pending: number }> {
      const [snapshot] = await db.query<{ state: Uint8Array }>("select state from ticket_doc_snapshots where ticket_id = $1", [ticketId]);
      const rows = await db.query<{ update: Uint8Array }>("select update from ticket_doc_updates where ticket_id = $1 order by seq", [ticketId]);
      const updates = [...(snapshot ? [bytes(snapshot.state)] : []), ...rows.map((row) => bytes(row.update))];
      return { updates, bytes: updates.reduce((n, u) => n + u.byteLength, 0), pending: rows.length };
    },

    /**
     * Merges the snapshot and the updates read into a new snapshot, and deletes exactly the rows it
     * merged. Works from the database alone, so any node may compact any document at any time.
     */
    async compact(ticketId: string): Promise<{ merged: number; bytes: number }> {
      return db.transaction(async (tx) => {
        await tx.query("select pg_advisory_xact_lock(hashtext($1))", [`collab:${ticketId}`]);
        const [snapshot] = await tx.query<{ state: Uint8Array; org_id: string }>(
          "select state, org_id from ticket_doc_snapshots where ticket_id = $1",
          [ticketId],
        );
        const rows = await tx.query<{ seq: string | number; update: Uint8Array; org_id: string }>(
          "select seq, update, org_id from ticket_doc_updates where ticket_id = $1 order by seq",
          [ticketId],
        );
        if (rows.length === 0) return { merged: 0, bytes: snapshot ? bytes(snapshot.state).byteLength : 0 };
        const state = Y.mergeUpdates([...(snapshot ? [bytes(snapshot.state)] : []), ...rows.map((row) => bytes(row.update))]);
        await tx.query(
          `insert into ticket_doc_snapshots (ticket_id, org_id, state, updates_merged) values ($1, $2, $3, $4)
           on conflict (ticket_id) do update set state = excluded.state, updates_merged = ticket_doc_snapshots.updates_merged + excluded.updates_merged, updated_at = now()`,
          [ticketId, rows[0]!.org_id, state, rows.length],
        );
        await tx.query("delete from ticket_doc_updates where ticket_id = $1 and seq = any($2::bigint[])", [ticketId, rows.map((row) => String(row.seq))]);
        return { merged: rows.length, bytes: state.byteLength };
      });
    },
  };
}
export type DocStore = ReturnType<typeof docStore>;
