// Live co-editing with stock y-websocket providers: convergence, late joiners, and the projection
// of document fields onto the tickets row.
import { addChecklistItem, readChecklist, ticketDoc } from "@caseroom/shared";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { collabToken, connectProvider, waitConverged, waitSynced, type NodeClient } from "../helpers/collab.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  tech1: ApiClient;
  tech2: ApiClient;
  admin: ApiClient;
  ticketId: string;
  clients: NodeClient[];
}
const test = suite<Ctx>("co-editing a ticket");

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.tech1 = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.tech2 = await loginAs(ctx.server.url, "tech2@caseroom.local");
  ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  ctx.clients = [];
});
test.after.each((ctx) => {
  for (const client of ctx.clients.splice(0)) client.destroy();
});
test.after(async (ctx) => ctx.server?.close());

async function open(ctx: Ctx, who: ApiClient, ticketId = ctx.ticketId): Promise<NodeClient> {
  const client = connectProvider({ baseUrl: ctx.server.url, ticketId, token: await collabToken(who, ticketId) });
  ctx.clients.push(client);
  await waitSynced(client);
  return client;
}

test("a new document starts from the ticket row", async (ctx) => {
  const client = await open(ctx, ctx.tech1);
  const row = (await ctx.tech1.get(`/api/tickets/${ctx.ticketId}`)).body.ticket;
  const fields = ticketDoc.fields(client.doc);
  assert.is(fields.get("title"), row.title);
  assert.is(fields.get("status"), row.status);
  assert.is(fields.get("priority"), row.priority);
});

test("two clients editing text, map and checklist at the same time converge", async (ctx) => {
  const [a, b] = [await open(ctx, ctx.tech1), await open(ctx, ctx.tech2)];
  for (let i = 0; i < 50; i++) {
    a.doc.getText("scratch").insert(0, "a");
    b.doc.getText("scratch").insert(0, "b");
    ticketDoc.fields(a.doc).set("priority", i % 2 ? "high" : "low");
    ticketDoc.fields(b.doc).set("priority", i % 2 ? "urgent" : "normal");
  }
  addChecklistItem(a.doc, { id: "a1", text: "Check cable", done: false, doneBy: null });
  addChecklistItem(b.doc, { id: "b1", text: "Restart router", done: false, doneBy: null });
  await waitConverged([a.doc, b.doc]);
  assert.is(a.doc.getText("scratch").toString(), b.doc.getText("scratch").toString());
  assert.is(a.doc.getText("scratch").length, 100);
  assert.equal(readChecklist(a.doc), readChecklist(b.doc));
  assert.equal(readChecklist(a.doc).map((i) => i.id).sort(), ["a1", "b1"]);
  assert.is(ticketDoc.fields(a.doc).get("priority"), ticketDoc.fields(b.doc).get("priority"));
});

test("ten clients converge, and a late joiner receives the full state", async (ctx) => {
  const clients = await Promise.all(Array.from({ length: 10 }, (_, i) => open(ctx, i % 2 ? ctx.tech1 : ctx.tech2)));
  clients.forEach((client, i) => {
    for (let n = 0; n < 20; n++) client.doc.getText("ten").insert(0, String(i));
    client.doc.getMap("votes").set(`c${i}`, i);
  });
  await waitConverged(clients.map((c) => c.doc));
  assert.is(clients[0]!.doc.getText("ten").length, 200);
  const late = await open(ctx, ctx.tech1);
  await waitFor(() => late.doc.getText("ten").length === 200, { what: "late joiner state" });
  assert.is(late.doc.getText("ten").toString(), clients[0]!.doc.getText("ten").toString());
  assert.is(late.doc.getMap("votes").size, 10);
});

test("a status set in the document updates the row and writes one event by that user", async (ctx) => {
  const client = await open(ctx, ctx.tech2);
  const me = (await ctx.tech2.get("/api/me")).body.user;
  const before = ticketDoc.fields(client.doc).get("status");
  const next = before === "pending" ? "open" : "pending";
  ticketDoc.fields(client.doc).set("status", next);
  await waitFor(async () => (await ctx.tech1.get(`/api/tickets/${ctx.ticketId}`)).body.ticket.status === next, { what: "row follows the document" });
  const events = (await ctx.admin.get("/api/events?limit=1000")).body.events.filter((e: any) => e.ticketId === ctx.ticketId && e.type === "ticket.status_changed");
  const last = events.at(-1);
  assert.equal(last.data, { from: before, to: next });
  assert.is(last.actorId, me.id);
});

test("PATCH applies to the document: connected clients see it", async (ctx) => {
  const client = await open(ctx, ctx.tech1);
  const res = await ctx.tech2.patch(`/api/tickets/${ctx.ticketId}`, { priority: "urgent", title: "Renamed through REST" });
  assert.is(res.status, 200);
  assert.is(res.body.ticket.priority, "urgent");
  await waitFor(() => ticketDoc.fields(client.doc).get("title") === "Renamed through REST", { what: "document follows REST" });
  assert.is(ticketDoc.fields(client.doc).get("priority"), "urgent");
});

test("a value the row cannot take is put back in everyone's document, and the row is unchanged", async (ctx) => {
  const [a, b] = [await open(ctx, ctx.tech1), await open(ctx, ctx.tech2)];
  const status = ticketDoc.fields(a.doc).get("status");
  ticketDoc.fields(a.doc).set("status", "sideways");
  ticketDoc.fields(b.doc).set("assigneeId", "00000000-0000-4000-8000-000000000000");
  await waitFor(() => ticketDoc.fields(b.doc).get("status") === status && ticketDoc.fields(a.doc).get("assigneeId") !== "00000000-0000-4000-8000-000000000000", {
    what: "invalid values corrected",
  });
  const row = (await ctx.tech1.get(`/api/tickets/${ctx.ticketId}`)).body.ticket;
  assert.is(row.status, status);
  assert.is.not(row.assigneeId, "00000000-0000-4000-8000-000000000000");
});

test("presence: two users see each other, echoes are not refused, and a reconnect shows up again", async (ctx) => {
  const users = await Promise.all([ctx.tech1, ctx.tech2].map(async (c) => (await c.get("/api/me")).body.user));
  const [a, b] = [await open(ctx, ctx.tech1), await open(ctx, ctx.tech2)];
  a.provider.awareness.setLocalState({ user: { id: users[0].id, name: users[0].name, color: "#123456" }, focus: "notes" });
  b.provider.awareness.setLocalState({ user: { id: users[1].id, name: users[1].name, color: "#654321" }, focus: "status" });
  const sees = (client: NodeClient, name: string) => [...client.provider.awareness.getStates().values()].some((s: any) => s.user?.name === name);
  await waitFor(() => sees(a, users[1].name) && sees(b, users[0].name), { what: "both presences" });
  // Each provider echoes the other's state back; many moves later, nobody has been disconnected.
  for (let i = 0; i < 20; i++) {
    a.provider.awareness.setLocalStateField("focus", `item-${i}`);
    b.provider.awareness.setLocalStateField("focus", `field-${i}`);
  }
  await waitFor(() => [...b.provider.awareness.getStates().values()].some((s: any) => s.focus === "item-19"), { what: "latest focus" });
  assert.equal([...a.closes, ...b.closes], [], "no connection was closed");
  // A dropped connection (not a deliberate disconnect): the provider reconnects by itself.
  b.provider.ws!.close();
  await waitFor(() => !sees(a, users[1].name), { what: "presence gone after the drop" });
  await waitFor(() => sees(a, users[1].name), { what: "presence back after reconnect" });
  assert.equal(a.closes, []);
});

test("the cookie works as well as the token", async (ctx) => {
  const client = connectProvider({ baseUrl: ctx.server.url, ticketId: ctx.ticketId, cookie: ctx.tech1.cookie });
  ctx.clients.push(client);
  await waitSynced(client);
  assert.ok(ticketDoc.fields(client.doc).get("title"));
});

test.run();
