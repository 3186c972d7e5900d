// Bad input gets a clear 4xx in the one error shape, names the field, and changes nothing. Never a 500.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { firstTicketOf, orgIdBySlug, rowCounts, ticketState } from "../helpers/dbState.ts";
import { ApiClient, startServer, type ApiResponse, type TestServer } from "../helpers/server.ts";

/** Every answer any client of this file received, to prove that none was a 5xx. */
const answers: { what: string; status: number }[] = [];

class RecordingClient extends ApiClient {
  override async request<T = any>(method: string, url: string, body?: unknown, init?: { raw?: string; headers?: Record<string, string> }) {
    const res = await super.request<T>(method, url, body, init);
    answers.push({ what: `${method} ${url}`, status: res.status });
    return res;
  }
}

async function login(url: string, email: string): Promise<RecordingClient> {
  const client = new RecordingClient(url);
  const res = await client.post("/api/auth/login", { email, password: "caseroom" });
  assert.is(res.status, 200, `login as ${email}`);
  return client;
}

interface Ctx {
  server: TestServer;
  tech1: RecordingClient;
  admin: RecordingClient;
  anonymous: RecordingClient;
  ticketId: string;
}

const snapshot = async (ctx: Ctx) => ({ counts: await rowCounts(ctx.server.db), ticket: await ticketState(ctx.server.db, ctx.ticketId) });

/** Sends, expects the refusal in the one error shape, and proves nothing changed. */
async function refused(ctx: Ctx, status: number, code: string, send: () => Promise<ApiResponse>): Promise<ApiResponse> {
  const before = await snapshot(ctx);
  const res = await send();
  assert.is(res.status, status, JSON.stringify(res.body));
  assert.is(res.body?.error?.code, code, JSON.stringify(res.body));
  assert.type(res.body.error.message, "string");
  assert.equal(await snapshot(ctx), before, "nothing changed: ticket and event counts, and the ticket itself");
  return res;
}

const fieldsOf = (res: ApiResponse): string[] => res.body.error.details.fields.map((f: { path: string }) => f.path).sort();

const test = suite<Ctx>("bad input changes nothing");

test.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres" });
  ctx.tech1 = await login(ctx.server.url, "tech1@caseroom.local");
  ctx.admin = await login(ctx.server.url, "admin@caseroom.local");
  ctx.anonymous = new RecordingClient(ctx.server.url);
  ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
});
test.after(async (ctx) => ctx.server?.close());

test("malformed JSON is 400 bad_request (create and patch)", async (ctx) => {
  await refused(ctx, 400, "bad_request", () => ctx.tech1.request("POST", "/api/tickets", undefined, { raw: '{"title": "half' }));
  await refused(ctx, 400, "bad_request", () => ctx.tech1.request("PATCH", `/api/tickets/${ctx.ticketId}`, undefined, { raw: "{status:open}" }));
  await refused(ctx, 400, "bad_request", () => ctx.tech1.request("POST", "/api/tickets", undefined, { raw: '"just a string"' }));
});

test("wrong types are 400 validation_failed with details.fields naming each field", async (ctx) => {
  const created = await refused(ctx, 400, "validation_failed", () => ctx.tech1.post("/api/tickets", { title: 42 }));
  assert.equal(fieldsOf(created), ["title"]);
  const patched = await refused(ctx, 400, "validation_failed", () =>
    ctx.tech1.patch(`/api/tickets/${ctx.ticketId}`, { status: 5, priority: true, assigneeId: "bob" }),
  );
  assert.equal(fieldsOf(patched), ["assigneeId", "priority", "status"]);
  assert.match(patched.body.error.message, /assigneeId|priority|status/);
  const me = await refused(ctx, 400, "validation_failed", () => ctx.tech1.patch("/api/me", { locale: "fr" }));
  assert.equal(fieldsOf(me), ["locale"]);
});

test("an assignee from another organisation is 400 validation_failed naming assigneeId", async (ctx) => {
  const [ruUser] = await ctx.server.db.query<{ id: string }>("select id from users where email = 'tech1@ru.caseroom.local'");
  const res = await refused(ctx, 400, "validation_failed", () => ctx.tech1.patch(`/api/tickets/${ctx.ticketId}`, { status: "closed", assigneeId: ruUser!.id }));
  assert.equal(fieldsOf(res), ["assigneeId"]);
});

test("unknown fields are refused 400, naming the field; an empty patch too", async (ctx) => {
  const res = await refused(ctx, 400, "validation_failed", () => ctx.tech1.post("/api/tickets", { title: "Fine", orgId: randomUUID() }));
  assert.match(res.body.error.message, /orgId/);
  await refused(ctx, 400, "validation_failed", () => ctx.tech1.patch(`/api/tickets/${ctx.ticketId}`, { status: "closed", number: 1 }));
  await refused(ctx, 400, "validation_failed", () => ctx.tech1.patch(`/api/tickets/${ctx.ticketId}`, {}));
});

test("a body over the 256 kB limit is 413 payload_too_large", async (ctx) => {
  const big = "x".repeat(300 * 1024);
  await refused(ctx, 413, "payload_too_large", () => ctx.tech1.post("/api/tickets", { title: "Big", description: big }));
  await refused(ctx, 413, "payload_too_large", () => ctx.tech1.patch(`/api/tickets/${ctx.ticketId}`, { title: big }));
});

test("a body that is not JSON is 400 (text/plain, form-encoded, no content-type)", async (ctx) => {
  for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
    await refused(ctx, 400, "validation_failed", () =>
      ctx.tech1.request("POST", "/api/tickets", undefined, { raw: "title=Printer", headers: { "content-type": contentType } }),
    );
  }
});

test("an undecodable body (corrupt gzip, unknown charset) is 400 bad_request, not 500", async (ctx) => {
  const garbage = { raw: "definitely not gzip", headers: { "content-encoding": "gzip" } };
  await refused(ctx, 400, "bad_request", () => ctx.tech1.request("POST", "/api/tickets", undefined, garbage));
  const latin1 = { raw: '{"title":"x"}', headers: { "content-type": "application/json; charset=latin1" } };
  await refused(ctx, 400, "bad_request", () => ctx.tech1.request("POST", "/api/tickets", undefined, latin1));
});

test("a well-formed gzip body is accepted (the refusal above is about corruption)", async (ctx) => {
  const res = await fetch(`${ctx.server.url}/api/tickets`, {
    method: "POST",
    headers: { cookie: ctx.tech1.cookie!, "content-type": "application/json", "content-encoding": "gzip" },
    body: gzipSync(JSON.stringify({ title: "Compressed ticket" })),
  });
  answers.push({ what: "POST /api/tickets (gzip)", status: res.status });
  assert.is(res.status, 201);
});

test("an invalid uuid in the path is 400 naming id; a badly escaped path is 400 too", async (ctx) => {
  const get = await refused(ctx, 400, "validation_failed", () => ctx.tech1.get("/api/tickets/not-a-uuid"));
  assert.equal(fieldsOf(get), ["id"]);
  await refused(ctx, 400, "validation_failed", () => ctx.tech1.patch("/api/tickets/12345", { status: "closed" }));
  await refused(ctx, 400, "bad_request", () => ctx.tech1.get("/api/tickets/%zz"));
  await refused(ctx, 400, "bad_request", () => ctx.tech1.patch("/api/tickets/%E0%A4%A", { status: "closed" }));
});

test("bad queries are 400 naming the parameter (status=bogus, limit=99999, unknown or repeated parameters)", async (ctx) => {
  assert.equal(fieldsOf(await refused(ctx, 400, "validation_failed", () => ctx.tech1.get("/api/tickets?status=bogus"))), ["status"]);
  assert.equal(fieldsOf(await refused(ctx, 400, "validation_failed", () => ctx.admin.get("/api/events?limit=99999"))), ["limit"]);
  assert.equal(fieldsOf(await refused(ctx, 400, "validation_failed", () => ctx.admin.get("/api/events?after=-1"))), ["after"]);
  assert.equal(fieldsOf(await refused(ctx, 400, "validation_failed", () => ctx.admin.get("/api/events?limit=ten"))), ["limit"]);
  await refused(ctx, 400, "validation_failed", () => ctx.tech1.get("/api/tickets?sort=title"));
  await refused(ctx, 400, "validation_failed", () => ctx.tech1.get("/api/tickets?status=new&status=open"));
});

test("unknown /api routes and methods are 404 in the error shape", async (ctx) => {
  for (const [method, url] of [
    ["GET", "/api/nope"],
    ["POST", `/api/tickets/${ctx.ticketId}/comments`],
    ["DELETE", `/api/tickets/${ctx.ticketId}`],
    ["PUT", `/api/tickets/${ctx.ticketId}`],
    ["GET", "/api"],
  ] as const) {
    const res = await refused(ctx, 404, "not_found", () => ctx.tech1.request(method, url));
    assert.match(res.body.error.message, url.split("/").slice(0, 3).join("/"), "the message names the full path");
  }
  await refused(ctx, 404, "not_found", () => ctx.anonymous.get("/api/nope"));
});

test("a cross-site write (Origin: http://evil.example) is 403 and changes nothing", async (ctx) => {
  const evil = { headers: { origin: "http://evil.example" } };
  await refused(ctx, 403, "forbidden", () => ctx.tech1.request("POST", "/api/tickets", { title: "From elsewhere" }, evil));
  await refused(ctx, 403, "forbidden", () => ctx.tech1.request("PATCH", `/api/tickets/${ctx.ticketId}`, { status: "closed" }, evil));
  await refused(ctx, 403, "forbidden", () => ctx.tech1.request("POST", "/api/auth/logout", undefined, evil));
  assert.is((await ctx.tech1.get("/api/me")).status, 200, "the session survived the cross-site logout");
  const stranger = new RecordingClient(ctx.server.url);
  await refused(ctx, 403, "forbidden", () => stranger.request("POST", "/api/auth/login", { email: "tech1@caseroom.local", password: "caseroom" }, evil));
  assert.is(stranger.cookie, undefined, "no session cookie for a cross-site login");
});

test("a same-origin write is accepted (the Origin check is not a blanket refusal)", async (ctx) => {
  const res = await ctx.tech1.request("POST", "/api/tickets", { title: "From our own page" }, { headers: { origin: ctx.server.url } });
  assert.is(res.status, 201);
});

test("a wrong password and an unknown e-mail are both 401 invalid_credentials, alike (no enumeration)", async (ctx) => {
  const wrong = await refused(ctx, 401, "invalid_credentials", () => ctx.anonymous.post("/api/auth/login", { email: "tech2@caseroom.local", password: "nope" }));
  const unknown = await refused(ctx, 401, "invalid_credentials", () => ctx.anonymous.post("/api/auth/login", { email: "ghost@caseroom.local", password: "nope" }));
  assert.equal(unknown.body, wrong.body);
  assert.is(ctx.anonymous.cookie, undefined);
  await refused(ctx, 400, "validation_failed", () => ctx.anonymous.post("/api/auth/login", { email: "not-an-email", password: "x" }));
});

test("no request in this file was answered with a 5xx", () => {
  assert.ok(answers.length > 40, `${answers.length} answers recorded`);
  assert.equal(answers.filter((a) => a.status >= 500), []);
});

test.run();

// A fresh server, so the in-memory login limiter starts clean.
const limit = suite<{ server: TestServer; client: RecordingClient }>("login rate limit");
limit.before(async (ctx) => {
  ctx.server = await startServer({ database: "postgres" });
  ctx.client = new RecordingClient(ctx.server.url);
});
limit.after(async (ctx) => ctx.server?.close());

limit("the 11th wrong password for one e-mail within the window is 429 rate_limited with retry-after", async ({ client }) => {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const res = await client.post("/api/auth/login", { email: "tech2@caseroom.local", password: `wrong-${attempt}` });
    assert.is(res.status, 401, `attempt ${attempt}`);
  }
  const res = await client.post("/api/auth/login", { email: "tech2@caseroom.local", password: "wrong-11" });
  assert.is(res.status, 429);
  assert.is(res.body.error.code, "rate_limited");
  const retryAfter = Number(res.headers.get("retry-after"));
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60, `retry-after ${res.headers.get("retry-after")}`);
});

limit("once limited, even the right password is refused for that e-mail", async ({ client }) => {
  const res = await client.post("/api/auth/login", { email: "TECH2@caseroom.local", password: "caseroom" });
  assert.is(res.status, 429);
  assert.is(client.cookie, undefined);
});

limit("another e-mail from the same address can still log in", async ({ client }) => {
  assert.is((await client.post("/api/auth/login", { email: "tech1@caseroom.local", password: "caseroom" })).status, 200);
});

limit("no 5xx here either", () => {
  assert.equal(answers.filter((a) => a.status >= 500), []);
});

limit.run();
