// Shared set-up for the LLM gateway tests: a fake for every provider, a server whose deployment keys
// point at them, and readers for the usage ledger.
import type { AiProvider } from "@caseroom/shared";
import { startFakeProvider, type FakeDialect, type FakeProvider } from "../../server/src/llm/testing/fakeProvider.ts";
import type { Db } from "../../server/src/db/index.ts";
import { startServer, type StartOptions, type TestServer } from "./server.ts";

export const dialectOf: Record<AiProvider, FakeDialect> = { anthropic: "anthropic", gemini: "gemini", openai: "openai", deepseek: "openai", perplexity: "openai" };
export const envKey = (provider: AiProvider) => `env-${provider}-key-0123456789`;

export type Fakes = Record<AiProvider, FakeProvider>;

export async function startFakes(): Promise<Fakes> {
  const entries = await Promise.all((Object.keys(dialectOf) as AiProvider[]).map(async (p) => [p, await startFakeProvider(dialectOf[p])] as const));
  return Object.fromEntries(entries) as Fakes;
}

export async function closeFakes(fakes: Fakes | undefined): Promise<void> {
  if (fakes) await Promise.all(Object.values(fakes).map((f) => f.close()));
}

/** A server whose deployment defaults reach the given fakes (all five unless `only` says otherwise). */
export function startLlmServer(fakes: Fakes, options: StartOptions & { only?: AiProvider[] } = {}): Promise<TestServer> {
  // Short enough for the hang tests, long enough for a busy machine to deliver a normal first token.
  const env: Record<string, string> = { LLM_FIRST_TOKEN_TIMEOUT_MS: "1500", LLM_TOTAL_TIMEOUT_MS: "20000" };
  for (const provider of options.only ?? (Object.keys(fakes) as AiProvider[])) {
    env[`${provider.toUpperCase()}_API_KEY`] = envKey(provider);
    env[`${provider.toUpperCase()}_BASE_URL`] = fakes[provider].baseUrl;
  }
  return startServer({ ...options, env: { ...env, ...options.env } });
}

export interface UsageRow {
  call_id: string;
  attempt: number;
  user_id: string | null;
  ticket_id: string | null;
  task: string;
  provider: string;
  model: string;
  outcome: string;
  input_tokens: number;
  output_tokens: number;
  usage_estimated: boolean;
  cost_micro_usd: number;
  priced: boolean;
  first_token_ms: number | null;
  total_ms: number;
}

/** The ledger's rows after `afterId`, oldest first, with numbers as numbers. */
export async function usageAfter(db: Db, afterId: number): Promise<UsageRow[]> {
  const rows = await db.query<Record<string, unknown>>("select * from ai_usage where id > $1 order by id", [afterId]);
  return rows.map((r) => ({
    ...(r as unknown as UsageRow),
    attempt: Number(r.attempt),
    input_tokens: Number(r.input_tokens),
    output_tokens: Number(r.output_tokens),
    cost_micro_usd: Number(r.cost_micro_usd),
    first_token_ms: r.first_token_ms === null ? null : Number(r.first_token_ms),
    total_ms: Number(r.total_ms),
  }));
}

export async function lastUsageId(db: Db): Promise<number> {
  const [row] = await db.query<{ id: string | number | null }>("select max(id) as id from ai_usage");
  return Number(row?.id ?? 0);
}
