import postgres from "postgres";
import type { Db, Queryable } from "./types.ts";

export interface PostgresOptions {
  url: string;
  /** Run everything inside this schema (tests use one schema per run so runs never collide). */
  schema?: string;
  maxConnections?: number;
}

export function openPostgres(options: PostgresOptions): Db {
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    connection: options.schema ? { search_path: options.schema } : {},
    // Keep int8 as strings, as PGlite does not; row mappers convert explicitly.
    types: {},
  });
  const wrap = (runner: postgres.Sql | postgres.TransactionSql): Queryable => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const rows = await runner.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return rows as unknown as Row[];
    },
    async exec(text: string) {
      await runner.unsafe(text);
    },
  });
  return {
    kind: "postgres",
    ...wrap(sql),
    async transaction(work) {
      return (await sql.begin((tx) => work(wrap(tx)))) as Awaited<ReturnType<typeof work>>;
    },
    async listen(channel, onPayload) {
      const subscription = await sql.listen(channel, onPayload);
      return () => subscription.unlisten();
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
