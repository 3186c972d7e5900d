// Keeps this node's engine up to date: restore the checkpoint, tail the log, fold on every NOTIFY
// (the trigger of migration 003 sends one per writing statement) and on a slow poll as a safety net,
// checkpoint and prune now and then. Every node runs its own, reading the same log ([M19]).
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import { MetricsEngine } from "./engine.ts";
import { RETENTION_MS } from "./persist.ts";
import { LogTailer } from "./tail.ts";

export interface RunnerOptions {
  db: Db;
  log: Logger;
  /** Told after each fold which organisations changed. */
  onFolded(orgIds: Set<string>): void;
  pollMs?: number;
  checkpointMs?: number;
  pruneMs?: number;
}

export interface MetricsRunner {
  readonly engine: MetricsEngine;
  readonly tailer: LogTailer;
  /** Folds whatever has committed; resolves when this node has caught up. */
  catchUp(): Promise<void>;
  /** Resolves once the log as it stood at start has been folded. */
  readonly ready: Promise<void>;
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

export async function startMetricsRunner(options: RunnerOptions): Promise<MetricsRunner> {
  const { db, log } = options;
  const tailer = new LogTailer(new MetricsEngine());
  try {
    if (await tailer.loadCheckpoint(db)) log.info({ highSeq: tailer.high }, "metrics checkpoint restored");
  } catch (err) {
    // A damaged checkpoint costs a full fold, never the start.
    log.warn({ err }, "metrics checkpoint unreadable; folding the log from the start");
  }

  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  function catchUp(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          let more = true;
          while (more && !closed) {
            const result = await tailer.poll(db);
            more = result.more;
            if (result.orgs.size > 0) options.onFolded(result.orgs);
          }
        } while (again && !closed);
      } catch (err) {
        if (!closed) log.error({ err }, "metrics fold failed");
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  let savedAt = -1;
  async function checkpoint() {
    if (savedAt === tailer.engine.folded + tailer.high) return;
    await tailer.saveCheckpoint(db);
    savedAt = tailer.engine.folded + tailer.high;
  }

  // The first fold after an upgrade can take a while on a long log: the node listens meanwhile, and
  // figures are served once it is done (`ready`), never half-folded.
  const ready = catchUp();
  const unlisten = await db.listen("caseroom_events", () => void catchUp());
  const timers = [
    setInterval(() => void catchUp(), options.pollMs ?? 2_000),
    // Every few minutes: serialising a big state costs the event loop a moment, and a restart
    // only has to fold what came after the checkpoint.
    setInterval(() => void checkpoint().catch((err) => log.warn({ err }, "metrics checkpoint failed")), options.checkpointMs ?? 5 * 60_000),
    setInterval(() => tailer.engine.prune(Date.now() - RETENTION_MS), options.pruneMs ?? 60 * 60_000),
  ];
  for (const timer of timers) timer.unref();

  return {
    get engine() {
      return tailer.engine;
    },
    tailer,
    ready,
    catchUp,
    checkpoint,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await unlisten().catch(() => {});
      await running;
      closed = true;
      await checkpoint().catch((err) => log.warn({ err }, "metrics checkpoint failed"));
    },
  };
}
