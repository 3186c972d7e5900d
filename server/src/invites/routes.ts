// Invite links (staff) and their acceptance (anyone holding a link): the only way a customer without
// an account gets a session, confined to one ticket.
import {
  AcceptInviteBodySchema,
  CreateInviteBodySchema,
  INVITE_DEFAULT_TTL_S,
  InviteIdParamsSchema,
  TicketIdParamsSchema,
  type InviteRefusal,
} from "@caseroom/shared";
import type { Router } from "express";
import { requireStaff, SESSION_COOKIE, type RateLimiter, type SessionStore } from "../auth/index.ts";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { AppError, notFound, parseInput } from "../http/index.ts";
import type { TicketStore } from "../tickets/index.ts";
import { requireGuest } from "./access.ts";
import type { InviteStore } from "./store.ts";
import type { InviteTokens } from "./tokens.ts";

export interface InviteRouteDeps {
  config: Pick<Config, "publicUrl" | "secureCookies">;
  db: Db;
  invites: InviteStore;
  tokens: InviteTokens;
  tickets: TicketStore;
  sessions: SessionStore;
  rateLimiter: RateLimiter;
  /** Told after a revocation committed: drop that invite's live sockets everywhere. */
  onRevoked(inviteId: string): void;
}

// As for logins: failed attempts per address are limited, so tokens cannot be guessed at speed;
// successful ones are limited too, more loosely, so one link cannot mint guests without end.
const ACCEPT_WINDOW_MS = 15 * 60 * 1000;
const ACCEPT_FAILURES_PER_ADDRESS = 20;
const ACCEPTS_PER_ADDRESS = 60;

const refusalMessages: Record<InviteRefusal, string> = {
  invalid: "This invite link is not valid",
  expired: "This invite link has expired; ask for a new one",
  revoked: "This invite link was withdrawn; ask for a new one",
};

export function registerInviteRoutes(router: Router, deps: InviteRouteDeps): void {
  const joinUrl = (token: string) => `${deps.config.publicUrl}/join/${token}`;

  router.post("/api/tickets/:id/invites", async (req, res) => {
    const principal = requireStaff(req, "ticket:update");
    const { id } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
    const body = parseInput(CreateInviteBodySchema, req.body ?? {}, "invite");
    if (!(await deps.tickets.get(principal.orgId, id))) throw notFound("Ticket");
    // Whole seconds: the token carries seconds, and the row must agree with it.
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + (body.expiresInS ?? INVITE_DEFAULT_TTL_S)) * 1000);
    const { invite, token } = await deps.invites.create(principal.orgId, id, principal.userId, expiresAt, (inviteId) => deps.tokens.issue(inviteId, expiresAt));
    res.status(201).json({ invite: { id: invite.id, ticketId: id, url: joinUrl(token), expiresAt: invite.expiresAt } });
  });

  router.get("/api/tickets/:id/invites", async (req, res) => {
    const principal = requireStaff(req, "ticket:read");
    const { id } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
    if (!(await deps.tickets.get(principal.orgId, id))) throw notFound("Ticket");
    const invites = await deps.invites.listForTicket(principal.orgId, id);
    res.json({ invites: invites.map(({ orgId: _org, ...rest }) => rest) });
  });

  router.delete("/api/invites/:id", async (req, res) => {
    const principal = requireStaff(req, "ticket:update");
    const { id } = parseInput(InviteIdParamsSchema, req.params, "invite id");
    if (!(await deps.invites.revoke(principal.orgId, id, principal.userId))) throw notFound("Invite");
    deps.onRevoked(id);
    res.status(204).end();
  });

  router.post("/api/invites/accept", async (req, res) => {
    const failKey = `invite-accept-failed:${req.ip}`;
    const allKey = `invite-accept:${req.ip}`;
    for (const [key, limit] of [[failKey, ACCEPT_FAILURES_PER_ADDRESS], [allKey, ACCEPTS_PER_ADDRESS]] as const) {
      const verdict = await deps.rateLimiter.check(key, limit);
      if (!verdict.allowed) throw new AppError("rate_limited", "Too many attempts; try again later", undefined, verdict.retryAfterS);
    }
    const body = parseInput(AcceptInviteBodySchema, req.body, "invite acceptance");
    const refuse = async (reason: InviteRefusal): Promise<never> => {
      await deps.rateLimiter.hit(failKey, ACCEPT_FAILURES_PER_ADDRESS, ACCEPT_WINDOW_MS);
      req.log.info({ reason }, "invite refused");
      throw new AppError("forbidden", refusalMessages[reason], { reason });
    };
    const check = deps.tokens.verify(body.token);
    if (!check.ok) return refuse(check.reason);
    const invite = await deps.invites.byToken(body.token);
    if (!invite || invite.id !== check.inviteId) return refuse("invalid");
    if (invite.revokedAt) return refuse("revoked");
    if (Date.parse(invite.expiresAt) <= Date.now()) return refuse("expired");
    await deps.rateLimiter.hit(allKey, ACCEPTS_PER_ADDRESS, ACCEPT_WINDOW_MS);

    const guestId = await deps.db.transaction((tx) =>
      deps.invites.createGuest(tx, { orgId: invite.orgId, ticketId: invite.ticketId, name: body.name, inviteId: invite.id }),
    );
    const session = await deps.sessions.create({ kind: "guest", guestId, orgId: invite.orgId, ticketId: invite.ticketId }, new Date(invite.expiresAt));
    res.cookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: "lax", secure: deps.config.secureCookies, path: "/", expires: session.expiresAt });
    res.json({ guest: { id: guestId, name: body.name, ticketId: invite.ticketId }, expiresAt: session.expiresAt.toISOString() });
  });

  router.get("/api/guest/me", async (req, res) => {
    const principal = requireGuest(req);
    const guest = await deps.invites.findGuest(principal.guestId);
    if (!guest) throw new AppError("unauthenticated", "Open your invite link first");
    // The ticket's title stays with the staff: it may say things the customer should not read.
    const [row] = await deps.db.query<{ number: number; org_name: string; locale: string; expires_at: Date }>(
      `select t.number, o.name as org_name, o.locale,
              (select max(expires_at) from sessions s where s.id = $3) as expires_at
         from tickets t join orgs o on o.id = t.org_id where t.id = $1 and t.org_id = $2`,
      [guest.ticketId, guest.orgId, deps.sessions.idOf(req.sessionToken!)],
    );
    if (!row) throw notFound("Ticket");
    res.json({
      guest: { id: guest.id, name: guest.name, ticketId: guest.ticketId },
      ticket: { id: guest.ticketId, number: Number(row.number) },
      org: { name: row.org_name, locale: row.locale },
      expiresAt: new Date(row.expires_at).toISOString(),
    });
  });
}
