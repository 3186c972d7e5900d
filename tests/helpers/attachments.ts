// Attachment test helpers: multipart uploads through fetch as a browser sends them, signed-link
// downloads, and real media made on the spot (sharp for images with GPS EXIF, ffmpeg for voice notes
// and video clips).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import type { Queryable } from "../../server/src/db/index.ts";
import type { ApiClient, ApiResponse } from "./server.ts";

/**
 * One POST on a connection of its own (`agent: false`), so a large upload never reuses a keep-alive
 * connection whose idle timer ran out while this process (where the test server also runs) was busy
 * building the body: that race ends in a reset which says nothing about our server.
 */
function postOnFreshConnection(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent: false, headers: { ...headers, "content-length": String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(", ") : value);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: out });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export async function upload(client: ApiClient, ticketId: string, bytes: Uint8Array, name: string, type = "application/octet-stream"): Promise<ApiResponse> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
  // The multipart body exactly as fetch would send it.
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  const headers: Record<string, string> = { "content-type": encoded.headers.get("content-type")! };
  if (client.cookie) headers.cookie = client.cookie;
  const res = await postOnFreshConnection(`${client.baseUrl}/api/tickets/${ticketId}/attachments`, body, headers).catch((err) => {
    throw new Error(`upload of ${name} failed: ${String(err)}`);
  });
  const text = res.text;
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * For the chunked upload, which streams through fetch: let overdue keep-alive timers run, then make
 * one small request (retried once: it is idempotent), so the upload does not start on a connection
 * the server is about to close.
 */
async function freshConnection(baseUrl: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (let attempt = 0; ; attempt++) {
    try {
      await (await fetch(`${baseUrl}/healthz`)).arrayBuffer();
      return;
    } catch (err) {
      if (attempt > 0) throw err;
    }
  }
}

/**
 * The same multipart upload sent chunked (no Content-Length), 1 MB at a time, as a client that does
 * not announce its size: the server can only find out while the bytes stream in.
 */
export async function uploadChunked(client: ApiClient, ticketId: string, bytes: Uint8Array, name: string, type: string): Promise<{ status: number; body: any; sentBytes: number }> {
  const boundary = `----caseroom${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let offset = 0;
  let sentBytes = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset === 0) controller.enqueue(head);
      if (offset >= bytes.length) {
        controller.enqueue(tail);
        return controller.close();
      }
      const chunk = bytes.subarray(offset, offset + 1024 * 1024);
      offset += chunk.length;
      sentBytes += chunk.length;
      controller.enqueue(chunk);
    },
  });
  await freshConnection(client.baseUrl);
  const res = await fetch(`${client.baseUrl}/api/tickets/${ticketId}/attachments`, {
    method: "POST",
    body,
    duplex: "half",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}`, ...(client.cookie ? { cookie: client.cookie } : {}) },
  } as RequestInit).catch((err) => {
    throw new Error(`chunked upload of ${name} failed after ${sentBytes} bytes: ${String(err.cause ?? err)}`);
  });
  return { status: res.status, body: await res.json(), sentBytes };
}

/** Asks for a signed link and fetches it with the same session. */
export async function download(client: ApiClient, attachmentId: string, variant: "original" | "thumbnail" = "original", headers: Record<string, string> = {}) {
  const link = await client.get(`/api/attachments/${attachmentId}/url?variant=${variant}`);
  if (link.status !== 200) throw new Error(`url: ${link.status} ${JSON.stringify(link.body)}`);
  const res = await fetchLink(client, link.body.url, headers);
  return { link: link.body as { url: string; expiresAt: string }, res, bytes: Buffer.from(await res.arrayBuffer()) };
}

export function fetchLink(client: ApiClient, url: string, headers: Record<string, string> = {}) {
  return fetch(client.baseUrl + url, { headers: { ...headers, ...(client.cookie ? { cookie: client.cookie } : {}) } });
}

/** A JPEG photo with GPS coordinates, a camera model and EXIF orientation 6 (rotate 90°). 64×32 stored. */
export async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 32, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: "TestCam", Model: "Leaky 1" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export const pngImage = () => sharp({ create: { width: 30, height: 20, channels: 4, background: "#0a0" } }).png().toBuffer();

function ffmpeg(args: string[], ext: string): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), "caseroom-media-"));
  const out = path.join(dir, `out.${ext}`);
  try {
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", ...args, "-y", out], { stdio: ["ignore", "ignore", "pipe"] });
    return readFileSync(out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new Error("ffmpeg is not installed: run scripts/install-system-deps.sh");
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A voice note as MediaRecorder makes it: Opus in WebM, a 440 Hz tone. */
export const webmVoiceNote = (seconds = 2) => ffmpeg(["-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, "-c:a", "libopus", "-b:a", "24k"], "webm");

/** A short video clip (VP8 in WebM) with sound. */
export const webmVideo = (seconds = 1) =>
  ffmpeg(["-f", "lavfi", "-i", `testsrc=size=160x120:rate=10:duration=${seconds}`, "-f", "lavfi", "-i", `sine=duration=${seconds}`, "-c:v", "libvpx", "-b:v", "100k", "-c:a", "libopus", "-shortest"], "webm");

/** `size` bytes that start like an MP4 file (an ftyp box) and continue with filler. */
export function mp4Shaped(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0, 0, 0, 0x18, ...Buffer.from("ftypmp42"), 0, 0, 0, 0, ...Buffer.from("mp42isom")]);
  for (let i = 24; i < size; i += 4096) bytes[i] = i & 0xff;
  return bytes;
}

/** Every file below dir (relative paths). */
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? filesUnder(full).map((f) => `${name}/${f}`) : [name];
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

export async function attachmentCount(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>("select count(*)::int as n from attachments");
  return Number(row!.n);
}
