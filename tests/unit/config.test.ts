// loadConfig: the environment read once into one typed object; a bad value stops the start naming it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError, loadConfig, type Config } from "../../server/src/config/index.ts";

const SECRET = "s".repeat(32);

interface Ctx {
  dataDir: string;
  load(env?: Record<string, string>): Config;
  /** The ConfigError message of a refused environment. */
  refused(env: Record<string, string>): string;
}

function context(ctx: Ctx) {
  ctx.dataDir = mkdtempSync(path.join(os.tmpdir(), "caseroom-config-"));
  ctx.load = (env = {}) => loadConfig({ DATA_DIR: ctx.dataDir, ...env });
  ctx.refused = (env) => {
    try {
      ctx.load(env);
    } catch (err) {
      assert.instance(err, ConfigError);
      return (err as Error).message;
    }
    throw new Error(`expected ${JSON.stringify(env)} to be refused`);
  };
}

const test = suite<Ctx>("loadConfig");
test.before(context);
test.after((ctx) => rmSync(ctx.dataDir, { recursive: true, force: true }));

test("defaults: development on port 3000, embedded database, no optional services", ({ load, dataDir }) => {
  const config = load();
  assert.is(config.env, "development");
  assert.is(config.port, 3000);
  assert.is(config.host, "0.0.0.0");
  assert.is(config.logLevel, "info");
  assert.is(config.dataDir, path.resolve(dataDir));
  assert.is(config.databaseUrl, undefined);
  assert.is(config.redisUrl, undefined);
  assert.is(config.publicUrl, "http://localhost:3000");
  assert.is(config.secureCookies, false);
  assert.is(config.seedDemo, true);
  assert.is(config.demoPassword, "caseroom");
  assert.is(config.trustProxy, false);
  assert.is(config.livekit, undefined);
  assert.equal(config.stt, { deepgramApiKey: undefined, deepgramBaseUrl: undefined, deepgramModel: "nova-3", baseUrl: undefined, apiKey: undefined, model: "whisper-1", language: undefined });
  for (const provider of Object.values(config.llm)) assert.equal(provider, { apiKey: undefined, baseUrl: undefined });
  assert.equal(config.storage, { dir: path.join(path.resolve(dataDir), "attachments"), s3: undefined });
});

test("outside production a session secret is generated once into DATA_DIR and reused", ({ load, dataDir }) => {
  const first = load().sessionSecret;
  const file = path.join(dataDir, "session-secret");
  assert.ok(existsSync(file));
  assert.is(readFileSync(file, "utf8").trim(), first);
  assert.ok(first.length >= 32);
  assert.is(load().sessionSecret, first);
});

test("PORT=abc is refused naming PORT", ({ refused }) => {
  assert.match(refused({ PORT: "abc" }), /PORT/);
  assert.match(refused({ PORT: "70000" }), /PORT/);
});

test("a DATABASE_URL that is not postgres:// is refused naming DATABASE_URL", ({ refused, load }) => {
  assert.match(refused({ DATABASE_URL: "mysql://db:3306/caseroom" }), /DATABASE_URL/);
  assert.match(refused({ DATABASE_URL: "not a url" }), /DATABASE_URL/);
  assert.is(load({ DATABASE_URL: "postgresql://u@db/c" }).databaseUrl, "postgresql://u@db/c");
});

test("a REDIS_URL that is not redis:// or rediss:// is refused naming REDIS_URL", ({ refused, load }) => {
  assert.match(refused({ REDIS_URL: "http://redis:6379" }), /REDIS_URL/);
  assert.is(load({ REDIS_URL: "rediss://redis:6380" }).redisUrl, "rediss://redis:6380");
});

test("NODE_ENV=production without SESSION_SECRET is refused naming SESSION_SECRET", ({ refused }) => {
  assert.match(refused({ NODE_ENV: "production" }), /SESSION_SECRET/);
});

test("a SESSION_SECRET shorter than 32 characters is refused, and its value is not echoed", ({ refused }) => {
  const message = refused({ SESSION_SECRET: "short-secret-value" });
  assert.match(message, /SESSION_SECRET/);
  assert.not.match(message, /short-secret-value/);
});

test("a partial LIVEKIT_* set is refused naming the three variables", ({ refused }) => {
  const partial: Record<string, string>[] = [
    { LIVEKIT_URL: "wss://lk.example" },
    { LIVEKIT_URL: "wss://lk.example", LIVEKIT_API_KEY: "key" },
    { LIVEKIT_API_SECRET: "secret" },
  ];
  for (const env of partial) {
    const message = refused(env);
    for (const name of ["LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"]) assert.match(message, name);
  }
});

test("a partial S3_* set is refused naming S3", ({ refused }) => {
  assert.match(refused({ S3_BUCKET: "attachments" }), /S3_BUCKET/);
});

test("production does not seed the demo unless SEED_DEMO=true", ({ load }) => {
  assert.is(load({ NODE_ENV: "production", SESSION_SECRET: SECRET }).seedDemo, false);
  assert.is(load({ NODE_ENV: "production", SESSION_SECRET: SECRET, SEED_DEMO: "true" }).seedDemo, true);
  assert.is(load({ SEED_DEMO: "false" }).seedDemo, false);
});

test("an https PUBLIC_URL makes cookies Secure and loses its trailing slash", ({ load }) => {
  const config = load({ PUBLIC_URL: "https://support.example.com/" });
  assert.is(config.publicUrl, "https://support.example.com");
  assert.is(config.secureCookies, true);
});

test("an empty variable counts as unset (docker-compose passes `${X:-}` as an empty string)", ({ load }) => {
  const config = load({ DEEPGRAM_API_KEY: "", LIVEKIT_URL: "", PORT: "", REDIS_URL: "" });
  assert.is(config.stt.deepgramApiKey, undefined);
  assert.is(config.livekit, undefined);
  assert.is(config.port, 3000);
  assert.is(config.redisUrl, undefined);
});

test("variables that are not Caseroom's are ignored", ({ load }) => {
  assert.is(load({ PATH: "/usr/bin", HOME: "/root", npm_config_cache: "/tmp" }).port, 3000);
});

test.run();

// Every reserved variable, set at once (LiveKit and S3 need all their parts), and where it lands.
const reserved: [name: string, value: string, landed: (c: Config) => unknown][] = [
  ["PORT", "8080", (c) => c.port],
  ["DATA_DIR", "", (c) => c.dataDir],
  ["DATABASE_URL", "postgres://caseroom@db:5432/caseroom", (c) => c.databaseUrl],
  ["REDIS_URL", "redis://redis:6379", (c) => c.redisUrl],
  ["SESSION_SECRET", SECRET, (c) => c.sessionSecret],
  ["PUBLIC_URL", "https://support.example.com", (c) => c.publicUrl],
  ["LIVEKIT_URL", "wss://livekit.example.com", (c) => c.livekit?.url],
  ["LIVEKIT_API_KEY", "lk-key", (c) => c.livekit?.apiKey],
  ["LIVEKIT_API_SECRET", "lk-secret", (c) => c.livekit?.apiSecret],
  ["DEEPGRAM_API_KEY", "dg-key", (c) => c.stt.deepgramApiKey],
  ["STT_BASE_URL", "http://stt.internal:9000", (c) => c.stt.baseUrl],
  ["STT_API_KEY", "stt-key", (c) => c.stt.apiKey],
  ["DEEPGRAM_BASE_URL", "https://deepgram.proxy.example", (c) => c.stt.deepgramBaseUrl],
  ["DEEPGRAM_MODEL", "nova-2", (c) => c.stt.deepgramModel],
  ["STT_MODEL", "whisper-large-v3", (c) => c.stt.model],
  ["STT_LANGUAGE", "ru", (c) => c.stt.language],
  ...(["anthropic", "gemini", "openai", "deepseek", "perplexity"] as const).flatMap((p): typeof reserved => [
    [`${p.toUpperCase()}_API_KEY`, `${p}-key`, (c) => c.llm[p].apiKey],
    [`${p.toUpperCase()}_BASE_URL`, `https://${p}.proxy.example/v1`, (c) => c.llm[p].baseUrl],
  ]),
  ["STORAGE_DIR", "", (c) => c.storage.dir],
  ["S3_ENDPOINT", "https://s3.example.com", (c) => c.storage.s3?.endpoint],
  ["S3_REGION", "eu-west-1", (c) => c.storage.s3?.region],
  ["S3_BUCKET", "caseroom-attachments", (c) => c.storage.s3?.bucket],
  ["S3_ACCESS_KEY_ID", "AKIAEXAMPLE", (c) => c.storage.s3?.accessKeyId],
  ["S3_SECRET_ACCESS_KEY", "s3-secret", (c) => c.storage.s3?.secretAccessKey],
];

const all = suite<Ctx & { config: Config; env: Record<string, string> }>("loadConfig: every reserved variable");
all.before((ctx) => {
  context(ctx);
  // The directories are absolute temp paths, so what lands is exactly what was given.
  ctx.env = Object.fromEntries(reserved.map(([name, value]) => [name, value]));
  ctx.env.DATA_DIR = ctx.dataDir;
  ctx.env.STORAGE_DIR = path.join(ctx.dataDir, "files");
  ctx.config = loadConfig(ctx.env);
});
all.after((ctx) => rmSync(ctx.dataDir, { recursive: true, force: true }));

for (const [name, , landed] of reserved) {
  all(`${name} is accepted and lands in the config`, ({ config, env }) => {
    assert.is(landed(config), name === "PORT" ? Number(env[name]) : env[name]);
  });
}
all.run();
