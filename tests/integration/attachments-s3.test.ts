// [ATT-S3] The whole attachment path on S3 storage (S3_* configured): the official SDK against a
// local server speaking the S3 wire protocol. A refused upload leaves no object and no multipart upload.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { startFakeS3, type FakeS3 } from "../../server/src/storage/testing/fakeS3.ts";
import { attachmentCount, download, jpegWithGps, mp4Shaped, upload, webmVoiceNote } from "../helpers/attachments.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { loginAs, startServer, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  s3: FakeS3;
  server: TestServer;
  tech: ApiClient;
  ticketId: string;
}

const test = suite<Ctx>("attachments on S3 storage");

test.before(async (ctx) => {
  ctx.s3 = await startFakeS3();
  ctx.server = await startServer({
    env: {
      S3_ENDPOINT: ctx.s3.endpoint,
      S3_REGION: ctx.s3.region,
      S3_BUCKET: ctx.s3.bucket,
      S3_ACCESS_KEY_ID: ctx.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: ctx.s3.secretAccessKey,
    },
  });
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
});
test.after(async (ctx) => {
  await ctx.server?.close();
  await ctx.s3?.close();
});

test("[ATT-S3-1] an image and its thumbnail are stored in the bucket and served back through a signed link", async (ctx) => {
  const res = await upload(ctx.tech, ctx.ticketId, await jpegWithGps(), "photo.jpg");
  assert.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.attachment.id;
  const orgId = await orgIdBySlug(ctx.server.db, "demo");
  assert.ok(ctx.s3.objects.has(`${orgId}/${ctx.ticketId}/${id}`), [...ctx.s3.objects.keys()].join());
  assert.ok(ctx.s3.objects.has(`${orgId}/${ctx.ticketId}/${id}-thumb`));
  const { res: got, bytes } = await download(ctx.tech, id);
  assert.is(got.status, 200);
  assert.ok(bytes.equals(ctx.s3.objects.get(`${orgId}/${ctx.ticketId}/${id}`)!.body));
});

test("[ATT-S3-2] a voice note streams from the bucket in ranges", async (ctx) => {
  const voice = webmVoiceNote(1);
  const res = await upload(ctx.tech, ctx.ticketId, voice, "voice.webm");
  assert.is(res.status, 201, JSON.stringify(res.body));
  const { res: part, bytes } = await download(ctx.tech, res.body.attachment.id, "original", { range: "bytes=10-29" });
  assert.is(part.status, 206);
  assert.ok(bytes.equals(voice.subarray(10, 30)));
});

test("[ATT-S3-3] a 60 MB video is refused with 413; no object, no multipart upload, no row", async (ctx) => {
  const objects = ctx.s3.objects.size;
  const rows = await attachmentCount(ctx.server.db);
  const res = await upload(ctx.tech, ctx.ticketId, mp4Shaped(60 * 1024 * 1024), "long.mp4", "video/mp4");
  assert.is(res.status, 413, JSON.stringify(res.body));
  assert.is(ctx.s3.objects.size, objects);
  assert.is(ctx.s3.uploads.size, 0);
  assert.is(await attachmentCount(ctx.server.db), rows);
});

test.run();
