// [I18N-SEARCH] The organisation's language sets the text-search configuration; stemming works on both databases.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Db } from "../../server/src/db/index.ts";
import { kbStore } from "../../server/src/kb/index.ts";
import { freshPglite, freshPostgres } from "../helpers/databases.ts";
import { loginAs, startServer, type TestServer } from "../helpers/server.ts";

const orgId = async (db: Db, slug: string) => (await db.query<{ id: string }>("select id from orgs where slug = $1", [slug]))[0]!.id;

for (const database of ["pglite", "postgres"] as const) {
  const test = suite<{ db: Db; drop: () => Promise<void> }>(`language-aware search on ${database}`);

  test.before(async (ctx) => {
    if (database === "pglite") {
      ctx.db = await freshPglite();
      ctx.drop = () => ctx.db.close();
    } else {
      const pg = await freshPostgres();
      ctx.db = pg.db;
      ctx.drop = pg.drop;
    }
  });
  test.after(async (ctx) => ctx.drop?.());

  test("the Russian organisation searches with the russian configuration", async ({ db }) => {
    const [row] = await db.query<{ search_config: string }>("select search_config::text as search_config from orgs where slug = 'demo-ru'");
    assert.is(row!.search_config, "russian");
  });

  test("«принтер не печатает» finds «Принтер не печатает после обновления»", async ({ db }) => {
    const hits = await kbStore(db).search(await orgId(db, "demo-ru"), "принтер не печатает");
    assert.is(hits[0]?.title, "Принтер не печатает после обновления");
  });

  test("Russian stemming matches other word forms («принтеры», «печатать»)", async ({ db }) => {
    const hits = await kbStore(db).search(await orgId(db, "demo-ru"), "принтеры печатать");
    assert.ok(hits.some((h) => h.title === "Принтер не печатает после обновления"), JSON.stringify(hits));
  });

  test("English stemming matches «printing» to «prints»", async ({ db }) => {
    const hits = await kbStore(db).search(await orgId(db, "demo"), "printing blank");
    assert.is(hits[0]?.title, "Printer prints blank pages");
  });

  test("one organisation's articles never appear in another's search", async ({ db }) => {
    const hits = await kbStore(db).search(await orgId(db, "demo"), "принтер не печатает");
    assert.is(hits.length, 0);
  });

  test.run();
}

const api = suite<{ server: TestServer }>("ticket search in the organisation's language");
api.before(async (ctx) => {
  ctx.server = await startServer();
});
api.after(async (ctx) => ctx.server?.close());

api("a Russian technician finds «Принтер в бухгалтерии не печатает» by «принтеры не печатают»", async ({ server }) => {
  const tech = await loginAs(server.url, "tech1@ru.caseroom.local");
  const res = await tech.get(`/api/tickets?q=${encodeURIComponent("принтеры не печатают")}`);
  assert.is(res.status, 200);
  assert.equal(res.body.tickets.map((t: { title: string }) => t.title), ["Принтер в бухгалтерии не печатает"]);
});

api.run();
