// Two server processes sharing PostgreSQL and Redis: a change made through one reaches the other's sockets.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { io, type Socket } from "socket.io-client";
import { freshPostgres } from "../helpers/databases.ts";
import { spawnServer, type ServerProcess } from "../helpers/process.ts";
import { loginAs, waitFor, type ApiClient } from "../helpers/server.ts";
import { requireRedis, TEST_REDIS_URL } from "../helpers/services.ts";

interface Ctx {
  pg: Awaited<ReturnType<typeof freshPostgres>>;
  a: ServerProcess;
  b: ServerProcess;
  tech1OnA: ApiClient;
  tech2OnB: ApiClient;
  socketOnB: Socket;
  received: any[];
  online: string[][];
}
const test = suite<Ctx>("two server processes through Redis");

test.before(async (ctx) => {
  await requireRedis();
  ctx.pg = await freshPostgres();
  const env = { DATABASE_URL: `${ctx.pg.url}?search_path=${ctx.pg.schema}`, REDIS_URL: TEST_REDIS_URL, SEED_DEMO: "false" };
  [ctx.a, ctx.b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  ctx.tech1OnA = await loginAs(ctx.a.url, "tech1@caseroom.local");
  ctx.tech2OnB = await loginAs(ctx.b.url, "tech2@caseroom.local");
  ctx.received = [];
  ctx.online = [];
  ctx.socketOnB = io(ctx.b.url, { transports: ["websocket"], extraHeaders: { cookie: ctx.tech2OnB.cookie! } });
  ctx.socketOnB.on("ticket:changed", (payload) => ctx.received.push(payload));
  ctx.socketOnB.on("presence:online", ({ users }) => ctx.online.push(users.map((u: { name: string }) => u.name)));
  await waitFor(() => ctx.socketOnB.connected, { what: "socket on B" });
});

test.after(async (ctx) => {
  ctx.socketOnB?.close();
  await Promise.all([ctx.a?.stop(), ctx.b?.stop()]);
  await ctx.pg?.drop();
});

test("both processes serve the same session store", async (ctx) => {
  const me = await ctx.tech1OnA.get("/api/me");
  const onB = await ctx.tech2OnB.get("/api/me");
  assert.is(me.status, 200);
  assert.is(onB.status, 200);
  assert.is(me.body.org.id, onB.body.org.id);
});

test("a status change made through process A reaches a socket client of process B", async (ctx) => {
  const { body } = await ctx.tech1OnA.get("/api/tickets?status=new");
  const ticket = body.tickets[0];
  const res = await ctx.tech1OnA.patch(`/api/tickets/${ticket.id}`, { status: "pending" });
  assert.is(res.status, 200);
  const pushed = await waitFor(() => ctx.received.find((p) => p.ticket.id === ticket.id && p.ticket.status === "pending"), {
    what: "ticket:changed on B",
  });
  assert.equal(pushed.eventTypes, ["ticket.status_changed"]);
});

test("a ticket created through A appears on B", async (ctx) => {
  const res = await ctx.tech1OnA.post("/api/tickets", { title: "Created on node A" });
  await waitFor(() => ctx.received.find((p) => p.ticket.id === res.body.ticket.id), { what: "created ticket on B" });
});

test("presence spans both processes", async (ctx) => {
  const socketOnA = io(ctx.a.url, { transports: ["websocket"], extraHeaders: { cookie: ctx.tech1OnA.cookie! } });
  try {
    await waitFor(() => ctx.online.some((names) => names.includes("Taylor Tech") && names.includes("Jordan Tech")), {
      what: "presence on B listing the user connected to A",
    });
  } finally {
    socketOnA.close();
  }
  await waitFor(() => {
    const last = ctx.online.at(-1);
    return last && !last.includes("Taylor Tech");
  }, { what: "presence on B dropping the user who left A" });
});

test("/readyz reports the database and Redis on both", async (ctx) => {
  for (const url of [ctx.a.url, ctx.b.url]) {
    const res = await fetch(`${url}/readyz`);
    assert.is(res.status, 200);
    assert.equal((await res.json()).checks, { database: "ok", redis: "ok" });
  }
});

test.run();
