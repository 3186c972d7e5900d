// Who can do what. The server enforces these; the client uses them only to hide what is forbidden.
import { z } from "zod";

export const staffRoles = ["admin", "supervisor", "technician"] as const;
export const StaffRoleSchema = z.enum(staffRoles);
export type StaffRole = z.infer<typeof StaffRoleSchema>;

/**
 * A principal is whoever a session belongs to: a staff user of one organisation, or a guest
 * (a customer who came through an invite link) confined to a single ticket.
 */
export type Principal =
  | { kind: "user"; userId: string; orgId: string; role: StaffRole }
  | { kind: "guest"; guestId: string; orgId: string; ticketId: string };

export const permissions = {
  "ticket:read": ["admin", "supervisor", "technician"],
  "ticket:create": ["admin", "supervisor", "technician"],
  "ticket:update": ["admin", "supervisor", "technician"],
  "events:read": ["admin", "supervisor"],
  "presence:read": ["admin", "supervisor", "technician"],
  "users:read": ["admin", "supervisor", "technician"],
  // Technicians read their own figures only; the metrics routes narrow the scope (docs/metrics.md [M20]).
  "metrics:read:own": ["admin", "supervisor", "technician"],
  "metrics:read:any": ["admin", "supervisor"],
  "metrics:configure": ["admin"],
  "apikeys:manage": ["admin"],
  "agent:status": ["admin", "supervisor", "technician"],
  "ai:use": ["admin", "supervisor", "technician"],
  "ai:admin": ["admin"],
  "call:start": ["admin", "supervisor", "technician"],
  // Monitor, whisper and barge, and the list of live calls.
  "call:supervise": ["admin", "supervisor"],
  "audit:read": ["admin"],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof permissions;

/** Whether a principal holds a permission at all; organisation and ticket scope are checked by the caller's query. */
export function can(principal: Principal, permission: Permission): boolean {
  if (principal.kind !== "user") return false;
  return (permissions[permission] as readonly StaffRole[]).includes(principal.role);
}
