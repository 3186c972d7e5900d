import type { ApiKeyScope, Principal } from "@caseroom/shared";
import type { Request } from "express";
import { AppError } from "../http/index.ts";
import type { ApiKeyPrincipal, ApiKeyStore } from "./store.ts";

/**
 * The API key of `Authorization: Bearer <key>` holding `scope`. Without a key: 401, or 403 for a
 * logged-in person (integration endpoints take keys, not sessions). Unknown or revoked: 401.
 */
export async function requireApiKey(req: Request & { principal?: Principal }, keys: ApiKeyStore, scope: ApiKeyScope): Promise<ApiKeyPrincipal> {
  const header = req.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    if (req.principal) throw new AppError("forbidden", "This endpoint takes an API key (Authorization: Bearer), not a session");
    throw new AppError("unauthenticated", "Send an API key as Authorization: Bearer <key>");
  }
  const key = await keys.resolve(match[1]!);
  if (!key) throw new AppError("unauthenticated", "Unknown or revoked API key");
  if (!key.scopes.includes(scope)) throw new AppError("forbidden", `This API key lacks the ${scope} scope`);
  return key;
}
