// The embedded default: PGlite (PostgreSQL compiled to WebAssembly) in-process, in a data folder.
// In-process rather than over pglite-socket, because the socket server is one shared session.
import { PGlite, type Transaction } from "@electric-sql/pglite";
import type { Db, Queryable } from "./types.ts";

export interface PgliteOptions {
  /** A folder for the data, or undefined for memory only. */
  dataDir?: string;
  /** Start from a dump made by `dumpDataDir` (tests start from a migrated snapshot). */
  loadDataDir?: Blob | File;
}

export async function openPglite(options: PgliteOptions): Promise<Db & { dump(): Promise<Blob> }> {
  const pg = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const wrap = (runner: PGlite | Transaction): Queryable => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await runner.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(text: string) {
      await runner.exec(text);
    },
  });
  return {
    kind: "pglite",
    ...wrap(pg),
    transaction: (work) => pg.transaction((tx) => work(wrap(tx))),
    async listen(channel, onPayload) {
      const unsubscribe = await pg.listen(channel, onPayload);
      return () => unsubscribe();
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
    dump: async () => (await pg.dumpDataDir("none")) as Blob,
  };
}
