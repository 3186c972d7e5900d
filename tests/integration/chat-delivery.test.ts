// Chat delivery: ack once stored, a resend is never a duplicate, one order per ticket under
// concurrent senders, and a dropped socket catches up without gaps or duplicates.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { io } from "socket.io-client";
import { bySeq, newMessage, recordGuestMessages, sendOnSocket, seqs, staffChat } from "../helpers/chat.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { connectGuestSocket, inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";
import type { Message } from "@caseroom/shared";

interface Ctx {
  server: TestServer;
  tech1: ApiClient;
  tech2: ApiClient;
  ticket: string;
  guest: TestGuest;
}
const test = suite<Ctx>("chat delivery");

test.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres" });
  ctx.tech1 = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.tech2 = await loginAs(ctx.server.url, "tech2@caseroom.local");
  ctx.ticket = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  ctx.guest = await inviteGuest(ctx.tech1, ctx.ticket, "Pat Customer");
});
test.after(async (ctx) => ctx.server?.close());

const count = async (server: TestServer, sql: string, params: unknown[]) => Number((await server.db.query<{ n: number }>(sql, params))[0]!.n);

test("POST stores a message (201) and writes message.sent in the same transaction; the same id again is 200 with the stored message", async ({ server, tech1, ticket }) => {
  const body = newMessage("Hello, **how** can I help?");
  const first = await tech1.post(`/api/tickets/${ticket}/messages`, body);
  assert.is(first.status, 201, JSON.stringify(first.body));
  const m = first.body.message;
  assert.equal([m.id, m.ticketId, m.visibility, m.text, m.author.kind, m.author.name, m.attachments, m.replyTo, m.editedAt], [body.id, ticket, "public", body.text, "staff", "Taylor Tech", [], null, null]);
  assert.ok(m.seq >= 1);
  const again = await tech1.post(`/api/tickets/${ticket}/messages`, { ...body, text: "a different text on resend" });
  assert.is(again.status, 200);
  assert.equal(again.body.message, m, "the stored message, unchanged");
  assert.is(await count(server, "select count(*)::int as n from messages where id = $1", [body.id]), 1);
  const events = await server.db.query<{ actor_id: string; data: Record<string, unknown> }>("select actor_id, data from events where type = 'message.sent' and data->>'messageId' = $1", [body.id]);
  assert.is(events.length, 1, "one event, not two");
  assert.equal(events[0]!.data, { messageId: body.id, visibility: "public", authorKind: "staff" });
  assert.ok(events[0]!.actor_id, "a staff message carries its author");
});

test("chat:send acks once stored; a resend acks the same message and is not broadcast twice", async ({ server, tech1, tech2, ticket, guest }) => {
  const a = await staffChat(server.url, tech1, ticket);
  const b = await staffChat(server.url, tech2, ticket);
  const g = await connectGuestSocket(server.url, guest.client.cookie);
  const guestGot = recordGuestMessages(g);
  const body = newMessage("Sent over the socket");
  const stored = await sendOnSocket(a.socket, ticket, body);
  assert.ok((await server.db.query("select 1 from messages where id = $1", [body.id])).length === 1, "stored before the ack");
  const resent = await sendOnSocket(a.socket, ticket, body);
  assert.equal(resent, stored);
  await waitFor(() => b.received.some((m) => m.id === body.id) && guestGot.some((m) => m.id === body.id), { what: "the other participants to receive it" });
  // A round trip on each socket proves nothing else is in flight.
  await sendOnSocket(a.socket, ticket, newMessage("marker"));
  await waitFor(() => b.received.some((m) => m.text === "marker") && guestGot.some((m) => m.text === "marker"));
  assert.is(b.received.filter((m) => m.id === body.id).length, 1, "tech2 got it once");
  assert.is(guestGot.filter((m) => m.id === body.id).length, 1, "the customer got it once");
  assert.is(a.received.filter((m) => m.id === body.id).length, 1, "the sender's own socket got it once");
  for (const s of [a.socket, b.socket, g]) s.close();
});

test("the same id on another ticket, or by another author, is a conflict and changes nothing", async ({ server, tech1, tech2, ticket }) => {
  const body = newMessage("mine");
  assert.is((await tech1.post(`/api/tickets/${ticket}/messages`, body)).status, 201);
  const [other] = await server.db.query<{ id: string }>("select id from tickets where org_id = (select org_id from tickets where id = $1) and id <> $1 limit 1", [ticket]);
  const res = await tech1.post(`/api/tickets/${other!.id}/messages`, body);
  assert.is(res.status, 409);
  assert.is(res.body.error.code, "conflict");
  assert.is((await tech2.post(`/api/tickets/${ticket}/messages`, body)).status, 409, "another author");
  assert.is(await count(server, "select count(*)::int as n from messages where id = $1", [body.id]), 1);
});

test("concurrent senders: one gap-free order per ticket, each sender's messages in the order sent, every receiver sees the same order", async ({ server, tech1, tech2, ticket, guest }) => {
  const [{ n: startSeq }] = (await server.db.query<{ n: number }>("select last_seq::int as n from chat_counters where ticket_id = $1", [ticket])) as [{ n: number }];
  const a = await staffChat(server.url, tech1, ticket);
  const b = await staffChat(server.url, tech2, ticket);
  const g = await connectGuestSocket(server.url, guest.client.cookie);
  const guestGot = recordGuestMessages(g);
  const PER = 25;
  const senders = [
    { name: "a", socket: a.socket },
    { name: "b", socket: b.socket },
    { name: "g", socket: g },
  ];
  // Every sender fires all its messages without waiting for acks, all senders at once.
  const acks = await Promise.all(
    senders.flatMap(({ name, socket }) => Array.from({ length: PER }, (_, i) => sendOnSocket(socket, ticket, newMessage(`${name}-${i}`)))),
  );
  const total = PER * senders.length;
  assert.equal(bySeq(acks).map((m) => m.seq), Array.from({ length: total }, (_, i) => startSeq + i + 1), "seq is 1, 2, 3… without gaps");
  for (const { name } of senders) {
    const mine = bySeq(acks).filter((m) => m.text.startsWith(`${name}-`)).map((m) => m.text);
    assert.equal(mine, Array.from({ length: PER }, (_, i) => `${name}-${i}`), `${name}'s messages keep their order`);
  }
  const fromDb = await tech1.get(`/api/tickets/${ticket}/messages?after=${startSeq}&limit=200`);
  assert.equal(fromDb.body.messages.map((m: Message) => m.id), bySeq(acks).map((m) => m.id));
  for (const [who, got] of [["tech1", a.received], ["tech2", b.received], ["guest", guestGot]] as const) {
    await waitFor(() => got.filter((m) => m.seq > startSeq).length >= total, { what: `${who} to receive all`, timeoutMs: 30_000 });
    const mine = got.filter((m) => m.seq > startSeq);
    assert.is(new Set(mine.map((m) => m.id)).size, total, `${who}: no duplicates`);
    assert.equal(bySeq(mine).map((m) => m.id), bySeq(acks).map((m) => m.id), `${who}: the same order`);
  }
  for (const s of [a.socket, b.socket, g]) s.close();
});

test("a briefly dropped socket recovers its missed messages (connection state recovery): no gap, no duplicate", async ({ server, tech1, ticket, guest }) => {
  const received: Message[] = [];
  const g = io(`${server.url}/guest`, { transports: ["websocket"], extraHeaders: { cookie: guest.client.cookie! }, reconnectionDelay: 50, reconnectionDelayMax: 100 });
  // Closed whatever happens: a reconnecting socket would keep the test process alive.
  try {
    g.on("chat:message", ({ message }) => received.push(message));
    await waitFor(() => g.connected, { timeoutMs: 15_000 });
    await sendOnSocket(g as never, ticket, newMessage("before the drop"));
    await waitFor(() => received.some((m) => m.text === "before the drop"), { timeoutMs: 15_000 });
    // Drop the transport as a flaky network would (not a clean disconnect).
    g.io.engine.close();
    await waitFor(() => !g.connected, { what: "the drop" });
    const missed: Message[] = [];
    for (let i = 0; i < 5; i++) missed.push((await tech1.post(`/api/tickets/${ticket}/messages`, newMessage(`while away ${i}`))).body.message as Message);
    await waitFor(() => g.connected && g.recovered, { what: "a recovered reconnection", timeoutMs: 15_000 });
    await waitFor(() => missed.every((m) => received.some((r) => r.id === m.id)), { what: "the missed messages", timeoutMs: 15_000 });
    assert.is(new Set(received.map((m) => m.id)).size, received.length, "no duplicates");
  } finally {
    g.close();
  }
});

test("after a longer outage (no recovery) the client fetches after=<last seq> and gets exactly what it missed", async ({ server, tech1, ticket }) => {
  const first = await staffChat(server.url, tech1, ticket);
  await sendOnSocket(first.socket, ticket, newMessage("last seen"));
  await waitFor(() => first.received.some((m) => m.text === "last seen"));
  const lastSeen = Math.max(...seqs(first.received));
  first.socket.close();
  const missedIds = [];
  for (let i = 0; i < 3; i++) missedIds.push((await tech1.post(`/api/tickets/${ticket}/messages`, newMessage(`missed ${i}`))).body.message.id);
  const second = await staffChat(server.url, tech1, ticket);
  assert.ok(second.lastSeq >= lastSeen + 3, "chat:join tells where the chat is");
  const caughtUp = await tech1.get(`/api/tickets/${ticket}/messages?after=${lastSeen}`);
  assert.equal(caughtUp.body.messages.map((m: Message) => m.id), missedIds);
  assert.is(caughtUp.body.hasMore, false);
  second.socket.close();
});

test("paging back with before and limit returns older pages in order, with hasMore", async ({ tech1, ticket }) => {
  const latest = await tech1.get(`/api/tickets/${ticket}/messages?limit=5`);
  assert.is(latest.body.messages.length, 5);
  assert.ok(latest.body.hasMore);
  const s = seqs(latest.body.messages);
  assert.equal(s, [...s].sort((x, y) => x - y), "ascending");
  const older = await tech1.get(`/api/tickets/${ticket}/messages?before=${s[0]}&limit=5`);
  assert.is(Math.max(...seqs(older.body.messages)), s[0]! - 1);
  const bad = await tech1.get(`/api/tickets/${ticket}/messages?before=3&after=1`);
  assert.is(bad.status, 400);
  assert.is((await tech1.get(`/api/tickets/${ticket}/messages?limit=1000`)).status, 400);
});

test("malformed chat:send payloads ack validation_failed and store nothing", async ({ server, tech1, ticket }) => {
  const a = await staffChat(server.url, tech1, ticket);
  const before = await count(server, "select count(*)::int as n from messages", []);
  for (const payload of [
    null,
    { ticketId: ticket },
    { ticketId: ticket, message: { id: "not-a-uuid", text: "x" } },
    { ticketId: ticket, message: { id: randomUUID(), text: "   " } },
    { ticketId: ticket, message: { id: randomUUID(), text: "x".repeat(10_001) } },
    { ticketId: ticket, message: { id: randomUUID(), text: "x", extra: 1 } },
  ]) {
    const ack = await a.socket.timeout(5000).emitWithAck("chat:send", payload as never);
    assert.is(ack.ok, false, JSON.stringify(payload));
    if (!ack.ok) assert.is(ack.error.code, "validation_failed");
  }
  assert.is(await count(server, "select count(*)::int as n from messages", []), before);
  assert.ok(a.socket.connected);
  a.socket.close();
});

test.run();
