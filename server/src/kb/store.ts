// Knowledge-base articles, searched with PostgreSQL full text in the organisation's language.
// The co-pilot issue adds the HTTP API, passages and synonym handling on top of this.
import type { Queryable } from "../db/index.ts";

export interface KbSearchHit {
  id: string;
  title: string;
  rank: number;
}

export function kbStore(db: Queryable) {
  return {
    /**
     * Ranked articles of one organisation. The query is parsed with the organisation's text-search
     * configuration (english / russian), so word forms match: «печатает» finds «печать».
     */
    async search(orgId: string, text: string, limit = 10): Promise<KbSearchHit[]> {
      const rows = await db.query<{ id: string; title: string; rank: number }>(
        `select a.id, a.title, ts_rank_cd(a.search, q) as rank
           from kb_articles a
           join orgs o on o.id = a.org_id
           cross join lateral websearch_to_tsquery(o.search_config, $2) q
          where a.org_id = $1 and a.search @@ q
          order by rank desc, a.title
          limit $3`,
        [orgId, text, limit],
      );
      return rows.map((row) => ({ id: row.id, title: row.title, rank: Number(row.rank) }));
    },
  };
}
export type KbStore = ReturnType<typeof kbStore>;
