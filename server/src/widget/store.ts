// Widget keys: public by nature (they sit in a company's web page), so they are stored as they are;
// what guards them is the list of websites allowed to use them, revocation and rate limits.
import { randomBytes } from "node:crypto";
import type { CreateWidgetKeyBody, WidgetKey } from "@caseroom/shared";
import type { Queryable } from "../db/index.ts";

interface Row {
  id: string;
  org_id: string;
  key: string;
  name: string;
  allowed_origins: string[];
  created_at: Date;
  revoked_at: Date | null;
}
const COLUMNS = "id, org_id, key, name, allowed_origins, created_at, revoked_at";
const toKey = (r: Row): WidgetKey => ({
  id: r.id,
  key: r.key,
  name: r.name,
  allowedOrigins: r.allowed_origins,
  createdAt: new Date(r.created_at).toISOString(),
  revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
});

export interface ActiveWidgetKey {
  id: string;
  orgId: string;
  allowedOrigins: string[];
}

export function widgetKeyStore(db: Queryable) {
  return {
    async create(orgId: string, createdBy: string, body: CreateWidgetKeyBody): Promise<WidgetKey> {
      const [row] = await db.query<Row>(
        `insert into widget_keys (org_id, key, name, allowed_origins, created_by) values ($1, $2, $3, $4::text[], $5) returning ${COLUMNS}`,
        [orgId, `crw_${randomBytes(18).toString("base64url")}`, body.name, [...new Set(body.allowedOrigins.map((o) => o.toLowerCase()))], createdBy],
      );
      return toKey(row!);
    },
    async list(orgId: string): Promise<WidgetKey[]> {
      return (await db.query<Row>(`select ${COLUMNS} from widget_keys where org_id = $1 order by created_at desc`, [orgId])).map(toKey);
    },
    async revoke(orgId: string, id: string): Promise<boolean> {
      const rows = await db.query("update widget_keys set revoked_at = coalesce(revoked_at, now()) where id = $1 and org_id = $2 returning id", [id, orgId]);
      return rows.length > 0;
    },
    async active(key: string): Promise<ActiveWidgetKey | undefined> {
      const [row] = await db.query<Row>(`select ${COLUMNS} from widget_keys where key = $1 and revoked_at is null`, [key]);
      return row && { id: row.id, orgId: row.org_id, allowedOrigins: row.allowed_origins };
    },
    /** Whether any active key lists the origin (CORS preflights carry no key). */
    async originListed(origin: string): Promise<boolean> {
      return (await db.query("select 1 from widget_keys where revoked_at is null and $1 = any(allowed_origins) limit 1", [origin.toLowerCase()])).length > 0;
    },
  };
}
export type WidgetKeyStore = ReturnType<typeof widgetKeyStore>;
