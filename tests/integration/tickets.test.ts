// The ticket API against both databases: one contract suite run on PGlite and on PostgreSQL.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loginAs, startServer, type ApiClient, type TestServer } from "../helpers/server.ts";

for (const database of ["pglite", "postgres"] as const) {
  const test = suite<{ server: TestServer; tech1: ApiClient; admin: ApiClient }>(`tickets on ${database}`);

  test.before(async (ctx) => {
    ctx.server = await startServer({ database });
    ctx.tech1 = await loginAs(ctx.server.url, "tech1@caseroom.local");
    ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  });
  test.after(async (ctx) => ctx.server?.close());

  test("lists the demo tickets of the user's organisation only", async ({ tech1 }) => {
    const res = await tech1.get("/api/tickets");
    assert.is(res.status, 200);
    assert.ok(res.body.tickets.length >= 6);
    assert.not.ok(res.body.tickets.some((t: { title: string }) => /Принтер/.test(t.title)));
  });

  test("creates a ticket and writes ticket.created in the log", async ({ tech1, admin }) => {
    const res = await tech1.post("/api/tickets", { title: "Monitor flickers", priority: "high" });
    assert.is(res.status, 201);
    assert.is(res.body.ticket.status, "new");
    assert.is(res.body.ticket.priority, "high");
    const events = await admin.get("/api/events?after=0&limit=1000");
    const created = events.body.events.find((e: any) => e.type === "ticket.created" && e.ticketId === res.body.ticket.id);
    assert.ok(created, "ticket.created event stored");
    assert.equal(created.data, { title: "Monitor flickers", priority: "high" });
  });

  test("patch writes one event per changed field and nothing for unchanged ones", async ({ tech1, admin }) => {
    const { body } = await tech1.post("/api/tickets", { title: "Keyboard missing keys" });
    const id = body.ticket.id;
    const me = await tech1.get("/api/me");
    const res = await tech1.patch(`/api/tickets/${id}`, { status: "open", priority: "normal", assigneeId: me.body.user.id });
    assert.is(res.status, 200);
    assert.is(res.body.ticket.status, "open");
    assert.is(res.body.ticket.assigneeId, me.body.user.id);
    const events = (await admin.get("/api/events?limit=1000")).body.events.filter((e: any) => e.ticketId === id);
    assert.equal(events.map((e: any) => e.type), ["ticket.created", "ticket.status_changed", "ticket.assigned"]);
    assert.equal(events[1].data, { from: "new", to: "open" });
    assert.is(events[2].actorId, me.body.user.id);
  });

  test("full-text search finds a ticket by a word form", async ({ tech1 }) => {
    const res = await tech1.get(`/api/tickets?q=${encodeURIComponent("printing blank page")}`);
    assert.is(res.status, 200);
    assert.ok(res.body.tickets.some((t: { title: string }) => t.title.includes("blank pages")));
  });

  test.run();
}
