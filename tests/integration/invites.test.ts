// Invite links and guests: signed, expiring, revocable, one ticket only; a guest socket lives in its
// own namespace and never hears staff broadcasts.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { inviteTokens } from "../../server/src/invites/index.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { connectGuestSocket, createInvite, guestRoundTrip, inviteGuest, type GuestSocket } from "../helpers/guests.ts";
import { ApiClient, loginAs, startServer, waitFor, type TestServer } from "../helpers/server.ts";
import { connectSocket, record } from "../helpers/sockets.ts";

const SECRET = "test-secret-test-secret-test-secret-0123";

interface Ctx {
  server: TestServer;
  tech: ApiClient;
  ruTech: ApiClient;
  ticket: string;
  otherTicket: string;
  ruTicket: string;
}
const test = suite<Ctx>("invites and guests");

test.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres" });
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.ruTech = await loginAs(ctx.server.url, "tech1@ru.caseroom.local");
  const demo = await orgIdBySlug(ctx.server.db, "demo");
  ctx.ticket = await firstTicketOf(ctx.server.db, demo);
  const [second] = await ctx.server.db.query<{ id: string }>("select id from tickets where org_id = $1 order by number offset 1 limit 1", [demo]);
  ctx.otherTicket = second!.id;
  ctx.ruTicket = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo-ru"));
});
test.after(async (ctx) => ctx.server?.close());

test("a technician creates an invite: a /join/ link that expires in 24 h by default; only a hash is stored", async ({ server, tech, ticket }) => {
  const res = await tech.post(`/api/tickets/${ticket}/invites`, {});
  assert.is(res.status, 201, JSON.stringify(res.body));
  const { invite } = res.body;
  assert.match(invite.url, new RegExp(`^${server.url.replace("127.0.0.1", "localhost").replace(/:\d+$/, "")}|/join/v1\\.`));
  assert.match(invite.url, /\/join\/v1\.[\w-]+\.[\w-]+$/);
  const ttl = Date.parse(invite.expiresAt) - Date.now();
  assert.ok(ttl > 24 * 3600e3 - 10_000 && ttl <= 24 * 3600e3, `ttl ${ttl}`);
  const token = invite.url.split("/join/")[1];
  const rows = await server.db.query<{ token_hash: string }>("select token_hash from invites where id = $1", [invite.id]);
  assert.is.not(rows[0]!.token_hash, token);
  assert.not.ok(JSON.stringify(rows).includes(token.split(".")[2]), "the signature is not stored");
});

test("expiresInS is bounded: too short, too long or not a number is refused and nothing stored", async ({ server, tech, ticket }) => {
  const [{ n: before }] = (await server.db.query<{ n: number }>("select count(*)::int as n from invites")) as [{ n: number }];
  for (const body of [{ expiresInS: 10 }, { expiresInS: 31 * 24 * 3600 }, { expiresInS: "3600" }, { extra: 1 }]) {
    const res = await tech.post(`/api/tickets/${ticket}/invites`, body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is(res.body.error.code, "validation_failed");
  }
  const ok = await tech.post(`/api/tickets/${ticket}/invites`, { expiresInS: 3600 });
  assert.ok(Math.abs(Date.parse(ok.body.invite.expiresAt) - Date.now() - 3600e3) < 10_000);
  const [{ n: after }] = (await server.db.query<{ n: number }>("select count(*)::int as n from invites")) as [{ n: number }];
  assert.is(after, before + 1);
});

test("another organisation's ticket is 404 for invites; a guest cannot create or revoke invites", async ({ ruTech, tech, ticket }) => {
  assert.is((await ruTech.post(`/api/tickets/${ticket}/invites`, {})).status, 404);
  const { invite } = await createInvite(tech, ticket);
  assert.is((await ruTech.delete(`/api/invites/${invite.id}`)).status, 404, "other org cannot revoke");
  const g = await inviteGuest(tech, ticket);
  assert.is((await g.client.post(`/api/tickets/${ticket}/invites`, {})).status, 403);
  assert.is((await g.client.delete(`/api/invites/${invite.id}`)).status, 403);
});

test("accepting gives a guest session for that ticket only; /api/guest/me describes it without the ticket title", async ({ tech, ticket }) => {
  const g = await inviteGuest(tech, ticket, "Анна Петрова");
  assert.is(g.guest.ticketId, ticket);
  assert.is(g.guest.name, "Анна Петрова");
  assert.match(g.client.cookie ?? "", /^caseroom_session=/);
  const me = await g.client.get("/api/guest/me");
  assert.is(me.status, 200, JSON.stringify(me.body));
  assert.is(me.body.guest.id, g.guest.id);
  assert.is(me.body.ticket.id, ticket);
  assert.is(me.body.ticket.title, undefined);
  assert.ok(Math.abs(Date.parse(me.body.expiresAt) - Date.parse(g.invite.expiresAt)) < 1000, "the session ends with the invite");
  assert.is((await tech.get("/api/guest/me")).status, 403, "staff are not guests");
  assert.is((await new ApiClient(tech.baseUrl).get("/api/guest/me")).status, 401);
});

test("a tampered, truncated or foreign token is refused as invalid and creates no guest", async ({ server, tech, ticket }) => {
  const { token } = await createInvite(tech, ticket);
  const [payload, sig] = token.split(".").slice(1) as [string, string];
  const flipped = sig.slice(0, -2) + (sig.endsWith("AA") ? "BB" : "AA");
  const forged = inviteTokens("another-secret-another-secret-another-secret").issue(randomUUID(), new Date(Date.now() + 3600e3));
  const before = await server.db.query("select count(*)::int as n from guests");
  for (const bad of [`v1.${payload}.${flipped}`, `v1.${payload}`, "v1..", "nonsense", forged, `v2.${payload}.${sig}`]) {
    const res = await new ApiClient(server.url).post("/api/invites/accept", { token: bad, name: "Mallory" });
    assert.is(res.status, 403, bad);
    assert.is(res.body.error.code, "forbidden");
    assert.is(res.body.error.details.reason, "invalid", bad);
  }
  assert.equal(await server.db.query("select count(*)::int as n from guests"), before);
});

test("an expired token is refused as expired, by its signed expiry and by the stored one", async ({ server, tech, ticket }) => {
  // Signed with the server's key but already past its expiry.
  const [row] = await server.db.query<{ id: string }>(
    "insert into invites (org_id, ticket_id, token_hash, expires_at) select org_id, id, 'x' || gen_random_uuid(), now() - interval '1 minute' from tickets where id = $1 returning id",
    [ticket],
  );
  const stale = inviteTokens(SECRET).issue(row!.id, new Date(Date.now() - 60_000));
  const res = await new ApiClient(server.url).post("/api/invites/accept", { token: stale, name: "Late" });
  assert.is(res.status, 403);
  assert.is(res.body.error.details.reason, "expired");
  assert.match(res.body.error.message, /expired/);
  // A valid signature whose row says it has expired (the clock of the row wins).
  const { invite, token } = await createInvite(tech, ticket);
  await server.db.query("update invites set expires_at = now() - interval '1 second' where id = $1", [invite.id]);
  const res2 = await new ApiClient(server.url).post("/api/invites/accept", { token, name: "Late" });
  assert.is(res2.body.error.details.reason, "expired");
});

test("revoking refuses the link, ends the guests' sessions and closes their sockets with guest:ended", async ({ server, tech, ticket }) => {
  const g = await inviteGuest(tech, ticket);
  const ended: unknown[] = [];
  let reason: string | undefined;
  const socket = await connectGuestSocket(server.url, g.client.cookie, { listen: (s) => s.on("guest:ended", (p) => ended.push(p)) });
  socket.on("disconnect", (r) => (reason = r));
  assert.is((await g.client.get("/api/guest/me")).status, 200);
  assert.is((await tech.delete(`/api/invites/${g.invite.id}`)).status, 204);
  assert.is((await tech.delete(`/api/invites/${g.invite.id}`)).status, 204, "revoking twice is harmless");
  await waitFor(() => reason, { what: "the guest socket to be closed" });
  assert.is(reason, "io server disconnect");
  assert.equal(ended, [{ reason: "revoked" }]);
  assert.is((await g.client.get("/api/guest/me")).status, 401, "the session is gone");
  const again = await new ApiClient(server.url).post("/api/invites/accept", { token: g.token, name: "Again" });
  assert.is(again.status, 403);
  assert.is(again.body.error.details.reason, "revoked");
  assert.ok(await connectGuestSocket(server.url, g.client.cookie).then(() => false, () => true), "cannot reconnect");
  const list = await tech.get(`/api/tickets/${ticket}/invites`);
  const listed = list.body.invites.find((i: { id: string }) => i.id === g.invite.id);
  assert.ok(listed.revokedAt);
  assert.is(listed.guests, 1);
});

test("a guest socket is closed when its invite expires", async ({ server, tech, ticket }) => {
  const g = await inviteGuest(tech, ticket);
  await server.db.query("update invites set expires_at = now() + interval '800 milliseconds' where id = $1", [g.invite.id]);
  const ended: unknown[] = [];
  const socket = await connectGuestSocket(server.url, g.client.cookie, { listen: (s) => s.on("guest:ended", (p) => ended.push(p)) });
  await waitFor(() => socket.disconnected, { what: "the socket to close at expiry" });
  assert.equal(ended, [{ reason: "expired" }]);
});

test("the staff namespace refuses a guest; the guest namespace refuses staff and strangers", async ({ server, tech, ticket }) => {
  const g = await inviteGuest(tech, ticket);
  const err = await connectSocket(server.url, g.client.cookie).then(() => undefined, (e: Error) => e);
  assert.match(err?.message ?? "", /staff only/i);
  const staffErr = await connectGuestSocket(server.url, tech.cookie).then(() => undefined, (e: Error) => e);
  assert.match(staffErr?.message ?? "", /guests only/i);
  const anonErr = await connectGuestSocket(server.url, undefined).then(() => undefined, (e: Error) => e);
  assert.match(anonErr?.message ?? "", /invite link/i);
  const ok = await connectGuestSocket(server.url, g.client.cookie);
  const who = await ok.timeout(5000).emitWithAck("guest:whoami");
  assert.equal(who, { ok: true, data: { guest: { id: g.guest.id, name: g.guest.name, ticketId: ticket } } });
  ok.close();
});

test("a guest socket never receives staff broadcasts: ticket changes, presence, viewers", async ({ server, tech, ticket }) => {
  const g = await inviteGuest(tech, ticket);
  const heard: string[] = [];
  const guest: GuestSocket = await connectGuestSocket(server.url, g.client.cookie, { listen: (s) => s.onAny((event) => heard.push(event)) });
  const staffSocket = await connectSocket(server.url, tech.cookie);
  const changes = record(staffSocket, "ticket:changed");
  await staffSocket.timeout(5000).emitWithAck("ticket:watch", { ticketId: ticket });
  assert.is((await tech.patch(`/api/tickets/${ticket}`, { title: `Changed ${randomUUID()}` })).status, 200);
  await waitFor(() => changes.length > 0, { what: "the staff socket to hear the change" });
  // The guest tries to join staff rooms by name: there is no such event, and rooms are not client-chosen.
  (guest as unknown as { emit(event: string, payload: unknown): void }).emit("ticket:watch", { ticketId: ticket });
  await guestRoundTrip(guest);
  assert.equal(heard, [], "nothing from the staff namespace");
  staffSocket.close();
  guest.close();
});

test("a guest is refused on its own ticket's staff routes and on other tickets", async ({ tech, ticket, otherTicket, ruTicket }) => {
  const g = await inviteGuest(tech, ticket);
  assert.is((await g.client.get(`/api/tickets/${ticket}`)).status, 403);
  assert.is((await g.client.patch(`/api/tickets/${ticket}`, { title: "x" })).status, 403);
  assert.is((await g.client.get("/api/tickets")).status, 403);
  assert.is((await g.client.get(`/api/tickets/${otherTicket}/invites`)).status, 403);
  assert.is((await g.client.get(`/api/tickets/${ruTicket}/invites`)).status, 403);
});

test("failed accepts are rate limited per address (429 with Retry-After)", async ({ server }) => {
  const client = new ApiClient(server.url);
  let last;
  for (let i = 0; i < 21; i++) last = await client.post("/api/invites/accept", { token: `v1.x.${i}`, name: "Brute" });
  assert.is(last!.status, 429);
  assert.is(last!.body.error.code, "rate_limited");
  assert.ok(Number(last!.headers.get("retry-after")) > 0);
});

test.run();
