// Fresh databases for tests: PGlite from a migrated-and-seeded snapshot (a fresh PGlite takes seconds
// to initialise; a snapshot loads in about one), or PostgreSQL in a schema of its own per test run.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { migrate, openPglite, openPostgres, type Db } from "../../server/src/db/index.ts";
import { seedDemo } from "../../server/src/seed/demo.ts";
import { requirePostgres, TEST_DATABASE_URL } from "./services.ts";

export const DEMO_PASSWORD = "caseroom";
const root = path.resolve(import.meta.dirname, "../..");
const cacheDir = path.join(root, ".test-cache");

/** Changes to migrations or demo data make a new snapshot. */
function snapshotKey(): string {
  const hash = createHash("sha256");
  const migrations = path.join(root, "server/src/db/migrations");
  for (const file of readdirSync(migrations).sort()) hash.update(file).update(readFileSync(path.join(migrations, file)));
  for (const file of ["server/src/seed/demo.ts", "server/src/seed/demoData.ts"]) hash.update(readFileSync(path.join(root, file)));
  return hash.digest("hex").slice(0, 16);
}

let snapshot: Promise<Buffer> | undefined;

function loadSnapshot(): Promise<Buffer> {
  snapshot ??= (async () => {
    const file = path.join(cacheDir, `pglite-${snapshotKey()}.tar`);
    if (existsSync(file)) return readFileSync(file);
    const db = await openPglite({});
    await migrate(db);
    await seedDemo(db, DEMO_PASSWORD);
    const dump = Buffer.from(await (await db.dump()).arrayBuffer());
    await db.close();
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, dump);
    renameSync(tmp, file); // atomic: parallel test files never read half a snapshot
    return dump;
  })();
  return snapshot;
}

/** An in-memory PGlite, migrated and seeded with the demo organisations. */
export async function freshPglite(): Promise<Db> {
  const dump = await loadSnapshot();
  return openPglite({ loadDataDir: new Blob([new Uint8Array(dump)]) });
}

/** A PostgreSQL database in a new schema, migrated and seeded; `drop` removes the schema. */
export async function freshPostgres(): Promise<{ db: Db; schema: string; url: string; drop(): Promise<void> }> {
  await requirePostgres();
  const schema = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create schema ${schema}`);
  const db = openPostgres({ url: TEST_DATABASE_URL, schema });
  await migrate(db);
  await seedDemo(db, DEMO_PASSWORD);
  return {
    db,
    schema,
    url: TEST_DATABASE_URL,
    async drop() {
      await db.close();
      await admin.unsafe(`drop schema if exists ${schema} cascade`);
      await admin.end({ timeout: 1 });
    },
  };
}
