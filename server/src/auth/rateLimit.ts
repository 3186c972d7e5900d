// Fixed-window counters. In memory on one node; in Redis when several nodes share the limit.
import type { RedisClientType } from "redis";

export interface RateLimiter {
  /** Counts one hit; `allowed` is false once `limit` hits fell in the current window. */
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterS: number }>;
  /** Whether `limit` hits already fell in the current window, without counting one. */
  check(key: string, limit: number): Promise<{ allowed: boolean; retryAfterS: number }>;
  reset(key: string): Promise<void>;
}

export function memoryRateLimiter(): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key, limit, windowMs) {
      const now = Date.now();
      if (windows.size > 100_000) for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        window = { count: 0, resetAt: now + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return { allowed: window.count <= limit, retryAfterS: Math.ceil((window.resetAt - now) / 1000) };
    },
    async check(key, limit) {
      const now = Date.now();
      const window = windows.get(key);
      if (!window || window.resetAt <= now) return { allowed: true, retryAfterS: 0 };
      return { allowed: window.count < limit, retryAfterS: Math.ceil((window.resetAt - now) / 1000) };
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

export function redisRateLimiter(redis: RedisClientType): RateLimiter {
  return {
    async hit(key, limit, windowMs) {
      const redisKey = `caseroom:rl:${key}`;
      const count = await redis.incr(redisKey);
      if (count === 1) await redis.pExpire(redisKey, windowMs);
      const ttl = await redis.pTTL(redisKey);
      return { allowed: count <= limit, retryAfterS: Math.max(1, Math.ceil(ttl / 1000)) };
    },
    async check(key, limit) {
      const redisKey = `caseroom:rl:${key}`;
      const [count, ttl] = await Promise.all([redis.get(redisKey), redis.pTTL(redisKey)]);
      return { allowed: Number(count ?? 0) < limit, retryAfterS: Math.max(1, Math.ceil(ttl / 1000)) };
    },
    async reset(key) {
      await redis.del(`caseroom:rl:${key}`);
    },
  };
}
