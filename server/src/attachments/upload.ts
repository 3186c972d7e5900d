// POST /api/tickets/:id/attachments: receive (type from content, size limit while streaming), check
// the whole file (re-encode images, probe audio/video), store, record. Nothing is stored or
// recorded for a refused upload; a failure after storing removes what was stored.
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import type { AttachmentKind, UploadedAttachment } from "@caseroom/shared";
import type { Request } from "express";
import type { Db } from "../db/index.ts";
import { AppError } from "../http/index.ts";
import type { Logger } from "../log.ts";
import type { ObjectStore } from "../storage/index.ts";
import type { Detected } from "./detect.ts";
import { avMime, probeMedia, reencodeImage } from "./media.ts";
import { sanitiseName } from "./name.ts";
import { receiveUpload, tooLarge } from "./receive.ts";
import type { Uploader } from "./store.ts";

export interface UploadDeps {
  db: Db;
  storage: ObjectStore;
  log: Logger;
  tmpDir: string;
  maxBytes: Record<AttachmentKind, number>;
}

export interface StoredUpload {
  attachment: UploadedAttachment;
  /** Set for voice notes: the stored audio, to transcribe after the response. */
  audio?: { key: string; mime: string };
}

const kindNames: Record<AttachmentKind, string> = { image: "An image", audio: "An audio file", video: "A video", file: "A file" };

export async function storeUpload(req: Request, deps: UploadDeps, target: { orgId: string; ticketId: string; uploader: Uploader }): Promise<StoredUpload> {
  const { maxBytes } = deps;
  const largest = Math.max(maxBytes.image, maxBytes.audio, maxBytes.video, maxBytes.file);
  const declared = Number(req.get("content-length"));
  // A client announcing more than any file may be is refused before a byte is stored.
  if (Number.isFinite(declared) && declared > largest + 64 * 1024) throw tooLarge(largest, "A file");
  if (!/^multipart\/form-data\b/i.test(req.get("content-type") ?? "")) {
    throw new AppError("bad_request", "Send the file as multipart/form-data in a field named file");
  }
  return receiveAndStore(req, deps, target, largest);
}

async function receiveAndStore(req: Request, deps: UploadDeps, target: { orgId: string; ticketId: string; uploader: Uploader }, largest: number): Promise<StoredUpload> {
  const { maxBytes } = deps;
  const limitFor = (d: Detected) =>
    d.family === "image"
      ? { bytes: maxBytes.image, what: kindNames.image }
      : d.family === "av"
        ? { bytes: Math.max(maxBytes.audio, maxBytes.video), what: "An audio or video file" }
        : { bytes: maxBytes.file, what: kindNames.file };
  const received = await receiveUpload(req, deps.tmpDir, largest, limitFor);
  const id = randomUUID();
  const key = `${target.orgId}/${target.ticketId}/${id}`;
  const stored: string[] = [];
  try {
    const { detected } = received;
    let kind: AttachmentKind;
    let mime = detected.mime;
    let size = received.size;
    let width: number | null = null;
    let height: number | null = null;
    let durationMs: number | null = null;
    let thumbnailKey: string | null = null;

    if (detected.family === "image") {
      const image = await reencodeImage(received.file, detected.mime);
      kind = "image";
      mime = image.mime;
      size = image.data.length;
      width = image.width;
      height = image.height;
      await deps.storage.put(key, Readable.from([image.data]), { contentType: mime });
      stored.push(key);
      thumbnailKey = `${key}-thumb`;
      await deps.storage.put(thumbnailKey, Readable.from([image.thumbnail]), { contentType: "image/webp" });
      stored.push(thumbnailKey);
    } else {
      if (detected.family === "av") {
        const probe = await probeMedia(received.file);
        ({ kind, mime } = avMime(detected.mime, probe));
        if (size > maxBytes[kind]) throw tooLarge(maxBytes[kind], kindNames[kind]);
        durationMs = probe.durationMs ?? null;
        width = probe.width ?? null;
        height = probe.height ?? null;
      } else {
        kind = "file";
      }
      await deps.storage.put(key, createReadStream(received.file), { contentType: mime });
      stored.push(key);
    }

    const name = sanitiseName(received.clientName, detected.ext);
    // A voice note waits for a transcript; with no speech-to-text configured it stays pending until one is.
    const transcriptStatus = kind === "audio" ? "pending" : "off";
    await deps.db.query(
      `insert into attachments (id, org_id, ticket_id, uploader_user_id, uploader_guest_id, kind, mime, size, storage_key,
                                original_name, width, height, duration_ms, thumbnail_key, transcript_status)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        id,
        target.orgId,
        target.ticketId,
        target.uploader.kind === "user" ? target.uploader.userId : null,
        target.uploader.kind === "guest" ? target.uploader.guestId : null,
        kind,
        mime,
        size,
        key,
        name,
        width,
        height,
        durationMs,
        thumbnailKey,
        transcriptStatus,
      ],
    );
    return { attachment: { id, kind, mime, size }, ...(kind === "audio" ? { audio: { key, mime } } : {}) };
  } catch (err) {
    await Promise.all(stored.map((k) => deps.storage.delete(k).catch((e) => deps.log.warn({ err: e, key: k }, "could not remove a stored object"))));
    throw err;
  } finally {
    await rm(received.file, { force: true });
  }
}
