import { can, type Permission, type Principal } from "@caseroom/shared";
import { parse as parseCookie } from "cookie";
import type { RequestHandler } from "express";
import { AppError } from "../http/index.ts";
import { SESSION_COOKIE, type SessionStore } from "./sessions.ts";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
      sessionToken?: string;
    }
  }
}

export type StaffPrincipal = Extract<Principal, { kind: "user" }>;

export const sessionTokenFrom = (cookieHeader: string | undefined) =>
  cookieHeader ? parseCookie(cookieHeader)[SESSION_COOKIE] : undefined;

/** Attaches the session's principal, if any, to every request. */
export function authenticate(sessions: SessionStore): RequestHandler {
  return async (req, _res, next) => {
    try {
      req.sessionToken = sessionTokenFrom(req.headers.cookie);
      req.principal = await sessions.resolve(req.sessionToken);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The request's staff principal, or a 401/403 AppError. Routes call this first. */
export function requireStaff(req: { principal?: Principal }, permission: Permission): StaffPrincipal {
  const principal = req.principal;
  if (!principal) throw new AppError("unauthenticated", "Log in first");
  if (principal.kind !== "user" || !can(principal, permission)) {
    throw new AppError("forbidden", "You are not allowed to do this");
  }
  return principal;
}

/**
 * Refuses state-changing requests from another site. The cookie is SameSite=Lax already; this also
 * covers browsers that ignore it. Requests without an Origin header (curl, servers) pass.
 */
export function sameOriginWrites(allowedOrigins: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    const origin = req.get("origin");
    if (!origin) return next();
    const own = `${req.protocol}://${req.get("host")}`;
    if (origin === own || allowedOrigins.includes(origin)) return next();
    next(new AppError("forbidden", "Cross-site request refused"));
  };
}
