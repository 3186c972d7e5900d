// [ATT-UP] Uploads: type from the content's magic bytes, size limits enforced while streaming,
// images re-encoded without metadata, audio/video probed, nothing stored for a refused upload.
import { randomBytes } from "node:crypto";
import exifr from "exifr";
import sharp from "sharp";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { attachmentCount, download, filesUnder, jpegWithGps, mp4Shaped, pngImage, upload, uploadChunked, webmVideo, webmVoiceNote } from "../helpers/attachments.ts";
import { sweepUnclaimedAttachments } from "../../server/src/attachments/index.ts";
import { localStore } from "../../server/src/storage/index.ts";
import { firstTicketOf, orgIdBySlug } from "../helpers/dbState.ts";
import { loginAs, startServer, waitFor, type ApiClient, type TestServer } from "../helpers/server.ts";

interface Ctx {
  server: TestServer;
  tech: ApiClient;
  ticketId: string;
  storageDir: string;
  transcribed: { bytes: number; mime: string }[];
}

const test = suite<Ctx>("attachment uploads");

test.before(async (ctx) => {
  ctx.transcribed = [];
  ctx.server = await startServer({
    app: {
      attachments: {
        transcribeClip: async (audio, mime) => {
          ctx.transcribed.push({ bytes: audio.length, mime });
          return "the printer makes a grinding noise";
        },
      },
    },
  });
  ctx.storageDir = `${ctx.server.dataDir}/attachments`;
  ctx.tech = await loginAs(ctx.server.url, "tech1@caseroom.local");
  ctx.ticketId = await firstTicketOf(ctx.server.db, await orgIdBySlug(ctx.server.db, "demo"));
});
test.after(async (ctx) => ctx.server?.close());

/** Proves a refused upload left nothing: no row, no stored object, no temporary file. */
async function assertNothingStored(ctx: Ctx, before: { rows: number; files: number; tmp: number }) {
  assert.is(await attachmentCount(ctx.server.db), before.rows, "no attachment row");
  assert.equal(filesUnder(ctx.storageDir).length, before.files, "no stored object");
  assert.is(tmpFiles(ctx), before.tmp, "no temporary file");
}
const snapshot = async (ctx: Ctx) => ({ rows: await attachmentCount(ctx.server.db), files: filesUnder(ctx.storageDir).length, tmp: tmpFiles(ctx) });
const tmpFiles = (ctx: Ctx) => filesUnder(`${ctx.server.dataDir}/upload-tmp`).length;

test("[ATT-UP-1] a JPEG is re-encoded: EXIF GPS, camera and all metadata gone, orientation applied, thumbnail made", async (ctx) => {
  const original = await jpegWithGps();
  assert.ok(await exifr.gps(original), "the fixture does carry GPS");
  const res = await upload(ctx.tech, ctx.ticketId, original, "IMG_0001.JPG", "image/jpeg");
  assert.is(res.status, 201, JSON.stringify(res.body));
  assert.equal(Object.keys(res.body.attachment).sort(), ["id", "kind", "mime", "size"]);
  assert.is(res.body.attachment.kind, "image");
  assert.is(res.body.attachment.mime, "image/jpeg");
  const { res: got, bytes } = await download(ctx.tech, res.body.attachment.id);
  assert.is(got.status, 200);
  assert.is(bytes.length, res.body.attachment.size);
  assert.is(await exifr.gps(bytes).catch(() => undefined), undefined, "no GPS");
  assert.is(await exifr.parse(bytes).catch(() => undefined), undefined, "no EXIF at all");
  const meta = await sharp(bytes).metadata();
  assert.is(meta.exif, undefined);
  assert.is(meta.orientation, undefined);
  assert.equal([meta.width, meta.height], [32, 64], "EXIF orientation 6 applied to the pixels");
  const thumb = await download(ctx.tech, res.body.attachment.id, "thumbnail");
  assert.is(thumb.res.headers.get("content-type"), "image/webp");
  assert.is((await sharp(thumb.bytes).metadata()).format, "webp");
  const [row] = await ctx.server.db.query<{ width: number; height: number; original_name: string }>("select width, height, original_name from attachments where id = $1", [res.body.attachment.id]);
  assert.equal({ ...row }, { width: 32, height: 64, original_name: "IMG_0001.JPG" });
});

test("[ATT-UP-2] a .jpg that is really HTML is refused with 415, and so is an SVG; nothing is stored", async (ctx) => {
  const before = await snapshot(ctx);
  const html = Buffer.from("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>");
  const cases: [Buffer, string, string][] = [
    [html, "cute-cat.jpg", "image/jpeg"],
    [Buffer.from("\n  <html><script>fetch('/api/me')</script>"), "photo.png", "image/png"],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'), "logo.svg", "image/svg+xml"],
    [Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'), "logo.jpg", "image/jpeg"],
    [Buffer.from("hello <script>alert(1)</script> in the middle of text"), "notes.txt", "text/plain"],
    [randomBytes(5000), "data.bin", "application/octet-stream"],
  ];
  for (const [bytes, name, type] of cases) {
    const res = await upload(ctx.tech, ctx.ticketId, bytes, name, type);
    assert.is(res.status, 415, `${name}: ${JSON.stringify(res.body)}`);
    assert.is(res.body.error.code, "unsupported_media_type", name);
  }
  await assertNothingStored(ctx, before);
});

test("[ATT-UP-3] a 60 MB video is refused with 413 while streaming; nothing stored in storage, database or temp", async (ctx) => {
  const before = await snapshot(ctx);
  const res = await upload(ctx.tech, ctx.ticketId, mp4Shaped(60 * 1024 * 1024), "long.mp4", "video/mp4");
  assert.is(res.status, 413, JSON.stringify(res.body));
  assert.is(res.body.error.code, "payload_too_large");
  assert.match(res.body.error.message, /50 MB/);
  await assertNothingStored(ctx, before);
  // The same without Content-Length: refused while streaming, once past the limit.
  const chunked = await uploadChunked(ctx.tech, ctx.ticketId, mp4Shaped(60 * 1024 * 1024), "long.mp4", "video/mp4");
  assert.is(chunked.status, 413, JSON.stringify(chunked.body));
  assert.match(chunked.body.error.message, /50 MB/);
  await assertNothingStored(ctx, before);
});

test("[ATT-UP-4] a 21 MB image is refused with 413 (images: 20 MB); nothing stored", async (ctx) => {
  const before = await snapshot(ctx);
  const big = Buffer.concat([await pngImage(), randomBytes(21 * 1024 * 1024)]);
  const res = await upload(ctx.tech, ctx.ticketId, big, "huge.png", "image/png");
  assert.is(res.status, 413, JSON.stringify(res.body));
  assert.match(res.body.error.message, /20 MB/);
  await assertNothingStored(ctx, before);
});

test("[ATT-UP-5] a voice note (Opus in WebM) is audio with its duration, and gets transcribed", async (ctx) => {
  const res = await upload(ctx.tech, ctx.ticketId, webmVoiceNote(2), "voice.webm", "video/webm");
  assert.is(res.status, 201, JSON.stringify(res.body));
  assert.equal({ kind: res.body.attachment.kind, mime: res.body.attachment.mime }, { kind: "audio", mime: "audio/webm" });
  const row = await waitFor(async () => {
    const [r] = await ctx.server.db.query<{ duration_ms: number; transcript: string | null; transcript_status: string }>(
      "select duration_ms, transcript, transcript_status from attachments where id = $1",
      [res.body.attachment.id],
    );
    return r?.transcript_status === "done" ? r : undefined;
  }, { what: "transcript" });
  assert.ok(Math.abs(row.duration_ms - 2000) < 150, `duration ${row.duration_ms}`);
  assert.is(row.transcript, "the printer makes a grinding noise");
  assert.equal(ctx.transcribed.at(-1)!.mime, "audio/webm");
});

test("[ATT-UP-6] a video clip is video with size and duration; a broken one is refused with 415", async (ctx) => {
  const res = await upload(ctx.tech, ctx.ticketId, webmVideo(1), "clip.webm", "video/webm");
  assert.is(res.status, 201, JSON.stringify(res.body));
  assert.equal({ kind: res.body.attachment.kind, mime: res.body.attachment.mime }, { kind: "video", mime: "video/webm" });
  const [row] = await ctx.server.db.query<{ width: number; height: number; duration_ms: number; transcript_status: string }>(
    "select width, height, duration_ms, transcript_status from attachments where id = $1",
    [res.body.attachment.id],
  );
  assert.equal([row!.width, row!.height, row!.transcript_status], [160, 120, "off"]);
  const before = await snapshot(ctx);
  const broken = await upload(ctx.tech, ctx.ticketId, mp4Shaped(200_000), "broken.mp4", "video/mp4");
  assert.is(broken.status, 415, JSON.stringify(broken.body));
  await assertNothingStored(ctx, before);
});

test("[ATT-UP-7] files: a PDF and plain text are kept as they are; the name is sanitised and its extension follows the content", async (ctx) => {
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
  const res = await upload(ctx.tech, ctx.ticketId, pdf, "../../etc/\u202Egnp.invoice.html", "text/html");
  assert.is(res.status, 201, JSON.stringify(res.body));
  assert.equal({ kind: res.body.attachment.kind, mime: res.body.attachment.mime, size: res.body.attachment.size }, { kind: "file", mime: "application/pdf", size: pdf.length });
  const [row] = await ctx.server.db.query<{ original_name: string }>("select original_name from attachments where id = $1", [res.body.attachment.id]);
  assert.is(row!.original_name, "_gnp.invoice.pdf");
  const txt = await upload(ctx.tech, ctx.ticketId, Buffer.from("Error 0x80070005 when printing\nПринтер не печатает\n"), "log.txt", "text/plain");
  assert.is(txt.status, 201, JSON.stringify(txt.body));
  assert.is(txt.body.attachment.mime, "text/plain");
});

test("[ATT-UP-8] bad requests: not multipart, another field name, an empty file -> 400, nothing stored", async (ctx) => {
  const before = await snapshot(ctx);
  const json = await ctx.tech.post(`/api/tickets/${ctx.ticketId}/attachments`, { file: "x" });
  assert.is(json.status, 400);
  const form = new FormData();
  form.append("photo", new Blob([await pngImage()]), "a.png");
  const wrongField = await fetch(`${ctx.server.url}/api/tickets/${ctx.ticketId}/attachments`, { method: "POST", body: form, headers: { cookie: ctx.tech.cookie! } });
  assert.is(wrongField.status, 400);
  assert.match((await wrongField.json()).error.message, /field named file/);
  const empty = await upload(ctx.tech, ctx.ticketId, new Uint8Array(0), "empty.txt");
  assert.is(empty.status, 400);
  await assertNothingStored(ctx, before);
});

test("[ATT-UP-9] uploads never sent are swept after a day, bytes and row; sent ones stay", async (ctx) => {
  const sent = await upload(ctx.tech, ctx.ticketId, await pngImage(), "sent.png");
  const dropped = await upload(ctx.tech, ctx.ticketId, await pngImage(), "dropped.png");
  const fresh = await upload(ctx.tech, ctx.ticketId, await pngImage(), "fresh.png");
  const ids = [sent, dropped, fresh].map((r) => r.body.attachment.id as string);
  await ctx.server.db.query("update attachments set created_at = now() - interval '2 days' where id = any($1::uuid[])", [ids.slice(0, 2)]);
  await ctx.server.db.query("update attachments set message_id = gen_random_uuid() where id = $1", [ids[0]]);
  const files = filesUnder(ctx.storageDir).length;
  assert.ok((await sweepUnclaimedAttachments(ctx.server.db, localStore(ctx.storageDir))) >= 1);
  const left = await ctx.server.db.query<{ id: string }>("select id from attachments where id = any($1::uuid[]) order by created_at", [ids]);
  assert.equal(left.map((r) => r.id).sort(), [ids[0], ids[2]].sort());
  assert.is(filesUnder(ctx.storageDir).length, files - 2, "the image and its thumbnail are gone");
});

test.run();
