import { errorCodes, issuesToDetails, type ErrorCode, type WireError } from "@caseroom/shared";
import type { z } from "zod";

/** An error meant for the caller: its code fixes the HTTP status and the socket close code. */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Seconds after which a rate-limited caller may retry. */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
  get status(): number {
    return errorCodes[this.code].http;
  }
  toWire(): WireError {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);

export function validationError(where: string, issues: readonly z.core.$ZodIssue[]): AppError {
  const details = issuesToDetails(issues);
  const first = details.fields[0];
  const summary = first ? `${first.path}: ${first.message}` : "invalid";
  return new AppError("validation_failed", `Invalid ${where}: ${summary}`, details);
}

/** Parses input with a shared schema; throws a validation AppError that names the bad fields. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(where, result.error.issues);
  return result.data;
}
