// The fake providers for the benchmark, in a process of their own so their work does not count as
// the gateway's. Prints one JSON line with the base URLs, then serves until its parent goes away.
import { startFakeProvider, type FakeBehavior, type FakeDialect } from "../../server/src/llm/testing/fakeProvider.ts";

const FIRST_TOKEN_DELAY_MS = Number(process.env.FAKE_FIRST_TOKEN_MS ?? 50);
const CHUNKS = Number(process.env.FAKE_CHUNKS ?? 20);
const CHUNK_DELAY_MS = Number(process.env.FAKE_CHUNK_MS ?? 20);

const chunks = Array.from({ length: CHUNKS }, (_, i) => `word${i} `);
const streaming: FakeBehavior = { kind: "stream", chunks, firstTokenDelayMs: FIRST_TOKEN_DELAY_MS, chunkDelayMs: CHUNK_DELAY_MS, stampFirstToken: true, usage: { inputTokens: 300, outputTokens: CHUNKS } };
const holding: FakeBehavior = { kind: "stream", chunks: ["held "], firstTokenDelayMs: FIRST_TOKEN_DELAY_MS, holdOpen: true };

const urls: Record<string, string> = {};
for (const dialect of ["openai", "anthropic", "gemini"] as FakeDialect[]) {
  urls[dialect] = (await startFakeProvider(dialect, { default: streaming })).baseUrl;
  urls[`${dialect}-hold`] = (await startFakeProvider(dialect, { default: holding })).baseUrl;
}
process.stdout.write(`${JSON.stringify({ urls, firstTokenDelayMs: FIRST_TOKEN_DELAY_MS, chunks: CHUNKS, chunkDelayMs: CHUNK_DELAY_MS })}\n`);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
