// Request ids, JSON logs per request, and the one error shape on the wire.
import { randomUUID } from "node:crypto";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "../log.ts";
import { AppError } from "./errors.ts";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
    }
  }
}

export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    req.id = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    req.log = log.child({ reqId: req.id });
    res.setHeader("x-request-id", req.id);
    const started = performance.now();
    res.on("finish", () => {
      req.log.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) },
        "request",
      );
    });
    next();
  };
}

/** Maps body-parser failures to our codes; unknown errors become `internal` with the request id only. */
export function errorHandler(): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = toAppError(err);
    if (error.code === "internal") {
      req.log.error({ err }, "unhandled error");
    }
    if (error.retryAfterS) res.setHeader("retry-after", String(error.retryAfterS));
    if (res.headersSent) return;
    res.status(error.status).json({ error: error.toWire() });
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const type = (err as { type?: string } | null)?.type;
  if (type === "entity.parse.failed") return new AppError("bad_request", "Malformed JSON body");
  if (type === "entity.too.large") return new AppError("payload_too_large", "Request body too large");
  if (type === "encoding.unsupported" || type === "charset.unsupported") return new AppError("bad_request", "Unsupported body encoding");
  // Other client errors raised by Express and body-parser (a corrupt gzip body, a badly escaped path)
  // carry a 4xx status: they are bad input, never a 500.
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === "number" && status >= 400 && status < 500) return new AppError("bad_request", "Unreadable request");
  return new AppError("internal", "Internal error");
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError("not_found", `No route for ${req.method} ${req.baseUrl}${req.path}`));
};
