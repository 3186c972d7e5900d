// Review findings, each proven: API middleware stays off static assets, only failed logins count
// toward the per-address limit, sockets refuse other sites, unwatch is scoped, unknown fields are named.
import { readdirSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { io } from "socket.io-client";
import { connectSocket, record, roundTrip } from "../helpers/sockets.ts";
import { ApiClient, loginAs, startServer, type TestServer } from "../helpers/server.ts";

const test = suite<{ server: TestServer }>("hardening");
test.before(async (ctx) => {
  ctx.server = await startServer();
});
test.after(async (ctx) => ctx.server?.close());

test("static assets are cacheable and carry no API headers", async ({ server }) => {
  const assets = path.resolve(import.meta.dirname, "../../client/dist/assets");
  const js = readdirSync(assets).find((f) => f.endsWith(".js"));
  assert.ok(js, "client is built (npm test builds it first)");
  const res = await fetch(`${server.url}/assets/${js}`);
  assert.is(res.status, 200);
  assert.match(res.headers.get("cache-control") ?? "", /max-age=3600/);
  assert.is(res.headers.get("x-content-type-options"), "nosniff");
});

test("the API answers no-store", async ({ server }) => {
  const res = await fetch(`${server.url}/api/me`);
  assert.is(res.headers.get("cache-control"), "no-store");
});

test("successful logins never count toward the per-address limit (101 in a row)", async ({ server }) => {
  const users = ["tech1", "tech2", "admin", "supervisor"].map((u) => `${u}@caseroom.local`);
  for (let i = 0; i < 101; i++) {
    const res = await new ApiClient(server.url).post("/api/auth/login", { email: users[i % users.length], password: "caseroom" });
    assert.is(res.status, 200, `login ${i + 1}`);
  }
});

test("a unknown field is named by its own path in details.fields", async ({ server }) => {
  const tech = await loginAs(server.url, "tech1@caseroom.local");
  const res = await tech.post("/api/tickets", { title: "x", colour: "red" });
  assert.is(res.status, 400);
  assert.equal(res.body.error.details.fields, [{ path: "colour", message: "unknown field" }]);
});

function connectWithOrigin(url: string, cookie: string, origin: string): Promise<boolean> {
  const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { cookie, origin } });
  return new Promise((resolve) => {
    socket.once("connect", () => (socket.close(), resolve(true)));
    socket.once("connect_error", () => (socket.close(), resolve(false)));
  });
}

test("a websocket handshake from another site is refused; from our own origin it connects", async ({ server }) => {
  const tech = await loginAs(server.url, "tech1@caseroom.local");
  assert.is(await connectWithOrigin(server.url, tech.cookie!, "http://evil.example"), false, "cross-site handshake refused");
  assert.is(await connectWithOrigin(server.url, tech.cookie!, server.url), true, "own origin connects");
});

test("unwatching another organisation's ticket announces nothing to its viewers", async ({ server }) => {
  const ru = await loginAs(server.url, "tech1@ru.caseroom.local");
  const en = await loginAs(server.url, "tech1@caseroom.local");
  const ruTicket = (await ru.get("/api/tickets")).body.tickets[0];
  const ruSocket = await connectSocket(server.url, ru.cookie);
  const enSocket = await connectSocket(server.url, en.cookie);
  try {
    const viewers = record(ruSocket, "ticket:viewers");
    const watched = await ruSocket.emitWithAck("ticket:watch", { ticketId: ruTicket.id });
    assert.ok(watched.ok);
    await roundTrip(ruSocket);
    const before = viewers.length;
    const ack = await enSocket.emitWithAck("ticket:unwatch", { ticketId: ruTicket.id });
    assert.ok(ack.ok);
    await roundTrip(enSocket);
    await roundTrip(ruSocket);
    assert.is(viewers.length, before, "no viewers broadcast reached the other organisation's room");
  } finally {
    ruSocket.close();
    enSocket.close();
  }
});

test.run();
