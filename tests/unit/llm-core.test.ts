// [A2] Cost arithmetic, [S1] sealed provider keys, and [L2] how failures are classified.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { billedTokens, newStats } from "../../server/src/llm/attempt.ts";
import { costMicroUsd, defaultModels, defaultPrices } from "../../server/src/llm/catalog.ts";
import { AttemptTimeout, classifyFailure, fallsBack } from "../../server/src/llm/failures.ts";
import { keyHint, secretBox } from "../../server/src/llm/secrets.ts";
import { loadConfig } from "../../server/src/config/index.ts";

const costs = suite("[A2] cost");

costs("micro-dollars from per-million prices, rounded up, exact for large counts", () => {
  const price = { inputMicroUsdPerMTok: 3_000_000, outputMicroUsdPerMTok: 15_000_000, requestMicroUsd: 0 };
  assert.is(costMicroUsd(price, 1_000_000, 0, true), 3_000_000);
  assert.is(costMicroUsd(price, 1000, 100, true), 4500);
  assert.is(costMicroUsd(price, 1, 0, true), 3);
  assert.is(costMicroUsd({ inputMicroUsdPerMTok: 100_000, outputMicroUsdPerMTok: 0, requestMicroUsd: 0 }, 1, 0, true), 1, "a fraction of a micro-dollar rounds up");
  assert.is(costMicroUsd(price, 0, 0, true), 0);
  assert.is(costMicroUsd(price, 2_000_000_000, 2_000_000_000, true), 36_000_000_000);
});

costs("a per-request fee (Perplexity's search) is added once to an answered request, not to a refused one", () => {
  const sonar = defaultPrices.find((p) => p.provider === "perplexity" && p.model === "sonar")!;
  // $1 in, $1 out per million tokens and $5 per 1,000 requests: 1000 + 500 tokens = 1500 µ$, plus 5000 µ$.
  assert.is(costMicroUsd(sonar, 1000, 500, true), 6500);
  assert.is(costMicroUsd(sonar, 0, 0, false), 0);
  assert.is(costMicroUsd(sonar, 0, 0, true), 5000, "an answer with no tokens still did its search");
  assert.ok(defaultPrices.filter((p) => p.provider !== "perplexity").every((p) => p.requestMicroUsd === 0), "only Perplexity has a request fee");
  assert.ok(defaultPrices.filter((p) => p.provider === "perplexity").every((p) => p.requestMicroUsd > 0));
});

costs("every default model has a default price", () => {
  for (const [provider, model] of Object.entries(defaultModels)) {
    assert.ok(defaultPrices.some((p) => p.provider === provider && p.model === model), `${provider}/${model}`);
  }
});

costs("tokens billed: reported when complete; estimated from characters when the provider broke off", () => {
  const stats = { ...newStats(), text: "x".repeat(40) };
  assert.equal(billedTokens({ ...stats, reportedUsage: { inputTokens: 10, outputTokens: 12 } }, 400, true), { inputTokens: 10, outputTokens: 12, estimated: false });
  assert.equal(billedTokens(stats, 400, false), { inputTokens: 100, outputTokens: 10, estimated: true });
  assert.equal(billedTokens({ ...stats, reportedUsage: { inputTokens: 10, outputTokens: 1 } }, 400, false), { inputTokens: 10, outputTokens: 10, estimated: true });
  assert.equal(billedTokens(newStats(), 400, false), { inputTokens: 0, outputTokens: 0, estimated: false }, "refused before anything: nothing billed");
});

costs.run();

const secrets = suite("[S1] sealed keys");

secrets("a sealed key opens only with the same key material and context", () => {
  const box = secretBox("k".repeat(40));
  const sealed = box.seal("sk-live-123", "org-a:openai");
  assert.not.match(sealed, "sk-live");
  assert.is(box.open(sealed, "org-a:openai"), "sk-live-123");
  assert.is(box.open(sealed, "org-b:openai"), undefined, "another organisation");
  assert.is(secretBox("j".repeat(40)).open(sealed, "org-a:openai"), undefined, "another SECRETS_KEY");
  const parts = sealed.split(".");
  parts[3] = Buffer.from("tampered").toString("base64url");
  assert.is(box.open(parts.join("."), "org-a:openai"), undefined, "tampered");
  assert.is.not(box.seal("sk-live-123", "org-a:openai"), sealed, "a fresh IV every time");
});

secrets("the hint shows four characters of long keys only", () => {
  assert.is(keyHint("sk-test-not-a-key-1234"), "…1234");
  assert.is(keyHint("short-key-12"), null);
});

secrets("SECRETS_KEY: required for storing keys in production, SESSION_SECRET outside it", () => {
  const base = { DATA_DIR: "/tmp/caseroom-config-llm", SESSION_SECRET: "s".repeat(32) };
  assert.is(loadConfig({ ...base, NODE_ENV: "production" }).secretsKey, undefined);
  assert.is(loadConfig({ ...base, NODE_ENV: "production", SECRETS_KEY: "x".repeat(32) }).secretsKey, "x".repeat(32));
  assert.is(loadConfig({ ...base, NODE_ENV: "development" }).secretsKey, "s".repeat(32));
  assert.throws(() => loadConfig({ ...base, SECRETS_KEY: "short" }), /SECRETS_KEY/);
});

secrets.run();

const failures = suite("[L2] failure classes");

failures("statuses, SDK error shapes and our own aborts", () => {
  const live = new AbortController().signal;
  assert.equal(classifyFailure({ status: 429, headers: new Headers({ "retry-after": "2" }) }, live), { outcome: "rate_limited", status: 429, retryAfterMs: 2000 });
  assert.equal(classifyFailure({ status: 429, headers: new Headers({ "retry-after-ms": "150" }) }, live).retryAfterMs, 150);
  assert.equal(classifyFailure({ status: 429, message: '{"error":{"details":[{"retryDelay":"7s"}]}}' }, live).retryAfterMs, 7000);
  assert.is(classifyFailure({ status: 529 }, live).outcome, "server_error");
  assert.is(classifyFailure({ status: 422 }, live).outcome, "bad_request");
  assert.is(classifyFailure({ name: "APIError", error: { type: "error", error: { type: "overloaded_error" } } }, live).outcome, "server_error");
  assert.is(classifyFailure(new TypeError("terminated"), live).outcome, "network");
  const timedOut = new AbortController();
  timedOut.abort(new AttemptTimeout("first_token"));
  assert.is(classifyFailure(new Error("aborted"), timedOut.signal).outcome, "timeout");
  const cancelled = new AbortController();
  cancelled.abort();
  assert.is(classifyFailure(new Error("aborted"), cancelled.signal).outcome, "cancelled");
  assert.ok(fallsBack({ outcome: "timeout" }) && fallsBack({ outcome: "auth" }));
  assert.not.ok(fallsBack({ outcome: "bad_request" }) || fallsBack({ outcome: "cancelled" }));
});

failures.run();
