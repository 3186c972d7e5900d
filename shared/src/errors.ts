// The one list of error codes that cross the wire, with their HTTP status and websocket close code.
// Server error classes carry one of these codes; the client localises by code, never by message.
import { z } from "zod";

export const errorCodes = {
  bad_request: { http: 400, close: 4400 },
  validation_failed: { http: 400, close: 4400 },
  unauthenticated: { http: 401, close: 4401 },
  invalid_credentials: { http: 401, close: 4401 },
  forbidden: { http: 403, close: 4403 },
  not_found: { http: 404, close: 4404 },
  conflict: { http: 409, close: 4409 },
  timeout: { http: 408, close: 4408 },
  payload_too_large: { http: 413, close: 4413 },
  unsupported_media_type: { http: 415, close: 4415 },
  rate_limited: { http: 429, close: 4429 },
  unavailable: { http: 503, close: 4503 },
  internal: { http: 500, close: 4500 },
} as const;

export type ErrorCode = keyof typeof errorCodes;
export const ErrorCodeSchema = z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]);

export const ErrorDetailsSchema = z.record(z.string(), z.unknown());

/** The one error shape on the wire: `{ error: { code, message, details? } }`. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: ErrorDetailsSchema.optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type WireError = ErrorBody["error"];

/** Socket acknowledgements: success carries data, failure carries the wire error. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };

/** Turns zod issues into `details.fields`, naming each bad field by its dotted path. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): { fields: { path: string; message: string }[] } {
  const at = (path: readonly PropertyKey[]) => path.map(String).join(".");
  return {
    fields: issues.flatMap((issue) =>
      // An unknown field is named by its own path, not by the object that holds it.
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => ({ path: at([...issue.path, key]), message: "unknown field" }))
        : [{ path: at(issue.path) || "(body)", message: issue.message }],
    ),
  };
}
