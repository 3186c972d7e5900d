// Builds the whole application from its dependencies. main.ts only reads config and listens;
// tests call this directly with their own database.
import { createServer, type Server as HttpServer } from "node:http";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { createClient, type RedisClientType } from "redis";
import {
  authenticate,
  memoryRateLimiter,
  redisRateLimiter,
  registerAuthRoutes,
  sameOriginWrites,
  sessionStore,
  userStore,
} from "./auth/index.ts";
import type { Config } from "./config/index.ts";
import type { Db } from "./db/index.ts";
import { registerEventRoutes } from "./events/index.ts";
import { errorHandler, notFoundHandler, requestContext } from "./http/index.ts";
import { createLlmGateway, registerAiRoutes } from "./llm/index.ts";
import type { Logger } from "./log.ts";
import { createRealtime } from "./realtime/index.ts";
import { inviteStore, inviteTokens, registerInviteRoutes, ticketAccess } from "./invites/index.ts";
import { registerChat, type ChatService } from "./chat/index.ts";
import { registerWidgetAdminRoutes, registerWidgetPublicRoutes, widgetKeyStore } from "./widget/index.ts";
import { registerAgents } from "./agents/index.ts";
import { registerCalls, registerLivekitWebhook, type Calls } from "./calls/index.ts";
import { registerTranscription } from "./transcription/index.ts";
import { registerAttachmentRoutes, type AttachmentRouteDeps } from "./attachments/index.ts";
import { registerAuditRoutes } from "./audit/index.ts";
import { createObjectStore } from "./storage/index.ts";
import { apiKeyStore, registerApiKeyRoutes } from "./apikeys/index.ts";
import { ingestBodyParser, registerIngestRoutes } from "./integrations/index.ts";
import { registerMetrics } from "./metrics/index.ts";
import type { PresenceOptions } from "./agents/presence.ts";
import { registerHealthRoutes } from "./health.ts";
import { registerTicketRoutes, ticketStore, type TicketChange } from "./tickets/index.ts";
import { attachCollabEndpoint, collabTokens, createCollab, localRelay, redisRelay, registerCollabRoutes, type CollabOptions } from "./collab/index.ts";

export interface AppDeps {
  config: Config;
  db: Db;
  log: Logger;
}

/** Tuning that is not configuration: tests shorten timers and lower limits. */
export interface AppOptions {
  collab?: Pick<CollabOptions, "limits" | "idleUnloadMs" | "compactEvery">;
  /** How soon a technician without a connection goes offline, and how often that is checked. */
  presence?: PresenceOptions;
  /** How soon a call participant without a connection counts as gone (default a minute). */
  calls?: { abandonAfterMs?: number };
  /** Attachment tuning for tests: a shorter download-link lifetime, a fake transcriber. */
  attachments?: Pick<AttachmentRouteDeps, "linkTtlMs" | "transcribeClip">;
}

export interface Application {
  httpServer: HttpServer;
  /** Stops accepting, lets in-flight requests finish, closes sockets and Redis. The database is the caller's. */
  close(): Promise<void>;
}

const clientDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../client/dist");

export async function createApplication({ config, db, log }: AppDeps, options: AppOptions = {}): Promise<Application> {
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : undefined;
  const sessions = sessionStore(db, config.sessionSecret);
  const users = userStore(db);
  const tickets = ticketStore(db);
  const llm = await createLlmGateway({ db, log, config });
  const allowedOrigins = [new URL(config.publicUrl).origin, ...(config.env === "development" ? ["http://localhost:5173"] : [])];

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.set("query parser", "simple");
  const httpServer = createServer(app);
  const invites = inviteStore(db);
  const realtime = createRealtime(httpServer, { sessions, users, tickets, log, redis, allowedOrigins, guests: invites });
  const onTicketChange = (orgId: string, change: TicketChange) => realtime.ticketChanged(orgId, change);
  const relay = redis ? await redisRelay(redis, log) : localRelay;
  const collab = createCollab({ db, tickets, relay, log, onTicketChange, ...options.collab });
  const collabTokenIssuer = collabTokens(config.sessionSecret);
  const collabEndpoint = attachCollabEndpoint(httpServer, { collab, sessions, users, tickets, tokens: collabTokenIssuer, allowedOrigins, log });

  app.use(requestContext(log));
  app.use((_req, res, next) => {
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "same-origin");
    res.setHeader("x-frame-options", "DENY");
    next();
  });
  registerHealthRoutes(app, { db, redis });
  ingestBodyParser(app);
  let chat: ChatService | undefined;
  const widgetKeys = widgetKeyStore(db);
  registerWidgetPublicRoutes(app, {
    config,
    db,
    keys: widgetKeys,
    tickets,
    invites,
    sessions,
    chat: () => chat!,
    rateLimiter: redis ? redisRateLimiter(redis) : memoryRateLimiter(),
    onTicketCreated: (orgId, change) => onTicketChange(orgId, change),
  });
  let calls: Calls | undefined;
  registerLivekitWebhook(app, { config, db, log, calls: () => calls });
  // Body parsing, the cross-site check, the session lookup and no-store apply to the API only:
  // static assets must stay cacheable and cost no database lookup.
  app.use("/api", express.json({ limit: "256kb", strict: true }), sameOriginWrites(allowedOrigins), authenticate(sessions), (_req, res, next) => {
    res.setHeader("cache-control", "no-store");
    next();
  });
  const api = express.Router();
  registerAuthRoutes(api, {
    config,
    db,
    sessions,
    users,
    rateLimiter: redis ? redisRateLimiter(redis) : memoryRateLimiter(),
    onLogout: (token, principal) => {
      realtime.disconnectSession(token);
      calls?.disconnectSession(sessions.idOf(token));
      if (principal?.kind === "user") void agents.loggedOut(principal.orgId, principal.userId).catch((err) => log.warn({ err }, "agent offline on logout failed"));
    },
  });
  registerTicketRoutes(api, { tickets, onChange: onTicketChange, applyPatch: collab.patchTicket, isStaff: users.isStaffOf });
  registerCollabRoutes(api, { tickets, tokens: collabTokenIssuer });
  registerInviteRoutes(api, {
    config,
    db,
    invites,
    tokens: inviteTokens(config.sessionSecret),
    tickets,
    sessions,
    rateLimiter: redis ? redisRateLimiter(redis) : memoryRateLimiter(),
    onRevoked: (inviteId) => {
      realtime.guests.revokeInvite(inviteId);
      void calls?.inviteRevoked(inviteId).catch((err) => log.warn({ err }, "removing a revoked guest from calls failed"));
    },
  });
  chat = registerChat(api, realtime, { db, log, access: ticketAccess(tickets), editWindowMs: config.chat.editWindowMs });
  registerWidgetAdminRoutes(api, { keys: widgetKeys });
  registerEventRoutes(api, { db });
  registerAiRoutes(api, { db, gateway: llm, httpsOnly: config.env === "production" });
  const agents = registerAgents(api, realtime.io, { db, log, presence: options.presence });
  calls = registerCalls(api, realtime.io, { db, log, config, tickets, sessions, guests: invites, setAgentState: agents.setByCall }, options.calls);
  const transcription = registerTranscription(api, realtime.io, { db, log, config, sessions, calls });
  const attachments = registerAttachmentRoutes(api, {
    db,
    log,
    storage: createObjectStore(config),
    sessionSecret: config.sessionSecret,
    tmpRoot: path.join(config.dataDir, "upload-tmp"),
    maxBytes: config.attachments.maxBytes,
    requireTicketAccess: ticketAccess(tickets),
    sessionIdOf: sessions.idOf,
    transcribeClip: transcription.transcribeClip,
    // A voice note's transcript reaches the open chats (it was "pending" when the message went out).
    onTranscript: (a) => void chat!.attachmentChanged(a.orgId, a.id).catch((err) => log.warn({ err }, "chat refresh failed")),
    ...options.attachments,
  });
  registerAuditRoutes(api, { db });
  const metrics = await registerMetrics(api, realtime.io, { db, log });
  const apiKeys = apiKeyStore(db);
  registerApiKeyRoutes(api, { keys: apiKeys });
  registerIngestRoutes(api, {
    db,
    keys: apiKeys,
    rateLimiter: redis ? redisRateLimiter(redis) : memoryRateLimiter(),
    getTickets: (orgId, ids) => tickets.getMany(orgId, ids),
    onTicketCreated: (orgId, ticket) => onTicketChange(orgId, { ticket, events: [] }),
    onCommitted: () => void metrics.runner.catchUp(),
  });
  api.use("/api", notFoundHandler);
  app.use(api);

  if (existsSync(clientDist)) {
    app.use(express.static(clientDist, { index: false, maxAge: "1h" }));
    // The single-page app answers every other GET; its router decides what to show.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.setHeader("cache-control", "no-cache");
      res.sendFile(path.join(clientDist, "index.html"));
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler());

  const purge = setInterval(() => void sessions.purgeExpired().catch((err) => log.warn({ err }, "session purge failed")), 60 * 60 * 1000);
  purge.unref();

  return {
    httpServer,
    async close() {
      clearInterval(purge);
      await collabEndpoint.close();
      await collab.close();
      await relay.close();
      agents.close();
      calls?.close();
      await metrics.close();
      await transcription.close();
      await realtime.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      attachments.close();
      // After the last stream has ended, so its usage is in the ledger.
      await llm.close();
      if (redis) await redis.quit().catch(() => {});
    },
  };
}

async function connectRedis(url: string, log: Logger): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url });
  client.on("error", (err) => log.error({ err: String(err) }, "redis error"));
  await client.connect();
  return client;
}
