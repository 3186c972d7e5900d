// Group commit: updates that arrive while a write is in flight go together in the next write.
// An idle writer flushes at once, so a lone update waits for one round trip, not a timer.
import type { DocStore, StoredUpdate } from "./docStore.ts";

interface Pending extends StoredUpdate {
  resolve(): void;
  reject(err: unknown): void;
}

export interface GroupCommitStats {
  writes: number;
  updates: number;
}

export function groupCommitWriter(store: DocStore, { maxBatch = 5000 } = {}) {
  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  const stats: GroupCommitStats = { writes: 0, updates: 0 };

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await store.append(batch);
        stats.writes += 1;
        stats.updates += batch.length;
        for (const item of batch) item.resolve();
      } catch (err) {
        for (const item of batch) item.reject(err);
      }
    }
    flushing = undefined;
  }

  return {
    /** Resolves once the update is durable; rejects if the write failed (the caller must not relay it). */
    write(update: StoredUpdate): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ ...update, resolve, reject });
        flushing ??= drain();
      });
    },
    /** Resolves when everything queued so far is written. */
    async idle(): Promise<void> {
      while (flushing) await flushing;
    },
    stats,
  };
}
export type GroupCommitWriter = ReturnType<typeof groupCommitWriter>;
