// Messages with attachments: claimed in the send, carried by the message, hidden from a guest with
// an internal note, and a voice note's transcript reaches the open chats when it arrives.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Message } from "@caseroom/shared";
import { pngImage, upload, webmVoiceNote } from "../helpers/attachments.ts";
import { newMessage, staffChat } from "../helpers/chat.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { connectGuestSocket, inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  tech: ApiClient;
  ticket: string;
  guest: TestGuest;
  release: () => void;
}
const test = suite<Ctx>("chat with attachments");

test.before(async (ctx) => {
  let release!: () => void;
  const transcribed = new Promise<void>((resolve) => (release = resolve));
  ctx.release = release;
  ctx.server = await startServer({
    app: {
      attachments: {
        // Held until the test says so: the message goes out while the transcript is pending.
        transcribeClip: async () => {
          await transcribed;
          return "the fan rattles when it starts";
        },
      },
    },
  });
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.ticket = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  ctx.guest = await inviteGuest(ctx.tech, ctx.ticket, "Ari");
});
test.after(async (ctx) => ctx.server?.close());

test("a voice note goes out with transcript pending; the transcript then reaches staff and the customer live, and is searchable", async ({ server, tech, ticket, guest, release }) => {
  const staff = await staffChat(server.url, tech, ticket);
  const g = await connectGuestSocket(server.url, guest.client.cookie);
  const staffUpdates: Message[] = [];
  const guestUpdates: Message[] = [];
  staff.socket.on("chat:updated", ({ message }) => staffUpdates.push(message));
  g.on("chat:updated", ({ message }) => guestUpdates.push(message));
  const uploaded = await upload(guest.client, ticket, webmVoiceNote(1), "voice.webm", "audio/webm");
  assert.is(uploaded.status, 201, JSON.stringify(uploaded.body));
  const sent = await guest.client.post(`/api/tickets/${ticket}/messages`, newMessage("", { attachmentIds: [uploaded.body.attachment.id] }));
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  assert.equal(sent.body.message.attachments.map((a: { id: string; kind: string; transcriptStatus: string }) => [a.id, a.kind, a.transcriptStatus]), [[uploaded.body.attachment.id, "audio", "pending"]]);
  release();
  const has = (list: Message[]) => list.find((m) => m.id === sent.body.message.id && m.attachments[0]?.transcript === "the fan rattles when it starts");
  await waitFor(() => has(staffUpdates) && has(guestUpdates), { what: "the transcript at both ends", timeoutMs: 15_000 });
  const found = await tech.get(`/api/tickets/${ticket}/messages?q=rattles`);
  assert.equal(found.body.messages.map((m: Message) => m.id), [sent.body.message.id]);
  staff.socket.close();
  g.close();
});

test("an internal note's image is not in the customer's list; an attachment is claimed once", async ({ tech, ticket, guest }) => {
  const image = await upload(tech, ticket, await pngImage(), "screen.png", "image/png");
  const note = await tech.post(`/api/tickets/${ticket}/messages`, newMessage("see screenshot", { visibility: "internal", attachmentIds: [image.body.attachment.id] }));
  assert.is(note.status, 201, JSON.stringify(note.body));
  assert.is(note.body.message.attachments.length, 1);
  const again = await tech.post(`/api/tickets/${ticket}/messages`, newMessage("reuse", { attachmentIds: [image.body.attachment.id] }));
  assert.is(again.status, 400, "already sent with another message");
  const list = await guest.client.get(`/api/tickets/${ticket}/messages?limit=200`);
  assert.not.ok(JSON.stringify(list.body).includes(image.body.attachment.id), "nothing of the note reaches the customer");
  const others = await guest.client.post(`/api/tickets/${ticket}/messages`, newMessage("mine?", { attachmentIds: [image.body.attachment.id] }));
  assert.is(others.status, 400, "a guest cannot claim staff's upload");
});

test.run();
