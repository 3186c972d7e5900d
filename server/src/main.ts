// Reads the configuration, builds the dependencies, listens, and shuts down gracefully.
import { createApplication } from "./app.ts";
import { ConfigError, loadConfig, type Config } from "./config/index.ts";
import { openDatabase } from "./db/index.ts";
import { createLogger } from "./log.ts";
import { seedDemo } from "./seed/demo.ts";

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const started = performance.now();
const log = createLogger(config.logLevel);
const db = await openDatabase(config);
const seed = config.seedDemo ? await seedDemo(db, config.demoPassword) : undefined;
const app = await createApplication({ config, db, log });

await new Promise<void>((resolve) => app.httpServer.listen(config.port, config.host, resolve));
const address = app.httpServer.address();
const port = typeof address === "object" && address ? address.port : config.port;
log.info({ port, database: db.kind, redis: Boolean(config.redisUrl), startMs: Math.round(performance.now() - started) }, "listening");

const url = config.publicUrl.replace(/:\d+$/, "") === "http://localhost" ? `http://localhost:${port}` : config.publicUrl;
const lines = [`\n  Caseroom is running at ${url}`, `  database: ${db.kind === "pglite" ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL"}`];
if (seed) {
  lines.push(`  demo logins (password from DEMO_PASSWORD${config.demoPassword === "caseroom" ? ': "caseroom"' : ""}):`);
  for (const login of seed.logins) lines.push(`    ${login.email.padEnd(30)} ${login.role.padEnd(11)} ${login.org}`);
}
process.stdout.write(`${lines.join("\n")}\n\n`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down");
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  try {
    await app.close();
    await db.close();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
