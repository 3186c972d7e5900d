import { CallIdParamsSchema, CallModeBodySchema, JoinCallBodySchema, TicketIdParamsSchema } from "@caseroom/shared";
import { WebhookRefused, livekitWebhooks } from "@caseroom/media";
import express, { type Express, type Router } from "express";
import { requireStaff } from "../auth/index.ts";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { AppError, notFound, parseInput } from "../http/index.ts";
import type { Logger } from "../log.ts";
import type { CallService } from "./service.ts";
import { toWireCall } from "./store.ts";

export function registerCallRoutes(router: Router, calls: CallService): void {
  router.post("/api/tickets/:id/call", async (req, res) => {
    const principal = requireStaff(req, "call:start");
    const { id } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
    const { call, created, join } = await calls.start(principal, id);
    res.status(created ? 201 : 200).json({ call: toWireCall(call), join });
  });

  // Staff of the organisation, or the ticket's own guest: is there a call to join?
  router.get("/api/tickets/:id/call", async (req, res) => {
    const principal = req.principal;
    if (!principal) throw new AppError("unauthenticated", "Log in first");
    const { id } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
    if (principal.kind === "guest" && principal.ticketId !== id) throw notFound("Ticket");
    if (principal.kind === "user") requireStaff(req, "ticket:read");
    const call = await calls.current(principal, id);
    res.json({ call: call ? toWireCall(call) : null, transport: calls.transport });
  });

  router.get("/api/calls", async (req, res) => {
    const principal = requireStaff(req, "call:supervise");
    res.json({ calls: await calls.store.live(principal.orgId) });
  });

  router.post("/api/calls/:id/join", async (req, res) => {
    const { id } = parseInput(CallIdParamsSchema, req.params, "call id");
    const body = parseInput(JoinCallBodySchema, req.body ?? {}, "join");
    const { call, join } = await calls.join(req.principal, id, body.mode);
    res.json({ call: toWireCall(call), join });
  });

  router.post("/api/calls/:id/mode", async (req, res) => {
    // Refused before the body is read: a guest can never switch modes, whatever it sends.
    if (!req.principal) throw new AppError("unauthenticated", "Log in first");
    if (req.principal.kind === "guest") throw new AppError("forbidden", "Only supervisors and admins may monitor, whisper or barge");
    const { id } = parseInput(CallIdParamsSchema, req.params, "call id");
    const body = parseInput(CallModeBodySchema, req.body, "mode");
    res.json(await calls.setMode(req.principal, id, body.mode));
  });

  router.post("/api/calls/:id/leave", async (req, res) => {
    const { id } = parseInput(CallIdParamsSchema, req.params, "call id");
    await calls.leave(req.principal, id);
    res.status(204).end();
  });

  router.post("/api/calls/:id/end", async (req, res) => {
    const { id } = parseInput(CallIdParamsSchema, req.params, "call id");
    res.json({ call: toWireCall(await calls.end(req.principal, id)) });
  });
}

/**
 * LiveKit's webhook needs the raw body (its signature covers the exact bytes), so it is mounted on the
 * app before the API's JSON parser and session lookup; LiveKit authenticates with its signature, not a
 * session. `calls` is looked up per request because the service is built after this route.
 */
export function registerLivekitWebhook(app: Express, deps: { config: Pick<Config, "livekit">; db: Db; log: Logger; calls: () => CallService | undefined }): void {
  const lk = deps.config.livekit;
  const webhooks = lk ? livekitWebhooks(lk) : undefined;
  app.post("/api/media/livekit/webhook", express.raw({ type: () => true, limit: "256kb" }), async (req, res) => {
    const calls = deps.calls();
    if (!webhooks || !calls) throw new AppError("not_found", "LiveKit is not configured");
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    let signal;
    try {
      signal = await webhooks.receive(raw, req.get("authorization"));
    } catch (err) {
      if (err instanceof WebhookRefused) throw new AppError("unauthenticated", "Webhook signature refused");
      throw err;
    }
    if (signal.type === "ignored") deps.log.debug({ event: signal.event }, "livekit webhook ignored");
    await calls.onLivekit(signal, async (callId) => (await deps.db.query<{ org_id: string }>("select org_id from calls where id = $1", [callId]))[0]?.org_id);
    res.status(200).json({ ok: true });
  });
}
