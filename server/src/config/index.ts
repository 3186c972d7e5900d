// The only place that reads process.env. Everything else receives the typed Config.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const optionalUrl = z.url().optional();
const optionalSecret = z.string().min(1).optional();
const llmProviders = ["ANTHROPIC", "GEMINI", "OPENAI", "DEEPSEEK", "PERPLEXITY"] as const;

const llmEnv = Object.fromEntries(
  llmProviders.flatMap((p) => [
    [`${p}_API_KEY`, optionalSecret],
    [`${p}_BASE_URL`, optionalUrl],
  ]),
) as Record<`${(typeof llmProviders)[number]}_${"API_KEY" | "BASE_URL"}`, typeof optionalSecret>;

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  PUBLIC_URL: z.url().optional(),
  SEED_DEMO: z.enum(["true", "false"]).optional(),
  DEMO_PASSWORD: z.string().min(8).default("caseroom"),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  LIVEKIT_URL: optionalUrl,
  LIVEKIT_API_KEY: optionalSecret,
  LIVEKIT_API_SECRET: optionalSecret,
  DEEPGRAM_API_KEY: optionalSecret,
  // Peer-to-peer calls: comma-separated stun:/turn: URLs; TURN credentials are minted from the secret
  // shared with coturn (its use-auth-secret REST scheme), so no long-lived password reaches a browser.
  STUN_URLS: z.string().regex(/^stuns?:[^,\s]+(,stuns?:[^,\s]+)*$/, "comma-separated stun: URLs").optional(),
  TURN_URLS: z.string().regex(/^turns?:[^,\s]+(,turns?:[^,\s]+)*$/, "comma-separated turn: URLs").optional(),
  TURN_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  DEEPGRAM_BASE_URL: optionalUrl,
  DEEPGRAM_MODEL: z.string().min(1).default("nova-3"),
  STT_BASE_URL: optionalUrl,
  STT_API_KEY: optionalSecret,
  STT_MODEL: z.string().min(1).default("whisper-1"),
  STT_LANGUAGE: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, "a language code such as en or ru").optional(),
  ...llmEnv,
  LLM_FIRST_TOKEN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  LLM_TOTAL_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(180_000),
  LLM_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(100).default(4),
  SECRETS_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  STORAGE_DIR: z.string().min(1).optional(),
  S3_ENDPOINT: optionalUrl,
  S3_REGION: z.string().min(1).optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: optionalSecret,
  S3_SECRET_ACCESS_KEY: optionalSecret,
  CHAT_EDIT_WINDOW_S: z.coerce.number().int().min(0).max(7 * 24 * 60 * 60).default(15 * 60),
  ATTACHMENT_MAX_IMAGE_MB: z.coerce.number().int().min(1).max(2048).default(20),
  ATTACHMENT_MAX_AUDIO_MB: z.coerce.number().int().min(1).max(2048).default(50),
  ATTACHMENT_MAX_VIDEO_MB: z.coerce.number().int().min(1).max(2048).default(50),
  ATTACHMENT_MAX_FILE_MB: z.coerce.number().int().min(1).max(2048).default(25),
});

export type LlmProviderName = "anthropic" | "gemini" | "openai" | "deepseek" | "perplexity";

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  sessionSecret: string;
  publicUrl: string;
  /** Whether cookies get the Secure flag: only when the public address is https. */
  secureCookies: boolean;
  seedDemo: boolean;
  demoPassword: string;
  trustProxy: boolean;
  livekit: { url: string; apiKey: string; apiSecret: string } | undefined;
  stt: {
    deepgramApiKey: string | undefined;
    /** Another address for Deepgram (a proxy; the local fake in tests). */
    deepgramBaseUrl: string | undefined;
    deepgramModel: string;
    baseUrl: string | undefined;
    apiKey: string | undefined;
    model: string;
    /** Spoken language for both engines; unset lets the engine decide. */
    language: string | undefined;
  };
  /** ICE servers for peer-to-peer calls; empty lists: host candidates only (one network). */
  ice: { stunUrls: string[]; turn: { urls: string[]; secret: string } | undefined };
  llm: Record<LlmProviderName, { apiKey: string | undefined; baseUrl: string | undefined }>;
  /** Limits per provider attempt: until the first token arrives, and overall. */
  llmTimeouts: { firstTokenMs: number; totalMs: number };
  /** AI answers one user may have streaming at once (per node); more are refused with 429. */
  llmMaxStreamsPerUser: number;
  /**
   * Key material for secrets stored in the database (organisations' provider keys). Outside production
   * it falls back to SESSION_SECRET; in production only SECRETS_KEY counts, so rotating the session
   * secret never makes stored keys unreadable. Undefined: nothing can be stored.
   */
  secretsKey: string | undefined;
  storage: { dir: string; s3: { endpoint: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string } | undefined };
  /** How long after sending its author may edit or delete a chat message. */
  chat: { editWindowMs: number };
  /** Upload size limits per attachment kind, in bytes (configured in MB). */
  attachments: { maxBytes: { image: number; audio: number; video: number; file: number } };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once. A bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable counts as unset: docker-compose passes `${X:-}` as "" when X is not given.
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  if (production && !e.SESSION_SECRET) {
    throw new ConfigError("Invalid configuration:\n  SESSION_SECRET: required when NODE_ENV=production (at least 32 characters)");
  }
  const livekitParts = [e.LIVEKIT_URL, e.LIVEKIT_API_KEY, e.LIVEKIT_API_SECRET];
  if (livekitParts.some(Boolean) && !livekitParts.every(Boolean)) {
    throw new ConfigError("Invalid configuration:\n  LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET: set all three or none");
  }
  const s3Parts = [e.S3_ENDPOINT, e.S3_REGION, e.S3_BUCKET, e.S3_ACCESS_KEY_ID, e.S3_SECRET_ACCESS_KEY];
  if (s3Parts.some(Boolean) && !s3Parts.every(Boolean)) {
    throw new ConfigError("Invalid configuration:\n  S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set all or none");
  }
  if (Boolean(e.TURN_URLS) !== Boolean(e.TURN_SECRET)) {
    throw new ConfigError("Invalid configuration:\n  TURN_URLS, TURN_SECRET: set both or neither");
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
  const provider = (p: (typeof llmProviders)[number]) => ({ apiKey: e[`${p}_API_KEY`], baseUrl: e[`${p}_BASE_URL`] });
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    sessionSecret: e.SESSION_SECRET ?? developmentSecret(dataDir),
    publicUrl,
    secureCookies: publicUrl.startsWith("https://"),
    seedDemo: e.SEED_DEMO ? e.SEED_DEMO === "true" : !production,
    demoPassword: e.DEMO_PASSWORD,
    trustProxy: e.TRUST_PROXY === "true",
    livekit: e.LIVEKIT_URL ? { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY!, apiSecret: e.LIVEKIT_API_SECRET! } : undefined,
    stt: {
      deepgramApiKey: e.DEEPGRAM_API_KEY,
      deepgramBaseUrl: e.DEEPGRAM_BASE_URL,
      deepgramModel: e.DEEPGRAM_MODEL,
      baseUrl: e.STT_BASE_URL,
      apiKey: e.STT_API_KEY,
      model: e.STT_MODEL,
      language: e.STT_LANGUAGE,
    },
    ice: {
      stunUrls: e.STUN_URLS ? e.STUN_URLS.split(",") : [],
      turn: e.TURN_URLS && e.TURN_SECRET ? { urls: e.TURN_URLS.split(","), secret: e.TURN_SECRET } : undefined,
    },
    llm: {
      anthropic: provider("ANTHROPIC"),
      gemini: provider("GEMINI"),
      openai: provider("OPENAI"),
      deepseek: provider("DEEPSEEK"),
      perplexity: provider("PERPLEXITY"),
    },
    llmTimeouts: { firstTokenMs: e.LLM_FIRST_TOKEN_TIMEOUT_MS, totalMs: e.LLM_TOTAL_TIMEOUT_MS },
    llmMaxStreamsPerUser: e.LLM_MAX_STREAMS_PER_USER,
    secretsKey: e.SECRETS_KEY ?? (production ? undefined : (e.SESSION_SECRET ?? developmentSecret(dataDir))),
    storage: {
      dir: path.resolve(e.STORAGE_DIR ?? path.join(dataDir, "attachments")),
      s3: e.S3_ENDPOINT
        ? { endpoint: e.S3_ENDPOINT, region: e.S3_REGION!, bucket: e.S3_BUCKET!, accessKeyId: e.S3_ACCESS_KEY_ID!, secretAccessKey: e.S3_SECRET_ACCESS_KEY! }
        : undefined,
    },
    chat: { editWindowMs: e.CHAT_EDIT_WINDOW_S * 1000 },
    attachments: {
      maxBytes: {
        image: e.ATTACHMENT_MAX_IMAGE_MB * 1024 * 1024,
        audio: e.ATTACHMENT_MAX_AUDIO_MB * 1024 * 1024,
        video: e.ATTACHMENT_MAX_VIDEO_MB * 1024 * 1024,
        file: e.ATTACHMENT_MAX_FILE_MB * 1024 * 1024,
      },
    },
  };
}

/**
 * Outside production a secret is generated once and kept in the data folder, so sessions survive
 * restarts without anyone having to configure one.
 */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
