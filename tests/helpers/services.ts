// The real services the tests need. When one is missing the test fails loudly, saying how to start it.
import postgres from "postgres";
import { createClient } from "redis";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export async function requirePostgres(): Promise<void> {
  const sql = postgres(TEST_DATABASE_URL, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at TEST_DATABASE_URL=${TEST_DATABASE_URL} (${String(err)}).\n` +
        "Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_DATABASE_URL.",
    );
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export async function requireRedis(): Promise<void> {
  const client = createClient({ url: TEST_REDIS_URL, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `Redis is not reachable at TEST_REDIS_URL=${TEST_REDIS_URL} (${String(err)}).\n` +
        "Start it (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no) or set TEST_REDIS_URL.",
    );
  } finally {
    if (client.isOpen) await client.quit();
  }
}
