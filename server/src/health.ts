import type { Express } from "express";
import type { RedisClientType } from "redis";
import type { Db } from "./db/index.ts";

export function registerHealthRoutes(app: Express, deps: { db: Db; redis: RedisClientType | undefined }): void {
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });

  app.get("/readyz", async (_req, res) => {
    const checks: Record<string, "ok" | "down"> = {};
    const within = <T>(check: Promise<T>) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), 2000)));
      return Promise.race([check, deadline]).finally(() => clearTimeout(timer));
    };
    checks.database = await within(deps.db.query("select 1")).then(() => "ok" as const, () => "down" as const);
    if (deps.redis) checks.redis = await within(deps.redis.ping()).then(() => "ok" as const, () => "down" as const);
    const ready = Object.values(checks).every((state) => state === "ok");
    if (ready) return res.json({ ok: true, checks });
    res.status(503).json({ error: { code: "unavailable", message: "Not ready", details: { checks } } });
  });
}
