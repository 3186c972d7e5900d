// The collaboration endpoint refuses the wrong people before sending any content, and survives bad
// input: the offending connection is closed, the document, the process and other clients are unharmed.
import { randomBytes } from "node:crypto";
import * as encoding from "lib0/encoding";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import WebSocket from "ws";
import * as Y from "yjs";
import { collabToken, connectProvider, waitSynced, type NodeClient } from "../helpers/collab.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  tech1: ApiClient;
  ruTech: ApiClient;
  ticketId: string;
  otherTicketId: string;
  watcher: NodeClient;
}
const test = suite<Ctx>("collab endpoint guards");

test.before(async (ctx) => {
  ctx.server = await startServer({ app: { collab: { limits: { maxMessageBytes: 64 * 1024, maxDocBytes: 256 * 1024, messagesPerSecond: 50, messageBurst: 100 } } } });
  ctx.tech1 = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.ruTech = await loginAs(ctx.server.url, "tech1@ru.caseroom.local");
  ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
  ctx.otherTicketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo-ru"));
  ctx.watcher = connectProvider({ baseUrl: ctx.server.url, ticketId: ctx.ticketId, token: await collabToken(ctx.tech1, ctx.ticketId) });
  await waitSynced(ctx.watcher);
  ctx.watcher.doc.getText("notes-probe").insert(0, "before the attacks");
});
test.after(async (ctx) => {
  ctx.watcher?.destroy();
  await ctx.server?.close();
});

/** A raw socket: records every message and the close code. */
function rawSocket(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url.replace(/^http/, "ws"), { headers });
  const received: Buffer[] = [];
  ws.on("message", (data) => received.push(data as Buffer));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise<void>((resolve, reject) => {
    ws.on("open", () => resolve());
    ws.on("error", reject);
  });
  return { ws, received, closed, opened };
}

const docUrl = (ctx: Ctx, ticketId: string, query = "") => `${ctx.server.url}/collab/ticket:${ticketId}${query}`;

async function refused(url: string, headers: Record<string, string> = {}) {
  const socket = rawSocket(url, headers);
  const result = await socket.closed;
  return { ...result, messages: socket.received.length };
}

test("no session and no token: closed 4401 before any content", async (ctx) => {
  const result = await refused(docUrl(ctx, ctx.ticketId));
  assert.equal(result, { code: 4401, reason: "log in first", messages: 0 });
});

test("a user of another organisation: closed 4404, the ticket is not even confirmed", async (ctx) => {
  const result = await refused(docUrl(ctx, ctx.ticketId), { cookie: ctx.ruTech.cookie! });
  assert.equal(result, { code: 4404, reason: "ticket not found", messages: 0 });
});

test("a token for another ticket: closed 4403", async (ctx) => {
  const own = (await ctx.tech1.get("/api/tickets")).body.tickets.map((t: { id: string }) => t.id).find((id: string) => id !== ctx.ticketId);
  const token = await collabToken(ctx.tech1, own);
  const result = await refused(docUrl(ctx, ctx.ticketId, `?token=${encodeURIComponent(token)}`));
  assert.equal(result, { code: 4403, reason: "token is for another ticket", messages: 0 });
});

test("a forged or tampered token: closed 4401", async (ctx) => {
  const token = await collabToken(ctx.tech1, ctx.ticketId);
  const tampered = `${token.slice(0, -2)}xx`;
  const result = await refused(docUrl(ctx, ctx.ticketId, `?token=${encodeURIComponent(tampered)}`));
  assert.is(result.code, 4401);
  assert.is(result.messages, 0);
});

test("another organisation's user cannot get a token for our ticket", async (ctx) => {
  const res = await ctx.ruTech.post(`/api/tickets/${ctx.ticketId}/collab-token`);
  assert.is(res.status, 404);
});

async function attack(ctx: Ctx, payloads: Uint8Array[]): Promise<{ code: number; reason: string }> {
  const token = await collabToken(ctx.tech1, ctx.ticketId);
  const socket = rawSocket(docUrl(ctx, ctx.ticketId, `?token=${encodeURIComponent(token)}`));
  await socket.opened;
  for (const payload of payloads) if (socket.ws.readyState === WebSocket.OPEN) socket.ws.send(payload);
  return socket.closed;
}

const serverState = async (ctx: Ctx) => {
  const probe = connectProvider({ baseUrl: ctx.server.url, ticketId: ctx.ticketId, token: await collabToken(ctx.tech1, ctx.ticketId) });
  await waitSynced(probe);
  const state = Buffer.from(Y.encodeStateAsUpdate(probe.doc)).toString("base64");
  const text = probe.doc.getText("notes-probe").toString();
  probe.destroy();
  return { state, text };
};

function syncMessage(sub: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, sub);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

test("random bytes, truncated and corrupted sync messages close only that connection; the document is unchanged", async (ctx) => {
  const before = await serverState(ctx);
  const valid = (() => {
    const d = new Y.Doc();
    d.getText("notes-probe").insert(0, "injected");
    return syncMessage(2, Y.encodeStateAsUpdate(d));
  })();
  for (const payload of [randomBytes(512), valid.slice(0, valid.length - 5), syncMessage(2, randomBytes(64)), new Uint8Array([7, 1, 2]), new Uint8Array([0, 9, 0])]) {
    const result = await attack(ctx, [payload]);
    assert.is(result.code, 4400, `payload ${Buffer.from(payload.slice(0, 8)).toString("hex")}`);
  }
  const after = await serverState(ctx);
  assert.equal(after, before);
  assert.ok(ctx.watcher.provider.wsconnected, "the other client stayed connected");
});

test("an oversized message is refused with 4413", async (ctx) => {
  const d = new Y.Doc();
  d.getText("big").insert(0, "x".repeat(100 * 1024));
  const result = await attack(ctx, [syncMessage(2, Y.encodeStateAsUpdate(d))]);
  assert.equal(result, { code: 4413, reason: "message too large" });
});

test("a document may not grow past its limit: 4413 with a clear reason", async (ctx) => {
  const updates = Array.from({ length: 8 }, (_, i) => {
    const d = new Y.Doc();
    d.getText(`chunk${i}`).insert(0, "y".repeat(50 * 1024));
    return syncMessage(2, Y.encodeStateAsUpdate(d));
  });
  const result = await attack(ctx, updates);
  assert.equal(result, { code: 4413, reason: "document too large" });
});

test("a flood of messages is cut off with 4429", async (ctx) => {
  const result = await attack(ctx, Array.from({ length: 400 }, () => new Uint8Array([3])));
  assert.equal(result, { code: 4429, reason: "too many messages" });
});

test("presence claiming to be another user is refused with 4403", async (ctx) => {
  const token = await collabToken(ctx.tech1, ctx.ticketId);
  const spoof = connectProvider({ baseUrl: ctx.server.url, ticketId: ctx.ticketId, token });
  spoof.provider.awareness.setLocalStateField("user", { id: "00000000-0000-4000-8000-000000000001", name: "Someone else", color: "#000" });
  await waitFor(() => spoof.closes.find((c) => c.code === 4403), { what: "4403 close" });
  spoof.destroy();
});

test("after all that, the watcher still edits and syncs", async (ctx) => {
  ctx.watcher.doc.getText("notes-probe").insert(0, "still alive: ");
  await waitFor(async () => (await serverState(ctx)).text.startsWith("still alive: "), { what: "edit reaches the server" });
});

test.run();
