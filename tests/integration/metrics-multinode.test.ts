// [M19] Two server processes on one PostgreSQL (and Redis): an event ingested through one reaches a
// wallboard connected to the other, because every node folds the log itself; and a board is pushed
// by its own node only, so it never receives the same update twice through the Redis adapter.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Wallboard } from "@caseroom/shared";
import { freshPostgres } from "../helpers/databases.ts";
import { spawnServer, type ServerProcess } from "../helpers/process.ts";
import { ApiClient, loginAs, waitFor } from "../helpers/server.ts";
import { requireRedis, TEST_REDIS_URL } from "../helpers/services.ts";
import { connectSocket, type ClientSocket } from "../helpers/sockets.ts";

interface Ctx {
  pg: Awaited<ReturnType<typeof freshPostgres>>;
  a: ServerProcess;
  b: ServerProcess;
  key: string;
  socket: ClientSocket;
}
const test = suite<Ctx>("[M19] wallboards across nodes");

test.before(async (ctx) => {
  await requireRedis();
  ctx.pg = await freshPostgres();
  const env = { DATABASE_URL: `${ctx.pg.url}?search_path=${ctx.pg.schema}`, REDIS_URL: TEST_REDIS_URL, SEED_DEMO: "false" };
  [ctx.a, ctx.b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  const admin = await loginAs(ctx.a.url, "admin@caseroom.local");
  ctx.key = (await admin.post("/api/admin/api-keys", { name: "Two nodes", scopes: ["events:write"] })).body.key;
  const supervisor = await loginAs(ctx.b.url, "supervisor@caseroom.local");
  ctx.socket = await connectSocket(ctx.b.url, supervisor.cookie);
});
test.after(async (ctx) => {
  ctx.socket?.close();
  await Promise.all([ctx.a?.stop(), ctx.b?.stop()]);
  await ctx.pg?.drop();
});

test("[M19] an event ingested through node A moves the board on node B within a second, once", async (ctx) => {
  const ack = await ctx.socket.timeout(5000).emitWithAck("metrics:subscribe", { scope: "org" });
  assert.ok(ack.ok, JSON.stringify(ack));
  const before = (ack as { data: Wallboard }).data.today.kpis.backlog.value!;
  const seen: { at: number; backlog: number | null }[] = [];
  ctx.socket.on("metrics:update", (board) => seen.push({ at: Date.now(), backlog: board.today.kpis.backlog.value }));
  const sent = Date.now();
  const res = await new ApiClient(ctx.a.url).request(
    "POST",
    "/api/events",
    { events: [{ id: randomUUID(), type: "ticket.created", at: new Date().toISOString(), ticketId: randomUUID(), data: { title: "Across nodes", priority: "high" } }] },
    { headers: { authorization: `Bearer ${ctx.key}` } },
  );
  assert.is(res.status, 200, JSON.stringify(res.body));
  const arrived = await waitFor(() => seen.find((s) => s.backlog === before + 1), { timeoutMs: 1000, what: "node B's board to move" });
  assert.ok(arrived.at - sent < 1000);
  // A second push for the same change would come within the batching interval; allow it time to show.
  await new Promise((r) => setTimeout(r, 600));
  assert.is(seen.filter((s) => s.backlog === before + 1).length, 1, "one update per change, not one per node");
});

test.run();
