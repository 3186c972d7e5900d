// The HTTP API, typed from the shared schemas. Every call goes through `request`, which sends the
// session cookie, parses the JSON, validates it against the shared schema and turns any failure into
// an ApiError carrying the wire error code (the UI localises by code, never by message).
import { z } from "zod";
import {
  ErrorBodySchema,
  MeResponseSchema,
  StaffMemberSchema,
  TicketSchema,
  UserSchema,
  type CreateTicketBody,
  type ErrorCode,
  type Locale,
  type LoginBody,
  type PatchTicketBody,
  type TicketStatus,
} from "@caseroom/shared";

/** The wire codes, plus `network` for a request that never got an answer. */
export type ClientErrorCode = ErrorCode | "network";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** From `retry-after`, when the server says when to try again. */
    readonly retryAfterS?: number,
    /** The server's `x-request-id`, to quote to an administrator. */
    readonly requestId?: string,
  ) {
    super(message);
  }
}

let onUnauthenticated: () => void = () => {};
/** Registers what to do when any call finds the session gone (the session store logs out). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export async function request<S extends z.ZodType | null>(method: Method, path: string, schema: S, body?: unknown): Promise<S extends z.ZodType ? z.infer<S> : void> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new ApiError(0, "network", err instanceof Error ? err.message : "Network error");
  }
  const requestId = res.headers.get("x-request-id") ?? undefined;
  const json: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = ErrorBodySchema.safeParse(json);
    const retryAfter = Number(res.headers.get("retry-after"));
    const error = parsed.success
      ? new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details,
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined, requestId)
      : new ApiError(res.status, res.status >= 500 ? "unavailable" : "bad_request", `HTTP ${res.status}`, undefined, undefined, requestId);
    if (error.code === "unauthenticated") onUnauthenticated();
    throw error;
  }
  if (schema === null) return undefined as never;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    console.error("unexpected response shape", { path, issues: parsed.error.issues });
    throw new ApiError(res.status, "internal", "Unexpected response from the server", undefined, undefined, requestId);
  }
  return parsed.data as never;
}

const UserResponse = z.object({ user: UserSchema });
const UsersResponse = z.object({ users: z.array(StaffMemberSchema) });
const TicketResponse = z.object({ ticket: TicketSchema });
const TicketsResponse = z.object({ tickets: z.array(TicketSchema) });

export interface TicketListFilter {
  status?: TicketStatus;
  /** A user id, or "none" for unassigned tickets. */
  assigneeId?: string;
  q?: string;
}

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const api = {
  login: (body: LoginBody) => request("POST", "/api/auth/login", UserResponse, body),
  logout: () => request("POST", "/api/auth/logout", null, {}),
  me: () => request("GET", "/api/me", MeResponseSchema),
  updateMe: (body: { locale: Locale | null }) => request("PATCH", "/api/me", UserResponse, body),
  users: () => request("GET", "/api/users", UsersResponse),

  listTickets: (filter: TicketListFilter) =>
    request("GET", `/api/tickets${query({ status: filter.status, assigneeId: filter.assigneeId, q: filter.q?.trim() })}`, TicketsResponse),
  createTicket: (body: CreateTicketBody) => request("POST", "/api/tickets", TicketResponse, body),
  getTicket: (id: string) => request("GET", `/api/tickets/${encodeURIComponent(id)}`, TicketResponse),
  patchTicket: (id: string, body: PatchTicketBody) => request("PATCH", `/api/tickets/${encodeURIComponent(id)}`, TicketResponse, body),
};
