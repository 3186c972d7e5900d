// Catch-up across a server restart: the node's memory (and with it connection state recovery) is
// gone, so the customer's reconnecting client fetches after=<last seq> from the database and gets
// exactly what it missed; the order continues where it stopped and the guest session still holds.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { io } from "socket.io-client";
import type { Message } from "@caseroom/shared";
import { newMessage } from "../helpers/chat.ts";
import { inviteGuest } from "../helpers/guests.ts";
import { spawnServer } from "../helpers/process.ts";
import { loginAs, waitFor } from "../helpers/server.ts";

const test = suite<{ dataDir: string }>("chat across a server restart");

test.before((ctx) => {
  ctx.dataDir = mkdtempSync(path.join(os.tmpdir(), "caseroom-chat-restart-"));
});
test.after((ctx) => rmSync(ctx.dataDir, { recursive: true, force: true }));

test("a guest socket reconnects after a restart without recovery, fetches after its last seq: no gap, no duplicate", async ({ dataDir }) => {
  const env = { DATA_DIR: dataDir, SESSION_SECRET: "restart-secret-restart-secret-0123456789" };
  let server = await spawnServer(env);
  const port = new URL(server.url).port;
  const received = new Map<string, Message>();
  let socket: ReturnType<typeof io> | undefined;
  try {
    const tech = await loginAs(server.url, "tech1@caseroom.local");
    const ticket = (await tech.get("/api/tickets")).body.tickets[0].id as string;
    const guest = await inviteGuest(tech, ticket, "Sam");
    let recoveredFlags: boolean[] = [];
    socket = io(`${server.url}/guest`, { transports: ["websocket"], extraHeaders: { cookie: guest.client.cookie! }, reconnectionDelay: 100, reconnectionDelayMax: 500 });
    socket.on("connect", () => recoveredFlags.push(socket!.recovered));
    socket.on("chat:message", ({ message }: { message: Message }) => received.set(message.id, message));
    await waitFor(() => socket!.connected, { timeoutMs: 15_000 });
    for (let i = 0; i < 3; i++) await tech.post(`/api/tickets/${ticket}/messages`, newMessage(`before ${i}`));
    await waitFor(() => received.size === 3, { timeoutMs: 15_000, what: "the first three" });
    const lastSeen = Math.max(...[...received.values()].map((m) => m.seq));

    assert.is(await server.stop("SIGTERM"), 0);
    recoveredFlags = [];
    server = await spawnServer({ ...env, PORT: port });
    const techAgain = await loginAs(server.url, "tech1@caseroom.local");
    const missed: Message[] = [];
    for (let i = 0; i < 4; i++) missed.push((await techAgain.post(`/api/tickets/${ticket}/messages`, newMessage(`after restart ${i}`))).body.message);
    assert.equal(missed.map((m) => m.seq), [lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4], "the order continues");

    await waitFor(() => socket!.connected, { timeoutMs: 30_000, what: "the reconnection" });
    assert.equal(recoveredFlags, [false], "the new process cannot recover the session: catch-up is the database's");
    // What the client does on a reconnect that was not recovered:
    const caughtUp = await guest.client.get(`/api/tickets/${ticket}/messages?after=${lastSeen}`);
    assert.is(caughtUp.status, 200, "the guest session survived the restart");
    for (const m of caughtUp.body.messages as Message[]) received.set(m.id, m);
    const all = [...received.values()].sort((a, b) => a.seq - b.seq);
    assert.equal(all.map((m) => m.text), ["before 0", "before 1", "before 2", "after restart 0", "after restart 1", "after restart 2", "after restart 3"]);
    assert.equal(all.map((m) => m.seq), Array.from({ length: 7 }, (_, i) => all[0]!.seq + i), "no gap");
  } finally {
    socket?.close();
    await server.stop("SIGTERM");
  }
});

test.run();
