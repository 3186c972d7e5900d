// Uploads that never joined a message (the customer closed the page, the technician changed their
// mind) are removed after a day, bytes and row, so storage holds only what a thread shows. Spool
// folders left by a crashed process go too.
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import type { ObjectStore } from "../storage/index.ts";

export const UNCLAIMED_TTL_MS = 24 * 60 * 60 * 1000;
const BATCH = 200;

/** Removes unclaimed attachments older than `olderThanMs`; returns how many went. */
export async function sweepUnclaimedAttachments(db: Db, storage: ObjectStore, olderThanMs = UNCLAIMED_TTL_MS): Promise<number> {
  const rows = await db.query<{ id: string; storage_key: string; thumbnail_key: string | null }>(
    `select id, storage_key, thumbnail_key from attachments
      where message_id is null and created_at < now() - ($1::bigint * interval '1 millisecond')
      order by created_at limit $2`,
    [olderThanMs, BATCH],
  );
  let removed = 0;
  for (const row of rows) {
    // The row goes only if it is still unclaimed at this moment; then its bytes.
    const [gone] = await db.query<{ id: string }>("delete from attachments where id = $1 and message_id is null returning id", [row.id]);
    if (!gone) continue;
    await storage.delete(row.storage_key);
    if (row.thumbnail_key) await storage.delete(row.thumbnail_key);
    removed++;
  }
  return removed;
}

/** Removes spool folders of other processes that are older than a day (a crash left them). */
export async function sweepSpool(tmpRoot: string, own: string, log: Logger): Promise<void> {
  const entries = await readdir(tmpRoot).catch(() => [] as string[]);
  for (const name of entries) {
    const full = path.join(tmpRoot, name);
    if (full === own) continue;
    const info = await stat(full).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > UNCLAIMED_TTL_MS) await rm(full, { recursive: true, force: true }).catch((err) => log.warn({ err: String(err) }, "could not remove an old upload spool"));
  }
}
