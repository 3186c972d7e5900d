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
    // The Db contract passes JSON as text. postgres.js would JSON-encode that string a second time
    // when the parameter's type is json/jsonb; PGlite does not. Pass text through as it is.
    types: {
      jsonText: {
        to: 3802,
        from: [114, 3802],
        serialize: (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value)),
        parse: (text: string) => JSON.parse(text),
      },
    },
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
