export { authenticate, requireStaff, sameOriginWrites, sessionTokenFrom, type StaffPrincipal } from "./middleware.ts";
export { hashPassword, verifyPassword } from "./passwords.ts";
export { memoryRateLimiter, redisRateLimiter, type RateLimiter } from "./rateLimit.ts";
export { registerAuthRoutes } from "./routes.ts";
export { SESSION_COOKIE, sessionStore, type SessionStore } from "./sessions.ts";
export { findOrg, userStore, type UserStore } from "./users.ts";
