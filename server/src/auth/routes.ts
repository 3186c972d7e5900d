import { LoginBodySchema, UpdateMeBodySchema, type Principal } from "@caseroom/shared";
import type { Router } from "express";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { AppError, parseInput } from "../http/index.ts";
import { requireStaff } from "./middleware.ts";
import { verifyPassword } from "./passwords.ts";
import type { RateLimiter } from "./rateLimit.ts";
import { SESSION_COOKIE, type SessionStore } from "./sessions.ts";
import { findOrg, type UserStore } from "./users.ts";

export interface AuthRouteDeps {
  config: Pick<Config, "secureCookies">;
  db: Db;
  sessions: SessionStore;
  users: UserStore;
  rateLimiter: RateLimiter;
  /** Told when a session ends, so its live sockets can be closed too. */
  onLogout(sessionToken: string, principal: Principal | undefined): void;
}

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const LOGIN_LIMIT_PER_ACCOUNT = 10;
const LOGIN_LIMIT_PER_ADDRESS = 100;

export function registerAuthRoutes(router: Router, deps: AuthRouteDeps): void {
  const cookieOptions = {
    httpOnly: true,
    sameSite: "lax",
    secure: deps.config.secureCookies,
    path: "/",
  } as const;

  router.post("/api/auth/login", async (req, res) => {
    const body = parseInput(LoginBodySchema, req.body, "login");
    // Only failed attempts count, so a busy office behind one address never locks itself out.
    const limits = [
      [`login:${req.ip}:${body.email.toLowerCase()}`, LOGIN_LIMIT_PER_ACCOUNT],
      [`login:${req.ip}`, LOGIN_LIMIT_PER_ADDRESS],
    ] as const;
    const accountKey = limits[0][0];
    for (const [key, limit] of limits) {
      const verdict = await deps.rateLimiter.check(key, limit);
      if (!verdict.allowed) throw new AppError("rate_limited", "Too many login attempts; try again later", undefined, verdict.retryAfterS);
    }
    const found = await deps.users.findForLogin(body.email);
    if (!(await verifyPassword(found?.passwordHash, body.password)) || !found) {
      for (const [key, limit] of limits) await deps.rateLimiter.hit(key, limit, LOGIN_WINDOW_MS);
      req.log.info({ pii: { email: body.email } }, "login refused");
      throw new AppError("invalid_credentials", "Wrong e-mail or password");
    }
    await deps.rateLimiter.reset(accountKey);
    const { user } = found;
    const session = await deps.sessions.create({ kind: "user", userId: user.id, orgId: user.orgId, role: user.role });
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions, expires: session.expiresAt });
    res.json({ user });
  });

  router.post("/api/auth/logout", async (req, res) => {
    await deps.sessions.destroy(req.sessionToken);
    if (req.sessionToken) deps.onLogout(req.sessionToken, req.principal);
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });

  router.get("/api/me", async (req, res) => {
    const principal = requireStaff(req, "users:read");
    const user = await deps.users.findById(principal.userId);
    const org = await findOrg(deps.db, principal.orgId);
    if (!user || !org) throw new AppError("unauthenticated", "Log in first");
    res.json({ user, org });
  });

  router.patch("/api/me", async (req, res) => {
    const principal = requireStaff(req, "users:read");
    const body = parseInput(UpdateMeBodySchema, req.body, "profile");
    if (body.locale !== undefined) await deps.users.setLocale(principal.userId, body.locale);
    const user = await deps.users.findById(principal.userId);
    res.json({ user });
  });

  router.get("/api/users", async (req, res) => {
    const principal = requireStaff(req, "users:read");
    res.json({ users: await deps.users.listStaff(principal.orgId) });
  });
}
