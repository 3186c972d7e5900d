// The metrics capability: the engine kept up to date from the log, its HTTP routes and wallboard rooms.
import type { Router } from "express";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import type { Realtime } from "../realtime/index.ts";
import { directoryStore } from "./directory.ts";
import { registerMetricsRoutes } from "./routes.ts";
import { startMetricsRunner } from "./runner.ts";
import { metricsService } from "./service.ts";
import { registerMetricsSockets } from "./socket.ts";

export { MetricsEngine, type ScopeSpec } from "./engine.ts";
export { LogTailer } from "./tail.ts";
export { startMetricsRunner, type MetricsRunner } from "./runner.ts";

export async function registerMetrics(router: Router, io: Realtime["io"], deps: { db: Db; log: Logger }) {
  const directory = directoryStore(deps.db);
  let sockets: ReturnType<typeof registerMetricsSockets> | undefined;
  const runner = await startMetricsRunner({ db: deps.db, log: deps.log, onFolded: (orgs) => sockets?.changed(orgs) });
  const service = metricsService({ db: deps.db, directory, engine: () => runner.engine, ready: runner.ready });
  sockets = registerMetricsSockets(io, { service, log: deps.log });
  registerMetricsRoutes(router, { service, directory, onSettingsChanged: (orgId) => sockets?.changed([orgId]) });
  return {
    runner,
    service,
    async close() {
      sockets?.close();
      await runner.close();
    },
  };
}
