// The website widget: admins manage keys; anyone on an allowed website opens a ticket with a chat.
import { randomUUID } from "node:crypto";
import { chatPlainText, CreateWidgetKeyBodySchema, InviteIdParamsSchema, WidgetTicketBodySchema, type Principal } from "@caseroom/shared";
import express, { type Express, type Request, type Response, type Router } from "express";
import { requireStaff, SESSION_COOKIE, type RateLimiter, type SessionStore } from "../auth/index.ts";
import type { ChatService } from "../chat/index.ts";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { AppError, notFound, parseInput } from "../http/index.ts";
import type { InviteStore } from "../invites/index.ts";
import type { TicketChange, TicketStore } from "../tickets/index.ts";
import { widgetScript } from "./script.ts";
import type { WidgetKeyStore } from "./store.ts";

export interface WidgetDeps {
  config: Pick<Config, "publicUrl" | "secureCookies">;
  db: Db;
  keys: WidgetKeyStore;
  tickets: TicketStore;
  invites: InviteStore;
  sessions: SessionStore;
  /** The chat is built after these routes are registered (they must come before the /api middleware). */
  chat(): ChatService;
  rateLimiter: RateLimiter;
  onTicketCreated(orgId: string, change: TicketChange): void;
}

const WIDGET_GUEST_TTL_MS = 24 * 60 * 60 * 1000;
const PER_ADDRESS = { limit: 5, windowMs: 10 * 60 * 1000 };
const PER_KEY = { limit: 300, windowMs: 60 * 60 * 1000 };

export function registerWidgetAdminRoutes(router: Router, deps: { keys: WidgetKeyStore }): void {
  router.post("/api/admin/widget-keys", async (req, res) => {
    const principal = requireStaff(req, "apikeys:manage");
    const body = parseInput(CreateWidgetKeyBodySchema, req.body, "widget key");
    res.status(201).json({ widgetKey: await deps.keys.create(principal.orgId, principal.userId, body) });
  });
  router.get("/api/admin/widget-keys", async (req, res) => {
    const principal = requireStaff(req, "apikeys:manage");
    res.json({ widgetKeys: await deps.keys.list(principal.orgId) });
  });
  router.delete("/api/admin/widget-keys/:id", async (req, res) => {
    const principal = requireStaff(req, "apikeys:manage");
    const { id } = parseInput(InviteIdParamsSchema, req.params, "widget key id");
    if (!(await deps.keys.revoke(principal.orgId, id))) throw notFound("Widget key");
    res.status(204).end();
  });
}

/**
 * Registered on the app before the /api middleware: these calls come from other websites, so the
 * same-origin rule for API writes does not apply; the key's list of allowed origins does instead.
 */
export function registerWidgetPublicRoutes(app: Express, deps: WidgetDeps): void {
  const ownOrigin = new URL(deps.config.publicUrl).origin;
  const isOwn = (req: Request, origin: string) => origin === ownOrigin || origin === `${req.protocol}://${req.get("host")}`;
  const cors = (res: Response, origin: string) => {
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("access-control-allow-methods", "POST");
    res.setHeader("access-control-allow-headers", "content-type");
    res.setHeader("access-control-max-age", "600");
  };

  app.get("/widget.js", (_req, res) => {
    res.setHeader("content-type", "text/javascript; charset=utf-8");
    res.setHeader("cache-control", "public, max-age=3600");
    // Loaded by other sites' pages: it must be allowed to be fetched cross-origin.
    res.setHeader("cross-origin-resource-policy", "cross-origin");
    res.send(widgetScript);
  });

  app.options("/api/widget/tickets", async (req, res) => {
    res.setHeader("vary", "origin");
    const origin = req.get("origin");
    if (origin && (await deps.keys.originListed(origin))) cors(res, origin);
    res.status(204).end();
  });

  app.post("/api/widget/tickets", express.json({ limit: "16kb", strict: true }), async (req, res) => {
    res.setHeader("vary", "origin");
    res.setHeader("cache-control", "no-store");
    const origin = req.get("origin");
    if (!origin) throw new AppError("forbidden", "The widget is used from a web page");
    const body = parseInput(WidgetTicketBodySchema, req.body, "widget ticket");
    const key = await deps.keys.active(body.widgetKey);
    if (!key) throw new AppError("not_found", "Unknown widget key");
    // From our own widget window, the page it was opened from must be allowed; from another site
    // (a contact form calling us directly), that site must be.
    const own = isOwn(req, origin);
    const site = own ? body.embedOrigin : origin;
    if (!site || !key.allowedOrigins.includes(site.toLowerCase())) throw new AppError("forbidden", "This website may not use this widget key");
    if (!own) cors(res, origin);
    for (const [rlKey, limit] of [[`widget:${req.ip}`, PER_ADDRESS], [`widget-key:${key.id}`, PER_KEY]] as const) {
      const verdict = await deps.rateLimiter.hit(rlKey, limit.limit, limit.windowMs);
      if (!verdict.allowed) throw new AppError("rate_limited", "Too many new conversations; try again later", undefined, verdict.retryAfterS);
    }

    const firstLine = chatPlainText(body.text).split("\n")[0]!.trim() || body.text.slice(0, 80);
    const change = await deps.tickets.create(key.orgId, null, { title: `${body.name}: ${firstLine}`.slice(0, 200), description: "" });
    deps.onTicketCreated(key.orgId, change);
    const ticketId = change.ticket.id;
    const guestId = await deps.db.transaction((tx) => deps.invites.createGuest(tx, { orgId: key.orgId, ticketId, name: body.name, widgetKeyId: key.id }));
    const principal: Principal = { kind: "guest", guestId, orgId: key.orgId, ticketId };
    await deps.chat().send(principal, ticketId, { id: randomUUID(), text: body.text });
    if (own) {
      const session = await deps.sessions.create(principal, new Date(Date.now() + WIDGET_GUEST_TTL_MS));
      res.cookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: "lax", secure: deps.config.secureCookies, path: "/", expires: session.expiresAt });
    }
    res.status(201).json({ ticket: { id: ticketId, number: change.ticket.number }, guest: { id: guestId, name: body.name, ticketId } });
  });
}
