// [ATT-DL] Signed download links and who may open what; [ATT-AUDIT] every view is recorded.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { claimAttachments } from "../../server/src/attachments/index.ts";
import { download, fetchLink, jpegWithGps, pngImage, upload, webmVoiceNote } from "../helpers/attachments.ts";
import { orgIdBySlug } from "../helpers/dbState.ts";
import { inviteGuest, type TestGuest } from "../helpers/guests.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";

const LINK_TTL_MS = 4000;

interface Ctx {
  server: TestServer;
  tech1: ApiClient;
  tech2: ApiClient;
  admin: ApiClient;
  orgId: string;
  ticketId: string;
  otherTicketId: string;
  guest: TestGuest;
}

const test = suite<Ctx>("attachment links, guest access and audit");

test.before(async (ctx) => {
  ctx.server = await startServer({ app: { attachments: { linkTtlMs: LINK_TTL_MS } } });
  ctx.tech1 = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.tech2 = await loginAs(ctx.server.url, "tech2@caseroom.local");
  ctx.admin = await loginAs(ctx.server.url, "admin@caseroom.local");
  ctx.orgId = await orgIdBySlug(ctx.server.db, "demo");
  const tickets = await ctx.server.db.query<{ id: string }>("select id from tickets where org_id = $1 order by number limit 2", [ctx.orgId]);
  ctx.ticketId = tickets[0]!.id;
  ctx.otherTicketId = tickets[1]!.id;
  ctx.guest = await inviteGuest(ctx.tech1, ctx.ticketId, "Customer");
});
test.after(async (ctx) => ctx.server?.close());

async function uploaded(client: ApiClient, ticketId: string, bytes: Uint8Array, name: string): Promise<string> {
  const res = await upload(client, ticketId, bytes, name);
  if (res.status !== 201) throw new Error(`upload ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.attachment.id;
}

/** What the chat capability does on send: a message row, and its attachments claimed in the same transaction. */
async function sendMessage(ctx: Ctx, uploaderUserId: string, attachmentIds: string[], visibility: "public" | "internal", ticketId = ctx.ticketId) {
  const messageId = randomUUID();
  await ctx.server.db.transaction(async (tx) => {
    await tx.query(
      `insert into messages (id, org_id, ticket_id, seq, author_kind, author_user_id, author_name, visibility, text)
       values ($1, $2, $3, (select coalesce(max(seq), 0) + 1 from messages where ticket_id = $3), 'staff', $4, 'Tech', $5, 'see attached')`,
      [messageId, ctx.orgId, ticketId, uploaderUserId, visibility],
    );
    await claimAttachments(tx, { orgId: ctx.orgId, ticketId, messageId, ids: attachmentIds, uploader: { kind: "user", userId: uploaderUserId } });
  });
  return messageId;
}

const userId = async (ctx: Ctx, email: string) => (await ctx.server.db.query<{ id: string }>("select id from users where email = $1", [email]))[0]!.id;
const auditRows = async (ctx: Ctx, attachmentId: string) =>
  ctx.server.db.query<{ action: string; actor_kind: string; actor_id: string }>("select action, actor_kind, actor_id from audit_log where attachment_id = $1 order by id", [attachmentId]);

test("[ATT-DL-1] served with the stored type, nosniff, a sandbox CSP, and inline only for checked media", async (ctx) => {
  const image = await uploaded(ctx.tech1, ctx.ticketId, await jpegWithGps(), "Фото экрана.jpg");
  const pdf = await uploaded(ctx.tech1, ctx.ticketId, Buffer.from("%PDF-1.4\n%%EOF\n"), "report.pdf");
  const text = await uploaded(ctx.tech1, ctx.ticketId, Buffer.from("plain words"), "notes.txt");
  const expectations: [string, string, RegExp][] = [
    [image, "image/jpeg", /^inline; filename="_+ _+\.jpg"; filename\*=UTF-8''%D0%A4%D0%BE%D1%82%D0%BE%20/],
    [pdf, "application/pdf", /^attachment; filename="report\.pdf"/],
    [text, "text/plain", /^attachment; filename="notes\.txt"/],
  ];
  for (const [id, type, disposition] of expectations) {
    const { link, res } = await download(ctx.tech1, id);
    assert.match(link.url, new RegExp(`^/api/attachments/${id}/content\\?`));
    const ttl = Date.parse(link.expiresAt) - Date.now();
    assert.ok(ttl > 0 && ttl <= LINK_TTL_MS, `expires in ${ttl} ms`);
    assert.is(res.status, 200);
    assert.is(res.headers.get("content-type"), type);
    assert.is(res.headers.get("x-content-type-options"), "nosniff");
    assert.is(res.headers.get("content-security-policy"), "sandbox; default-src 'none'");
    assert.match(res.headers.get("content-disposition") ?? "", disposition);
  }
});

test("[ATT-DL-2] a link cannot be reused for another attachment, another variant, another session, or after logout", async (ctx) => {
  const a = await uploaded(ctx.tech1, ctx.ticketId, await pngImage(), "a.png");
  const b = await uploaded(ctx.tech1, ctx.ticketId, await pngImage(), "b.png");
  const link = (await ctx.tech1.get(`/api/attachments/${a}/url`)).body.url as string;
  assert.is((await fetchLink(ctx.tech1, link)).status, 200);
  const otherAttachment = await fetchLink(ctx.tech1, link.replace(a, b));
  assert.is(otherAttachment.status, 403);
  assert.is((await otherAttachment.json()).error.code, "forbidden");
  assert.is((await fetchLink(ctx.tech1, link.replace("variant=original", "variant=thumbnail"))).status, 403, "another variant");
  assert.is((await fetchLink(ctx.tech1, link.replace(/sig=[^&]+/, "sig=AAAA"))).status, 403, "a forged signature");
  assert.is((await fetchLink(ctx.tech1, link.replace(/exp=\d+/, (m) => `exp=${Number(m.slice(4)) + 3600}`))).status, 403, "a longer expiry");
  assert.is((await fetchLink(ctx.tech2, link)).status, 403, "a colleague's session");
  assert.is((await fetch(ctx.server.url + link)).status, 401, "no session at all");
  const leaving = await loginAs(ctx.server.url, "tech1@caseroom.local");
  const leavingLink = (await leaving.get(`/api/attachments/${a}/url`)).body.url as string;
  const cookie = leaving.cookie;
  await leaving.post("/api/auth/logout");
  assert.is((await fetch(ctx.server.url + leavingLink, { headers: { cookie: cookie! } })).status, 401, "after logout");
});

test("[ATT-DL-3] links expire", async (ctx) => {
  const a = await uploaded(ctx.tech1, ctx.ticketId, await pngImage(), "a.png");
  const link = (await ctx.tech1.get(`/api/attachments/${a}/url`)).body.url as string;
  assert.is((await fetchLink(ctx.tech1, link)).status, 200);
  const expired = await waitFor(async () => {
    const res = await fetchLink(ctx.tech1, link);
    return res.status === 403 && (await res.json());
  }, { timeoutMs: LINK_TTL_MS + 3000, intervalMs: 250, what: "the link to expire" });
  assert.match(expired.error.message, /expired/);
});

test("[ATT-DL-4] audio is served in byte ranges for players; an unsatisfiable range is 416", async (ctx) => {
  const voice = webmVoiceNote(1);
  const id = await uploaded(ctx.tech1, ctx.ticketId, voice, "voice.webm");
  const link = (await ctx.tech1.get(`/api/attachments/${id}/url`)).body.url as string;
  const part = await fetchLink(ctx.tech1, link, { range: "bytes=100-199" });
  assert.is(part.status, 206);
  assert.is(part.headers.get("content-range"), `bytes 100-199/${voice.length}`);
  assert.ok(Buffer.from(await part.arrayBuffer()).equals(voice.subarray(100, 200)));
  const tail = await fetchLink(ctx.tech1, link, { range: "bytes=-10" });
  assert.ok(Buffer.from(await tail.arrayBuffer()).equals(voice.subarray(voice.length - 10)));
  assert.is((await fetchLink(ctx.tech1, link, { range: `bytes=${voice.length}-` })).status, 416);
});

test("[ATT-GUEST-1] a guest uploads to its own ticket only, and opens only its own uploads and public, non-deleted messages' attachments", async (ctx) => {
  const guest = ctx.guest.client;
  const own = await uploaded(guest, ctx.ticketId, await pngImage(), "mine.png");
  assert.is((await upload(guest, ctx.otherTicketId, await pngImage(), "x.png")).status, 404, "another ticket");
  assert.is((await download(guest, own)).res.status, 200, "its own upload");
  const tech1 = await userId(ctx, "tech1@caseroom.local");
  const loose = await uploaded(ctx.tech1, ctx.ticketId, await pngImage(), "draft.png");
  const pub = await uploaded(ctx.tech1, ctx.ticketId, await pngImage(), "public.png");
  const internal = await uploaded(ctx.tech1, ctx.ticketId, await pngImage(), "internal.png");
  const deleted = await uploaded(ctx.tech1, ctx.ticketId, await pngImage(), "deleted.png");
  const elsewhere = await uploaded(ctx.tech1, ctx.otherTicketId, await pngImage(), "elsewhere.png");
  await sendMessage(ctx, tech1, [pub], "public");
  await sendMessage(ctx, tech1, [internal], "internal");
  const gone = await sendMessage(ctx, tech1, [deleted], "public");
  await ctx.server.db.query("update messages set deleted_at = now() where id = $1", [gone]);
  await sendMessage(ctx, tech1, [elsewhere], "public", ctx.otherTicketId);
  assert.is((await download(guest, pub)).res.status, 200, "a public message's attachment");
  for (const [what, id] of [["not yet sent", loose], ["internal note", internal], ["deleted message", deleted], ["another ticket", elsewhere]] as const) {
    const res = await guest.get(`/api/attachments/${id}/url`);
    assert.is(res.status, 404, what);
    // Not even with a staff member's link.
    const staffLink = (await ctx.tech1.get(`/api/attachments/${id}/url`)).body.url as string;
    assert.is((await fetchLink(guest, staffLink)).status, 404, `${what}: staff link`);
  }
  // Staff see everything of their organisation, including the guest's upload.
  assert.is((await download(ctx.tech2, own)).res.status, 200);
});

test("[ATT-GUEST-2] a revoked invite ends the guest's links", async (ctx) => {
  const guest = await inviteGuest(ctx.tech1, ctx.ticketId, "Leaving customer");
  const own = await uploaded(guest.client, ctx.ticketId, await pngImage(), "mine.png");
  const link = (await guest.client.get(`/api/attachments/${own}/url`)).body.url as string;
  assert.is((await fetchLink(guest.client, link)).status, 200);
  assert.is((await ctx.tech1.delete(`/api/invites/${guest.invite.id}`)).status, 204);
  assert.is((await fetchLink(guest.client, link)).status, 401);
});

test("[ATT-AUDIT-1] every view and download is recorded with its actor; a player's follow-up ranges are not", async (ctx) => {
  const image = await uploaded(ctx.guest.client, ctx.ticketId, await pngImage(), "p.png");
  const pdf = await uploaded(ctx.tech1, ctx.ticketId, Buffer.from("%PDF-1.4\n%%EOF\n"), "r.pdf");
  const voice = await uploaded(ctx.tech1, ctx.ticketId, webmVoiceNote(1), "v.webm");
  await download(ctx.tech2, image);
  await download(ctx.guest.client, image, "thumbnail");
  await download(ctx.tech2, pdf);
  const link = (await ctx.tech2.get(`/api/attachments/${voice}/url`)).body.url as string;
  await (await fetchLink(ctx.tech2, link, { range: "bytes=0-" })).arrayBuffer();
  await (await fetchLink(ctx.tech2, link, { range: "bytes=500-" })).arrayBuffer();
  const tech2 = await userId(ctx, "tech2@caseroom.local");
  assert.equal([...(await auditRows(ctx, image))].map((r) => ({ ...r })), [
    { action: "attachment.view", actor_kind: "user", actor_id: tech2 },
    { action: "attachment.view", actor_kind: "guest", actor_id: ctx.guest.guest.id },
  ]);
  assert.equal([...(await auditRows(ctx, pdf))].map((r) => r.action), ["attachment.download"]);
  assert.equal([...(await auditRows(ctx, voice))].map((r) => r.action), ["attachment.view"]);
});

test("[ATT-AUDIT-2] GET /api/audit lists the organisation's entries by ticket and time; admins only", async (ctx) => {
  const id = await uploaded(ctx.tech1, ctx.otherTicketId, await pngImage(), "o.png");
  const before = new Date(Date.now() - 1000).toISOString();
  await download(ctx.tech1, id);
  const all = await ctx.admin.get(`/api/audit?ticketId=${ctx.otherTicketId}`);
  assert.is(all.status, 200, JSON.stringify(all.body));
  assert.ok(all.body.entries.length >= 1);
  assert.ok(all.body.entries.every((e: { ticketId: string }) => e.ticketId === ctx.otherTicketId));
  const entry = all.body.entries.find((e: { attachmentId: string }) => e.attachmentId === id);
  assert.equal(entry.actor, { kind: "user", id: await userId(ctx, "tech1@caseroom.local") });
  assert.is(entry.action, "attachment.view");
  const windowed = await ctx.admin.get(`/api/audit?from=${encodeURIComponent(before)}&to=${encodeURIComponent(new Date(Date.now() + 1000).toISOString())}`);
  assert.ok(windowed.body.entries.some((e: { attachmentId: string }) => e.attachmentId === id));
  const past = await ctx.admin.get(`/api/audit?to=${encodeURIComponent(before)}`);
  assert.ok(!past.body.entries.some((e: { attachmentId: string }) => e.attachmentId === id));
  assert.is((await ctx.admin.get("/api/audit?from=yesterday")).status, 400);
  assert.is((await ctx.admin.get("/api/audit?ticketId=1")).status, 400);
  assert.is((await ctx.tech1.get("/api/audit")).status, 403);
  assert.is((await ctx.guest.client.get("/api/audit")).status, 403);
});

test.run();
