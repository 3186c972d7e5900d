// Starts the real application on an ephemeral port with a fresh database, and an HTTP client that
// keeps a session cookie like a browser does.
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createApplication, type AppOptions } from "../../server/src/app.ts";
import { loadConfig } from "../../server/src/config/index.ts";
import type { Db } from "../../server/src/db/index.ts";
import { createLogger } from "../../server/src/log.ts";
import { DEMO_PASSWORD, freshPglite, freshPostgres } from "./databases.ts";

export interface TestServer {
  url: string;
  port: number;
  db: Db;
  dataDir: string;
  close(): Promise<void>;
}

export interface StartOptions {
  database?: "pglite" | "postgres";
  redisUrl?: string;
  /** Extra environment for loadConfig. */
  env?: Record<string, string>;
  /** Tuning passed to createApplication (lower limits, shorter timers). */
  app?: AppOptions;
  /** Receives every log line (JSON), at LOG_LEVEL from `env` or TEST_LOG_LEVEL. */
  logTo?: { write(line: string): void };
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "caseroom-test-"));
  const pg = options.database === "postgres" ? await freshPostgres() : undefined;
  const db = pg ? pg.db : await freshPglite();
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  });
  const log = createLogger(config.logLevel, options.logTo);
  const app = await createApplication({ config, db, log }, options.app);
  await new Promise<void>((resolve) => app.httpServer.listen(0, "127.0.0.1", resolve));
  const port = (app.httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    db,
    dataDir,
    async close() {
      await app.close();
      if (pg) await pg.drop();
      else await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A fetch-based client with a cookie jar of one session. */
export class ApiClient {
  cookie: string | undefined;
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, url: string, body?: unknown, init: { raw?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookie) headers.cookie = this.cookie;
    let payload: string | undefined = init.raw;
    if (body !== undefined) {
      headers["content-type"] ??= "application/json";
      payload = JSON.stringify(body);
    } else if (init.raw !== undefined) {
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(this.baseUrl + url, { method, headers, body: payload });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const pair = c.split(";")[0]!;
      this.cookie = /=$/.test(pair) || /expires=Thu, 01 Jan 1970/i.test(c) ? undefined : pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  get = <T = any>(url: string) => this.request<T>("GET", url);
  post = <T = any>(url: string, body?: unknown) => this.request<T>("POST", url, body);
  patch = <T = any>(url: string, body?: unknown) => this.request<T>("PATCH", url, body);
  delete = <T = any>(url: string) => this.request<T>("DELETE", url);
}

/** Logs a demo user in and returns their client. */
export async function loginAs(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<ApiClient> {
  const client = new ApiClient(baseUrl);
  const res = await client.post("/api/auth/login", { email, password });
  if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}

/** Polls until the check returns a truthy value, or throws after the deadline. Never a fixed sleep. */
export async function waitFor<T>(check: () => T | Promise<T>, { timeoutMs = 5000, intervalMs = 20, what = "condition" } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
