// Who sees and changes what in a ticket's chat: internal notes never reach a guest (HTTP or socket),
// other tickets are 404, an expired or revoked link reads nothing; edits and deletions only by the
// author within the window, with the old text kept for admins; text is sanitised before storing.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Message } from "@caseroom/shared";
import { newMessage, recordGuestMessages, sendOnSocket, staffChat } from "../helpers/chat.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { connectGuestSocket, guestRoundTrip, inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  tech1: ApiClient;
  tech2: ApiClient;
  admin: ApiClient;
  ruTech: ApiClient;
  ticket: string;
  otherTicket: string;
  guest: TestGuest;
}
const test = suite<Ctx>("chat access, edits and sanitising");

test.before(async (ctx) => {
  ctx.server = await startServer({ env: { CHAT_EDIT_WINDOW_S: "60" } });
  ctx.tech1 = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.tech2 = await loginAs(ctx.server.url, "tech2@caseroom.local");
  ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  ctx.ruTech = await loginAs(ctx.server.url, "tech1@ru.caseroom.local");
  const demo = await orgIdBySlug(ctx.server.db, "demo");
  ctx.ticket = await firstTicketOf(ctx.server.db, demo);
  ctx.otherTicket = (await ctx.server.db.query<{ id: string }>("select id from tickets where org_id = $1 order by number offset 1 limit 1", [demo]))[0]!.id;
  ctx.guest = await inviteGuest(ctx.tech1, ctx.ticket, "Robin Customer");
});
test.after(async (ctx) => ctx.server?.close());

test("a guest never gets internal notes: not in the list, not on its socket, not as typing", async ({ server, tech1, ticket, guest }) => {
  const g = await connectGuestSocket(server.url, guest.client.cookie);
  const got = recordGuestMessages(g);
  const typing: unknown[] = [];
  g.on("chat:typing", (p) => typing.push(p));
  const staff = await staffChat(server.url, tech1, ticket);
  const note = await sendOnSocket(staff.socket, ticket, newMessage("Internal: customer sounds annoyed", { visibility: "internal" }));
  staff.socket.emit("chat:typing", { ticketId: ticket, typing: true, visibility: "internal" });
  const reply = await sendOnSocket(staff.socket, ticket, newMessage("Public reply"));
  await waitFor(() => got.some((m) => m.id === reply.id), { what: "the public reply" });
  await guestRoundTrip(g);
  assert.not.ok(got.some((m) => m.id === note.id), "the note never reached the guest socket");
  assert.equal(typing, [], "internal typing is not shown to the customer");
  const list = await guest.client.get(`/api/tickets/${ticket}/messages?limit=200`);
  assert.is(list.status, 200);
  assert.ok(list.body.messages.every((m: Message) => m.visibility === "public"));
  assert.not.ok(list.body.messages.some((m: Message) => m.id === note.id));
  const search = await guest.client.get(`/api/tickets/${ticket}/messages?q=annoyed`);
  assert.equal(search.body.messages, [], "nor through search");
  const staffList = await tech1.get(`/api/tickets/${ticket}/messages?limit=200`);
  assert.ok(staffList.body.messages.some((m: Message) => m.id === note.id), "staff see it");
  staff.socket.close();
  g.close();
});

test("a guest may not write internal notes nor reply to one, and writes as a customer (message.sent)", async ({ server, tech1, ticket, guest }) => {
  const internal = await guest.client.post(`/api/tickets/${ticket}/messages`, newMessage("sneaky", { visibility: "internal" }));
  assert.is(internal.status, 403);
  const note = (await tech1.post(`/api/tickets/${ticket}/messages`, newMessage("note", { visibility: "internal" }))).body.message;
  const reply = await guest.client.post(`/api/tickets/${ticket}/messages`, newMessage("re", { replyTo: note.id }));
  assert.is(reply.status, 400);
  const ok = await guest.client.post(`/api/tickets/${ticket}/messages`, newMessage("My printer is broken"));
  assert.is(ok.status, 201);
  assert.equal(ok.body.message.author, { kind: "guest", id: guest.guest.id, name: "Robin Customer" });
  const [event] = await server.db.query<{ actor_id: string | null; data: Record<string, unknown> }>("select actor_id, data from events where data->>'messageId' = $1", [ok.body.message.id]);
  assert.equal(event, { actor_id: null, data: { messageId: ok.body.message.id, visibility: "public", authorKind: "customer" } });
});

test("a guest cannot read or write another ticket's chat; staff of another organisation get 404", async ({ guest, otherTicket, ruTech, ticket }) => {
  assert.is((await guest.client.get(`/api/tickets/${otherTicket}/messages`)).status, 404);
  assert.is((await guest.client.post(`/api/tickets/${otherTicket}/messages`, newMessage("hi"))).status, 404);
  assert.is((await ruTech.get(`/api/tickets/${ticket}/messages`)).status, 404);
  assert.is((await ruTech.post(`/api/tickets/${ticket}/messages`, newMessage("hi"))).status, 404);
});

test("a guest socket cannot send to another ticket or join a staff chat room", async ({ server, guest, otherTicket }) => {
  const g = await connectGuestSocket(server.url, guest.client.cookie);
  const ack = await g.timeout(5000).emitWithAck("chat:send", { ticketId: otherTicket, message: newMessage("hi") });
  assert.equal(ack.ok, false);
  if (!ack.ok) assert.is(ack.error.code, "not_found");
  const got = recordGuestMessages(g);
  (g as unknown as { emit(e: string, p: unknown): void }).emit("chat:join", { ticketId: otherTicket });
  await guestRoundTrip(g);
  assert.equal(got, []);
  g.close();
});

test("after the link is revoked or expires the guest reads nothing more", async ({ server, tech1, ticket }) => {
  const revoked = await inviteGuest(tech1, ticket);
  assert.is((await revoked.client.get(`/api/tickets/${ticket}/messages`)).status, 200);
  await tech1.delete(`/api/invites/${revoked.invite.id}`);
  assert.is((await revoked.client.get(`/api/tickets/${ticket}/messages`)).status, 401);
  assert.is((await revoked.client.post(`/api/tickets/${ticket}/messages`, newMessage("still here?"))).status, 401);

  const expired = await inviteGuest(tech1, ticket);
  // The invite and its sessions run out (the session was created to end with the invite).
  await server.db.query("update invites set expires_at = now() - interval '1 second' where id = $1", [expired.invite.id]);
  await server.db.query("update sessions set expires_at = now() - interval '1 second' where guest_id in (select id from guests where invite_id = $1)", [expired.invite.id]);
  assert.is((await expired.client.get(`/api/tickets/${ticket}/messages`)).status, 401);
  assert.ok(await connectGuestSocket(server.url, expired.client.cookie).then(() => false, () => true));
});

test("the author edits within the window: new text, editedAt, the old text kept for admins (revisions and audit)", async ({ server, tech1, tech2, admin, ticket, guest }) => {
  const g = await connectGuestSocket(server.url, guest.client.cookie);
  const updates: Message[] = [];
  g.on("chat:updated", ({ message }) => updates.push(message));
  const m = (await tech1.post(`/api/tickets/${ticket}/messages`, newMessage("Plese restart"))).body.message;
  assert.is((await tech2.patch(`/api/tickets/${ticket}/messages/${m.id}`, { text: "hijack" })).status, 403, "not the author");
  assert.is((await guest.client.patch(`/api/tickets/${ticket}/messages/${m.id}`, { text: "hijack" })).status, 403, "not the author");
  const edited = await tech1.patch(`/api/tickets/${ticket}/messages/${m.id}`, { text: "Please restart" });
  assert.is(edited.status, 200);
  assert.is(edited.body.message.text, "Please restart");
  assert.ok(edited.body.message.editedAt);
  await waitFor(() => updates.some((u) => u.id === m.id && u.text === "Please restart"), { what: "the customer to see the edit" });
  const revisions = await admin.get(`/api/tickets/${ticket}/messages/${m.id}/revisions`);
  assert.is(revisions.status, 200);
  assert.equal(revisions.body.revisions.map((r: { kind: string; oldText: string }) => [r.kind, r.oldText]), [["edit", "Plese restart"]]);
  assert.is((await tech1.get(`/api/tickets/${ticket}/messages/${m.id}/revisions`)).status, 403, "technicians do not read the trail");
  const trail = await admin.get(`/api/audit?ticketId=${ticket}`);
  if (trail.status === 200) {
    const entry = trail.body.entries?.find((e: { action: string; details: { messageId?: string } }) => e.action === "message.edit" && e.details.messageId === m.id);
    assert.ok(entry, "the edit is in the audit trail");
  }
  g.close();
});

test("deletion keeps the place (seq) and blanks the text and attachments; twice is a conflict", async ({ tech1, ticket, guest }) => {
  const m = (await guest.client.post(`/api/tickets/${ticket}/messages`, newMessage("oops, wrong chat"))).body.message;
  const del = await guest.client.delete(`/api/tickets/${ticket}/messages/${m.id}`);
  assert.is(del.status, 200);
  assert.equal([del.body.message.text, del.body.message.attachments, Boolean(del.body.message.deletedAt), del.body.message.seq], ["", [], true, m.seq]);
  assert.is((await guest.client.delete(`/api/tickets/${ticket}/messages/${m.id}`)).status, 409);
  const list = await tech1.get(`/api/tickets/${ticket}/messages?after=${m.seq - 1}&limit=1`);
  assert.equal([list.body.messages[0].id, list.body.messages[0].text], [m.id, ""]);
});

test("after the window, edits and deletions are refused with 409 and change nothing", async ({ server, tech1, ticket }) => {
  const m = (await tech1.post(`/api/tickets/${ticket}/messages`, newMessage("old news"))).body.message;
  await server.db.query("update messages set created_at = now() - interval '61 seconds' where id = $1", [m.id]);
  const res = await tech1.patch(`/api/tickets/${ticket}/messages/${m.id}`, { text: "new" });
  assert.is(res.status, 409);
  assert.is(res.body.error.code, "conflict");
  assert.is((await tech1.delete(`/api/tickets/${ticket}/messages/${m.id}`)).status, 409);
  const [row] = await server.db.query<{ text: string; deleted_at: Date | null }>("select text, deleted_at from messages where id = $1", [m.id]);
  assert.equal(row, { text: "old news", deleted_at: null });
});

test("text is sanitised before storing: HTML tags, control and bidi characters, unsafe link schemes", async ({ tech1, ticket }) => {
  const cases: [string, string][] = [
    ["<script>alert(1)</script>**hi**", "alert(1)**hi**"],
    ["<img src=x onerror=alert(1)>look", "look"],
    ["<scr<b>ipt>x", "x"], // removed again until no tag is left
    ["[click](javascript:alert(1)) and [ok](https://example.com)", "click and [ok](https://example.com)"],
    ["[data](data:text/html;base64,PHNjcmlwdD4=)", "data"],
    ["a\u0000b\u0007c\u202Ed\u2066e", "abcde"],
    ["x < y and y > z", "x < y and y > z"],
    ["one\n\n\n\n\n\ntwo", "one\n\n\ntwo"],
  ];
  for (const [input, stored] of cases) {
    const res = await tech1.post(`/api/tickets/${ticket}/messages`, newMessage(input));
    assert.is(res.status, 201, input);
    assert.is(res.body.message.text, stored, JSON.stringify(input));
  }
  const empty = await tech1.post(`/api/tickets/${ticket}/messages`, newMessage("<b></b>"));
  assert.is(empty.status, 400, "nothing left after sanitising");
});

test("search finds text and voice-note transcripts", async ({ server, tech1, ticket, guest }) => {
  const word = `zebra${randomUUID().slice(0, 6)}`;
  const text = (await tech1.post(`/api/tickets/${ticket}/messages`, newMessage(`the ${word} is on the desk`))).body.message;
  const voice = (await guest.client.post(`/api/tickets/${ticket}/messages`, newMessage("voice note"))).body.message;
  const [org] = await server.db.query<{ org_id: string }>("select org_id from tickets where id = $1", [ticket]);
  await server.db.query(
    `insert into attachments (org_id, ticket_id, uploader_guest_id, kind, mime, size, storage_key, original_name, transcript, transcript_status, message_id)
     values ($1, $2, $3, 'audio', 'audio/webm', 10, $4, 'voice.webm', $5, 'done', $6)`,
    [org!.org_id, ticket, guest.guest.id, `test/${randomUUID()}`, `my second ${word} makes noise`, voice.id],
  );
  const found = await tech1.get(`/api/tickets/${ticket}/messages?q=${word}`);
  assert.equal(found.body.messages.map((m: Message) => m.id).sort(), [text.id, voice.id].sort());
  const percent = await tech1.get(`/api/tickets/${ticket}/messages?q=${encodeURIComponent("%")}`);
  assert.is(percent.status, 200, "a % is searched literally");
});

test("read receipts: chat:read is stored, only moves forward, and is broadcast to staff and the guest", async ({ server, tech1, ticket, guest }) => {
  const staff = await staffChat(server.url, tech1, ticket);
  const g = await connectGuestSocket(server.url, guest.client.cookie);
  const staffReads: unknown[] = [];
  staff.socket.on("chat:read", (r) => staffReads.push(r));
  const last = await sendOnSocket(staff.socket, ticket, newMessage("Did that help?"));
  const ack = await g.timeout(5000).emitWithAck("chat:read", { ticketId: ticket, upToSeq: last.seq });
  assert.ok(ack.ok);
  await waitFor(() => staffReads.length === 1, { what: "the receipt at the technician" });
  assert.equal(staffReads[0], { ticketId: ticket, participant: { kind: "guest", id: guest.guest.id, name: "Robin Customer" }, upToSeq: last.seq });
  await g.timeout(5000).emitWithAck("chat:read", { ticketId: ticket, upToSeq: 1 });
  await g.timeout(5000).emitWithAck("chat:read", { ticketId: ticket, upToSeq: last.seq + 1000 });
  const list = await tech1.get(`/api/tickets/${ticket}/messages?limit=1`);
  const mine = list.body.reads.find((r: { participant: { id: string } }) => r.participant.id === guest.guest.id);
  assert.is(mine.upToSeq, last.seq, "never backwards, never past the last message");
  staff.socket.close();
  g.close();
});

test("typing is throttled per socket and reaches the other side", async ({ server, tech1, ticket, guest }) => {
  const staff = await staffChat(server.url, tech1, ticket);
  const g = await connectGuestSocket(server.url, guest.client.cookie);
  const seen: { typing: boolean }[] = [];
  staff.socket.on("chat:typing", (p) => seen.push(p));
  for (let i = 0; i < 10; i++) g.emit("chat:typing", { ticketId: ticket, typing: true });
  g.emit("chat:typing", { ticketId: ticket, typing: false });
  await waitFor(() => seen.some((p) => !p.typing), { what: "typing stopped" });
  await sendOnSocket(staff.socket, ticket, newMessage("round trip"));
  assert.equal(seen.map((p) => p.typing), [true, false], "ten keystrokes, one signal");
  staff.socket.close();
  g.close();
});

test.run();
