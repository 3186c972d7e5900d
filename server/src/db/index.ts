import path from "node:path";
import type { Config } from "../config/index.ts";
import { migrate } from "./migrate.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";
import type { Db } from "./types.ts";

export type { Db, Queryable } from "./types.ts";
export { migrate, listMigrations } from "./migrate.ts";
export { openPglite } from "./pglite.ts";
export { openPostgres } from "./postgres.ts";

/** Opens the configured database (PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR) and migrates it. */
export async function openDatabase(config: Pick<Config, "databaseUrl" | "dataDir">): Promise<Db> {
  const db = config.databaseUrl
    ? openPostgres({ url: config.databaseUrl })
    : await openPglite({ dataDir: path.join(config.dataDir, "pglite") });
  await migrate(db);
  return db;
}
