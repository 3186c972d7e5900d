// socket.io fan-out: ticket changes reach everyone of the organisation and no one else; presence and
// ticket viewers follow live connections.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { connectSocket, record, roundTrip, type ClientSocket } from "../helpers/sockets.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  tech1: ApiClient;
  ids: { tech1: string; tech2: string; ruTech: string };
  s1: ClientSocket;
  s2: ClientSocket;
  sRu: ClientSocket;
  changedForTech2: ReturnType<typeof record<"ticket:changed">>;
  changedForRu: ReturnType<typeof record<"ticket:changed">>;
  presenceForTech1: ReturnType<typeof record<"presence:online">>;
  presenceForRu: ReturnType<typeof record<"presence:online">>;
  viewersForTech1: ReturnType<typeof record<"ticket:viewers">>;
  watchedTicket: string;
}

const idsOf = (users: { id: string }[]) => users.map((u) => u.id);

const test = suite<Ctx>("realtime");

test.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres" });
  const [tech1, tech2, ruTech] = await Promise.all(
    ["tech1@caseroom.local", "tech2@caseroom.local", "tech1@ru.caseroom.local"].map((email) => loginAs(ctx.server.url, email)),
  );
  ctx.tech1 = tech1!;
  const idOf = async (client: ApiClient) => (await client.get("/api/me")).body.user.id as string;
  ctx.ids = { tech1: await idOf(tech1!), tech2: await idOf(tech2!), ruTech: await idOf(ruTech!) };
  ctx.s1 = await connectSocket(ctx.server.url, tech1!.cookie, {
    listen: (s) => {
      ctx.presenceForTech1 = record(s, "presence:online");
      ctx.viewersForTech1 = record(s, "ticket:viewers");
    },
  });
  ctx.s2 = await connectSocket(ctx.server.url, tech2!.cookie, { listen: (s) => (ctx.changedForTech2 = record(s, "ticket:changed")) });
  ctx.sRu = await connectSocket(ctx.server.url, ruTech!.cookie, {
    listen: (s) => {
      ctx.changedForRu = record(s, "ticket:changed");
      ctx.presenceForRu = record(s, "presence:online");
    },
  });
});
test.after(async (ctx) => {
  for (const socket of [ctx.s1, ctx.s2, ctx.sRu]) socket?.close();
  await ctx.server?.close();
});

test("tech2 receives ticket:changed when tech1 PATCHes a ticket's status; the demo-ru user does not", async (ctx) => {
  const { body } = await ctx.tech1.get("/api/tickets?status=new");
  const ticket = body.tickets[0];
  assert.is((await ctx.tech1.patch(`/api/tickets/${ticket.id}`, { status: "pending" })).status, 200);
  const pushed = await waitFor(() => ctx.changedForTech2.find((p) => p.ticket.id === ticket.id), { what: "ticket:changed for tech2" });
  assert.is(pushed.ticket.status, "pending");
  assert.equal(pushed.eventTypes, ["ticket.status_changed"]);
  assert.is(pushed.actorId, ctx.ids.tech1);
  // Anything sent to the demo-ru socket before this answer has arrived by now (order per connection).
  await roundTrip(ctx.sRu);
  assert.equal(ctx.changedForRu, [], "nothing reached the other organisation");
});

test("tech2 receives ticket:changed when tech1 creates a ticket; the demo-ru user does not", async (ctx) => {
  const res = await ctx.tech1.post("/api/tickets", { title: "Scanner offline", priority: "high" });
  assert.is(res.status, 201);
  const pushed = await waitFor(() => ctx.changedForTech2.find((p) => p.ticket.id === res.body.ticket.id), { what: "ticket:changed for tech2" });
  assert.equal(pushed.eventTypes, ["ticket.created"]);
  assert.is(pushed.ticket.title, "Scanner offline");
  assert.is(pushed.actorId, ctx.ids.tech1);
  await roundTrip(ctx.sRu);
  assert.equal(ctx.changedForRu, [], "nothing reached the other organisation");
});

test("a patch that changes nothing pushes nothing", async (ctx) => {
  const { body } = await ctx.tech1.get("/api/tickets?status=pending");
  const ticket = body.tickets[0];
  const before = ctx.changedForTech2.length;
  assert.is((await ctx.tech1.patch(`/api/tickets/${ticket.id}`, { status: "pending" })).status, 200);
  await roundTrip(ctx.s2);
  assert.is(ctx.changedForTech2.length, before);
});

test("presence:online lists tech1 and tech2 when both are connected, and no one of the other org", async (ctx) => {
  const latest = await waitFor(
    () => {
      const users = idsOf(ctx.presenceForTech1.at(-1)?.users ?? []);
      return users.includes(ctx.ids.tech1) && users.includes(ctx.ids.tech2) ? users : undefined;
    },
    { what: "presence with tech1 and tech2" },
  );
  assert.not.ok(latest.includes(ctx.ids.ruTech));
  await waitFor(() => ctx.presenceForRu.length > 0, { what: "the demo-ru user's own presence list" });
  for (const { users } of ctx.presenceForRu) {
    assert.not.ok(idsOf(users).includes(ctx.ids.tech1), "the demo-ru user never sees demo staff online");
  }
});

test("ticket:viewers lists both watchers of a ticket", async (ctx) => {
  const { body } = await ctx.tech1.get("/api/tickets");
  ctx.watchedTicket = body.tickets[0].id;
  const first = await ctx.s1.timeout(5000).emitWithAck("ticket:watch", { ticketId: ctx.watchedTicket });
  assert.ok(first.ok);
  const second = await ctx.s2.timeout(5000).emitWithAck("ticket:watch", { ticketId: ctx.watchedTicket });
  assert.ok(second.ok);
  if (second.ok) assert.equal(idsOf(second.data.users).sort(), [ctx.ids.tech1, ctx.ids.tech2].sort(), "the ack lists both");
  await waitFor(
    () => {
      const last = ctx.viewersForTech1.at(-1);
      return last?.ticketId === ctx.watchedTicket && last.users.length === 2 && idsOf(last.users).includes(ctx.ids.tech2);
    },
    { what: "ticket:viewers with both watchers" },
  );
});

test("when tech2 disconnects, presence:online and ticket:viewers drop tech2", async (ctx) => {
  ctx.s2.close();
  await waitFor(
    () => {
      const users = idsOf(ctx.presenceForTech1.at(-1)?.users ?? []);
      return users.includes(ctx.ids.tech1) && !users.includes(ctx.ids.tech2);
    },
    { what: "presence without tech2" },
  );
  await waitFor(
    () => {
      const last = ctx.viewersForTech1.at(-1);
      return last?.ticketId === ctx.watchedTicket && idsOf(last.users).join() === ctx.ids.tech1;
    },
    { what: "ticket:viewers without tech2" },
  );
});

test.run();
