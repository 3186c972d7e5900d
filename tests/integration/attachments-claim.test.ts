// [ATT-CLAIM] A message claims only its author's unclaimed uploads to the same ticket; message
// lists get the attachment summaries. Rows are inserted directly: this is the store contract the
// chat capability builds on, on both databases.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attachmentsForMessages, claimAttachments, type Uploader } from "../../server/src/attachments/index.ts";
import type { Db } from "../../server/src/db/index.ts";
import { AppError } from "../../server/src/http/index.ts";
import { freshPglite, freshPostgres } from "../helpers/databases.ts";

interface Ctx {
  db: Db;
  drop: () => Promise<void>;
  orgId: string;
  otherOrgId: string;
  ticketId: string;
  otherTicketId: string;
  userId: string;
  otherUserId: string;
}

async function insert(db: Db, ctx: Ctx, over: { ticketId?: string; orgId?: string; uploader: Uploader; kind?: string; messageId?: string }): Promise<string> {
  const id = randomUUID();
  await db.query(
    `insert into attachments (id, org_id, ticket_id, uploader_user_id, uploader_guest_id, kind, mime, size, storage_key, original_name, width, height, duration_ms, transcript_status, message_id)
     values ($1, $2, $3, $4, $5, $6, $7, 1234, $8, 'photo.jpg', $9, $10, $11, $12, $13)`,
    [
      id,
      over.orgId ?? ctx.orgId,
      over.ticketId ?? ctx.ticketId,
      over.uploader.kind === "user" ? over.uploader.userId : null,
      over.uploader.kind === "guest" ? over.uploader.guestId : null,
      over.kind ?? "image",
      over.kind === "audio" ? "audio/webm" : "image/jpeg",
      `test/${id}`,
      over.kind === "audio" ? null : 640,
      over.kind === "audio" ? null : 480,
      over.kind === "audio" ? 4200 : null,
      over.kind === "audio" ? "pending" : "off",
      over.messageId ?? null,
    ],
  );
  return id;
}

for (const database of ["pglite", "postgres"] as const) {
  const test = suite<Ctx>(`claimAttachments / attachmentsForMessages on ${database}`);

  test.before(async (ctx) => {
    if (database === "pglite") {
      ctx.db = await freshPglite();
      ctx.drop = () => ctx.db.close();
    } else {
      const pg = await freshPostgres();
      ctx.db = pg.db;
      ctx.drop = pg.drop;
    }
    const one = async <T>(sql: string, params: unknown[] = []) => (await ctx.db.query<T>(sql, params))[0]!;
    ctx.orgId = (await one<{ id: string }>("select id from orgs where slug = 'demo'")).id;
    ctx.otherOrgId = (await one<{ id: string }>("select id from orgs where slug = 'demo-ru'")).id;
    const tickets = await ctx.db.query<{ id: string }>("select id from tickets where org_id = $1 order by number limit 2", [ctx.orgId]);
    ctx.ticketId = tickets[0]!.id;
    ctx.otherTicketId = tickets[1]!.id;
    ctx.userId = (await one<{ id: string }>("select id from users where email = 'tech1@caseroom.local'")).id;
    ctx.otherUserId = (await one<{ id: string }>("select id from users where email = 'tech2@caseroom.local'")).id;
  });
  test.after(async (ctx) => ctx.drop?.());

  const claimError = async (ctx: Ctx, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      return err as AppError;
    }
    throw new Error("claim was accepted");
  };

  test("[ATT-CLAIM-1] the uploader's unclaimed attachments of the ticket are claimed, summaries in the given order", async (ctx) => {
    const me: Uploader = { kind: "user", userId: ctx.userId };
    const photo = await insert(ctx.db, ctx, { uploader: me });
    const voice = await insert(ctx.db, ctx, { uploader: me, kind: "audio" });
    const messageId = randomUUID();
    const summaries = await ctx.db.transaction((tx) => claimAttachments(tx, { orgId: ctx.orgId, ticketId: ctx.ticketId, messageId, ids: [voice, photo], uploader: me }));
    assert.equal(summaries.map((s) => s.id), [voice, photo]);
    assert.equal(summaries[1], { id: photo, kind: "image", mime: "image/jpeg", size: 1234, name: "photo.jpg", width: 640, height: 480, transcriptStatus: "off" });
    assert.equal(summaries[0], { id: voice, kind: "audio", mime: "audio/webm", size: 1234, name: "photo.jpg", durationMs: 4200, transcriptStatus: "pending" });
    const byMessage = await attachmentsForMessages(ctx.db, [messageId, randomUUID()]);
    assert.equal([...byMessage.keys()], [messageId]);
    assert.equal(byMessage.get(messageId)!.map((s) => s.id).sort(), [photo, voice].sort());
    // Claiming again for the same message (a resend) is accepted and changes nothing.
    const again = await ctx.db.transaction((tx) => claimAttachments(tx, { orgId: ctx.orgId, ticketId: ctx.ticketId, messageId, ids: [photo], uploader: me }));
    assert.is(again[0]!.id, photo);
  });

  test("[ATT-CLAIM-2] another principal's, another ticket's, another org's, an already sent or unknown attachment is refused and nothing is claimed", async (ctx) => {
    const me: Uploader = { kind: "user", userId: ctx.userId };
    const mine = await insert(ctx.db, ctx, { uploader: me });
    const cases: [string, string][] = [
      ["another user's", await insert(ctx.db, ctx, { uploader: { kind: "user", userId: ctx.otherUserId } })],
      ["a guest's", await insert(ctx.db, ctx, { uploader: { kind: "guest", guestId: randomUUID() } })],
      ["another ticket's", await insert(ctx.db, ctx, { uploader: me, ticketId: ctx.otherTicketId })],
      ["already sent", await insert(ctx.db, ctx, { uploader: me, messageId: randomUUID() })],
      ["unknown", randomUUID()],
    ];
    for (const [what, id] of cases) {
      const messageId = randomUUID();
      const err = await claimError(ctx, () =>
        ctx.db.transaction((tx) => claimAttachments(tx, { orgId: ctx.orgId, ticketId: ctx.ticketId, messageId, ids: [mine, id], uploader: me })),
      );
      assert.instance(err, AppError, what);
      assert.is(err.code, "validation_failed", what);
      assert.equal(err.details?.refused, [id], what);
      const [row] = await ctx.db.query<{ message_id: string | null }>("select message_id from attachments where id = $1", [mine]);
      assert.is(row!.message_id, null, `${what}: my attachment stays unclaimed`);
    }
  });

  test("[ATT-CLAIM-3] a guest claims only its own uploads", async (ctx) => {
    const guest: Uploader = { kind: "guest", guestId: randomUUID() };
    const own = await insert(ctx.db, ctx, { uploader: guest });
    const staffs = await insert(ctx.db, ctx, { uploader: { kind: "user", userId: ctx.userId } });
    const err = await claimError(ctx, () =>
      ctx.db.transaction((tx) => claimAttachments(tx, { orgId: ctx.orgId, ticketId: ctx.ticketId, messageId: randomUUID(), ids: [staffs], uploader: guest })),
    );
    assert.is(err.code, "validation_failed");
    const ok = await ctx.db.transaction((tx) => claimAttachments(tx, { orgId: ctx.orgId, ticketId: ctx.ticketId, messageId: randomUUID(), ids: [own], uploader: guest }));
    assert.is(ok.length, 1);
    assert.equal(await claimAttachments(ctx.db, { orgId: ctx.orgId, ticketId: ctx.ticketId, messageId: randomUUID(), ids: [], uploader: guest }), []);
  });

  test.run();
}
