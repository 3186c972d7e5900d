// API keys for integrations. The key is 32 random bytes shown once; only its SHA-256 is stored
// (a fast hash is enough for a key with 256 bits of entropy, and keeps every request cheap).
import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyScope, CreateApiKeyBody, IntegrationKey } from "@caseroom/shared";
import type { Queryable } from "../db/index.ts";

const KEY_PREFIX = "crk_";
const hash = (key: string) => createHash("sha256").update(key).digest("hex");

interface Row {
  id: string;
  org_id: string;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toKey = (row: Row): IntegrationKey => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes,
  prefix: row.prefix,
  createdAt: new Date(row.created_at).toISOString(),
  lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
});

export interface ApiKeyPrincipal {
  keyId: string;
  orgId: string;
  scopes: ApiKeyScope[];
}

/** last_used_at is for people, not for accounting: write it at most once a minute per key. */
const TOUCH_EVERY_MS = 60_000;

export function apiKeyStore(db: Queryable) {
  const touched = new Map<string, number>();
  return {
    async create(orgId: string, createdBy: string, body: CreateApiKeyBody): Promise<{ key: string; apiKey: IntegrationKey }> {
      const key = KEY_PREFIX + randomBytes(32).toString("base64url");
      const [row] = await db.query<Row>(
        `insert into api_keys (org_id, name, scopes, key_hash, prefix, created_by) values ($1, $2, $3::text[], $4, $5, $6)
         returning id, org_id, name, scopes, prefix, created_at, last_used_at, revoked_at`,
        [orgId, body.name, body.scopes, hash(key), key.slice(0, KEY_PREFIX.length + 6), createdBy],
      );
      return { key, apiKey: toKey(row!) };
    },

    async list(orgId: string): Promise<IntegrationKey[]> {
      const rows = await db.query<Row>(
        "select id, org_id, name, scopes, prefix, created_at, last_used_at, revoked_at from api_keys where org_id = $1 order by created_at desc",
        [orgId],
      );
      return rows.map(toKey);
    },

    /** Revokes a key of the organisation; false when there is none (another organisation's is not found either). */
    async revoke(orgId: string, id: string): Promise<boolean> {
      const rows = await db.query("update api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1 and org_id = $2 returning id", [id, orgId]);
      return rows.length > 0;
    },

    /** The key's organisation and scopes, or undefined for an unknown or revoked key. */
    async resolve(key: string): Promise<ApiKeyPrincipal | undefined> {
      if (!key.startsWith(KEY_PREFIX) || key.length > 100) return undefined;
      const [row] = await db.query<Row>("select id, org_id, scopes from api_keys where key_hash = $1 and revoked_at is null", [hash(key)]);
      if (!row) return undefined;
      if (Date.now() - (touched.get(row.id) ?? 0) > TOUCH_EVERY_MS) {
        touched.set(row.id, Date.now());
        await db.query("update api_keys set last_used_at = now() where id = $1", [row.id]);
      }
      return { keyId: row.id, orgId: row.org_id, scopes: row.scopes };
    },
  };
}
export type ApiKeyStore = ReturnType<typeof apiKeyStore>;
