// The mesh's signalling across two server processes sharing PostgreSQL and Redis: the technician on
// one node, the customer on the other, plans and signals still reach exactly the right peer.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { connectCallSocket, lastPlan, type CallSocket } from "../helpers/calls.ts";
import { freshPostgres } from "../helpers/databases.ts";
import { inviteGuest } from "../helpers/guests.ts";
import { spawnServer, type ServerProcess } from "../helpers/process.ts";
import { loginAs, waitFor } from "../helpers/server.ts";
import { requireRedis, TEST_REDIS_URL } from "../helpers/services.ts";

interface Ctx {
  pg: Awaited<ReturnType<typeof freshPostgres>>;
  a: ServerProcess;
  b: ServerProcess;
  sockets: CallSocket[];
}
const test = suite<Ctx>("call signalling across two nodes");

test.before(async (ctx) => {
  await requireRedis();
  ctx.pg = await freshPostgres();
  const env = { DATABASE_URL: `${ctx.pg.url}?search_path=${ctx.pg.schema}`, REDIS_URL: TEST_REDIS_URL, SEED_DEMO: "false" };
  [ctx.a, ctx.b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  ctx.sockets = [];
});
test.after(async (ctx) => {
  for (const s of ctx.sockets ?? []) s.close();
  await Promise.all([ctx.a?.stop(), ctx.b?.stop()]);
  await ctx.pg?.drop();
});

test("technician on A, customer on B: both get their plans, an offer crosses nodes to its peer only", async (ctx) => {
  const tech = await loginAs(ctx.a.url, "tech1@caseroom.local");
  const tickets = (await tech.get("/api/tickets")).body.tickets;
  const start = await tech.post(`/api/tickets/${tickets[0].id}/call`);
  assert.is(start.status, 201, JSON.stringify(start.body));
  const callId = start.body.call.id;
  const other = await (await loginAs(ctx.b.url, "tech2@caseroom.local")).post(`/api/tickets/${tickets[1].id}/call`);

  const guest = await inviteGuest(await loginAs(ctx.b.url, "tech1@caseroom.local"), tickets[0].id);
  const guestJoin = await guest.client.post(`/api/calls/${callId}/join`, {});
  assert.is(guestJoin.status, 200);

  const onA = await connectCallSocket(ctx.a.url, tech.cookie);
  const onB = await connectCallSocket(ctx.b.url, guest.client.cookie);
  const bystander = await connectCallSocket(ctx.b.url, (await loginAs(ctx.b.url, "tech2@caseroom.local")).cookie);
  ctx.sockets.push(onA, onB, bystander);
  assert.ok((await onA.timeout(5000).emitWithAck("call:attach", { callId })).ok);
  assert.ok((await onB.timeout(5000).emitWithAck("call:attach", { callId })).ok);
  assert.ok((await bystander.timeout(5000).emitWithAck("call:attach", { callId: other.body.call.id })).ok);

  await waitFor(() => lastPlan(onA)?.links.some((l) => l.peerId === guestJoin.body.join.participantId), { what: "A's plan to include the customer on B" });
  const ack = await onA.timeout(5000).emitWithAck("call:signal", { callId, to: guestJoin.body.join.participantId, description: { type: "offer", sdp: "cross-node" } });
  assert.ok(ack.ok, JSON.stringify(ack));
  const got = await waitFor(() => onB.signals.find((s) => s.description?.sdp === "cross-node"), { what: "the offer on B" });
  assert.is(got.from, start.body.join.participantId);
  assert.is(bystander.signals.length, 0, "another call's peer on the same node hears nothing");

  assert.is((await tech.post(`/api/calls/${callId}/end`)).status, 200);
  await waitFor(() => onB.ended.includes(callId), { what: "call:ended on B" });
});

test.run();
