// [ATT-TYPE] The allow-list decided from magic bytes; [ATT-NAME] file names made safe;
// [ATT-SIGN] download-link signatures.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import sharp from "sharp";
import { detectType } from "../../server/src/attachments/detect.ts";
import { contentDisposition, sanitiseName } from "../../server/src/attachments/name.ts";
import { linkSigner } from "../../server/src/attachments/signing.ts";
import { AppError } from "../../server/src/http/index.ts";

const types = suite("[ATT-TYPE] type from content");

const refused = async (bytes: Buffer, code = "unsupported_media_type") => {
  try {
    await detectType(bytes);
  } catch (err) {
    assert.instance(err, AppError);
    assert.is((err as AppError).code, code);
    return;
  }
  assert.unreachable(`accepted ${bytes.subarray(0, 16).toString("hex")}`);
};

types("images, audio, video and documents by their magic numbers", async () => {
  const image = (format: "png" | "webp" | "gif" | "jpeg") => sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } }).toFormat(format).toBuffer();
  assert.equal(await detectType(await image("png")), { mime: "image/png", ext: "png", family: "image" });
  assert.equal(await detectType(await image("webp")), { mime: "image/webp", ext: "webp", family: "image" });
  assert.equal(await detectType(await image("gif")), { mime: "image/gif", ext: "gif", family: "image" });
  assert.equal(await detectType(await image("jpeg")), { mime: "image/jpeg", ext: "jpg", family: "image" });
  const wav = Buffer.alloc(64);
  wav.write("RIFF", 0);
  wav.writeUInt32LE(56, 4);
  wav.write("WAVEfmt ", 8);
  assert.is((await detectType(wav)).family, "av");
  const mp3 = Buffer.alloc(2000);
  mp3.set([0xff, 0xfb, 0x90, 0x64]); // an MPEG-1 layer III frame header
  assert.is((await detectType(Buffer.concat([Buffer.from("ID3"), Buffer.from([3, 0, 0, 0, 0, 0, 0]), mp3]))).mime, "audio/mpeg");
  assert.is((await detectType(Buffer.from("%PDF-1.7\n..."))).mime, "application/pdf");
  assert.equal(await detectType(Buffer.from("Привет, принтер не печатает")), { mime: "text/plain", ext: "txt", family: "file" });
});

types("markup, executables, unknown binaries and empty files are refused", async () => {
  await refused(Buffer.from("<!doctype html><p>hi"));
  await refused(Buffer.from("\ufeff  <HTML>"));
  await refused(Buffer.from("<svg/onload=alert(1)>"));
  await refused(Buffer.from('<?xml version="1.0"?><x/>'));
  await refused(Buffer.from("just text, then <script>alert(1)</script>"));
  await refused(Buffer.from("MZ\u0090\u0000" + "\u0000".repeat(200), "latin1")); // a Windows executable
  await refused(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(60).fill(0)])); // ELF
  await refused(Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x12, 0x99, 0xc3]));
  await refused(Buffer.alloc(0), "validation_failed");
});

types.run();

const names = suite("[ATT-NAME] file names");

names("paths, control and bidi characters go; the extension follows the content; case is kept when it matches", () => {
  assert.is(sanitiseName("C:\\Users\\me\\photo.JPG", "jpg"), "photo.JPG");
  assert.is(sanitiseName("../../etc/passwd", "txt"), "passwd.txt");
  assert.is(sanitiseName("invoice.html", "pdf"), "invoice.pdf");
  assert.is(sanitiseName("evil\u202Egnp.exe", "png"), "evil_gnp.png");
  assert.is(sanitiseName("a\u0000b\nc.jpeg", "jpg"), "a_b_c.jpeg");
  assert.is(sanitiseName("", "webm"), "file.webm");
  assert.is(sanitiseName("...", "pdf"), "file.pdf");
  assert.is(sanitiseName(`${"x".repeat(500)}.pdf`, "pdf").length, 124);
});

names("Content-Disposition has an ASCII fallback and the UTF-8 name", () => {
  assert.is(contentDisposition("attachment", "Отчёт (1).pdf"), `attachment; filename="_____ (1).pdf"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%281%29.pdf`);
  assert.is(contentDisposition("inline", 'a"b;c%.png'), `inline; filename="a_b_c_.png"; filename*=UTF-8''a%22b%3Bc%25.png`);
});

names.run();

const signing = suite("[ATT-SIGN] link signatures");

signing("a link verifies for its attachment, variant and session until it expires, and for nothing else", () => {
  const signer = linkSigner("a-session-secret-of-at-least-32-characters", 60_000);
  const now = Date.now();
  const { url, expiresAt } = signer.sign("11111111-1111-4111-8111-111111111111", "original", "session-a", now);
  const q = new URL(url, "http://x").searchParams;
  const link = { attachmentId: "11111111-1111-4111-8111-111111111111", variant: "original" as const, exp: Number(q.get("exp")) };
  const sig = q.get("sig")!;
  assert.is(Date.parse(expiresAt), link.exp * 1000);
  assert.is(signer.verify(link, sig, "session-a", now), "ok");
  assert.is(signer.verify({ ...link, attachmentId: "22222222-2222-4222-8222-222222222222" }, sig, "session-a", now), "invalid");
  assert.is(signer.verify({ ...link, variant: "thumbnail" }, sig, "session-a", now), "invalid");
  assert.is(signer.verify({ ...link, exp: link.exp + 60 }, sig, "session-a", now), "invalid");
  assert.is(signer.verify(link, sig, "session-b", now), "invalid");
  assert.is(signer.verify(link, "x", "session-a", now), "invalid");
  assert.is(signer.verify(link, sig, "session-a", now + 61_000), "expired");
  const other = linkSigner("another-secret-of-at-least-32-characters!", 60_000);
  assert.is(other.verify(link, sig, "session-a", now), "invalid");
});

signing.run();
