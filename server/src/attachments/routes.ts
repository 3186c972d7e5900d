// The attachment endpoints: upload, a signed link to view or download, and the link's content.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { AttachmentIdParamsSchema, AttachmentUrlQuerySchema, IdSchema, TicketIdParamsSchema, type AttachmentKind, type Principal } from "@caseroom/shared";
import type { Router } from "express";
import { z } from "zod";
import { actorOf, audit } from "../audit/index.ts";
import type { Db } from "../db/index.ts";
import { AppError, parseInput } from "../http/index.ts";
import type { RequireTicketAccess } from "../invites/index.ts";
import type { Logger } from "../log.ts";
import { ObjectNotFound, type ObjectStore } from "../storage/index.ts";
import { requireAttachmentAccess } from "./access.ts";
import { contentDisposition } from "./name.ts";
import { linkSigner } from "./signing.ts";
import { voiceNoteTranscriber, type TranscribeClip, type TranscriberDeps } from "./transcribe.ts";
import { drainRequest } from "./receive.ts";
import { storeUpload } from "./upload.ts";
import { sweepSpool, sweepUnclaimedAttachments } from "./sweep.ts";

export interface AttachmentRouteDeps {
  db: Db;
  storage: ObjectStore;
  log: Logger;
  sessionSecret: string;
  /** Where uploads are spooled while checked (DATA_DIR/upload-tmp). */
  tmpRoot: string;
  maxBytes: Record<AttachmentKind, number>;
  requireTicketAccess: RequireTicketAccess;
  /** The stored id of a session token (sessionStore.idOf): links are bound to it. */
  sessionIdOf(token: string): string;
  transcribeClip?: TranscribeClip;
  onTranscript?: TranscriberDeps["onTranscript"];
  /** Shorter link lifetime for tests. */
  linkTtlMs?: number;
}

const ContentQuerySchema = z.strictObject({
  variant: z.enum(["original", "thumbnail"]),
  exp: z.coerce.number().int().positive(),
  sig: z.string().min(1).max(128),
});

function sessionIdOf(deps: AttachmentRouteDeps, req: { sessionToken?: string; principal?: Principal }): string {
  if (!req.principal || !req.sessionToken) throw new AppError("unauthenticated", "Log in first");
  return deps.sessionIdOf(req.sessionToken);
}

/** A single `bytes=a-b` / `bytes=a-` / `bytes=-n` range within size, or undefined to send everything. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (!m[1] && !m[2])) return undefined;
  let start: number;
  let end: number;
  if (!m[1]) {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  }
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

export function registerAttachmentRoutes(router: Router, deps: AttachmentRouteDeps) {
  // Uploads are spooled here while they are checked; one folder per process, removed on close.
  mkdirSync(deps.tmpRoot, { recursive: true });
  const tmpDir = mkdtempSync(path.join(deps.tmpRoot, `${process.pid}-`));
  const sweep = () =>
    void Promise.all([sweepUnclaimedAttachments(deps.db, deps.storage), sweepSpool(deps.tmpRoot, tmpDir, deps.log)]).catch((err) =>
      deps.log.warn({ err: String(err) }, "attachment sweep failed"),
    );
  const sweeper = setInterval(sweep, 60 * 60 * 1000);
  sweeper.unref();
  const firstSweep = setTimeout(sweep, 60 * 1000);
  firstSweep.unref();
  const signer = linkSigner(deps.sessionSecret, deps.linkTtlMs);
  const transcriber = voiceNoteTranscriber({ db: deps.db, storage: deps.storage, log: deps.log, transcribeClip: deps.transcribeClip, onTranscript: deps.onTranscript });
  transcriber.resumePending();
  const largest = Math.max(...Object.values(deps.maxBytes));

  router.post("/api/tickets/:id/attachments", async (req, res) => {
    let result;
    try {
      const { id: ticketId } = parseInput(TicketIdParamsSchema, req.params, "ticket id");
      const access = await deps.requireTicketAccess(req.principal, ticketId, "ticket:update");
      const uploader = access.principal.kind === "user" ? { kind: "user" as const, userId: access.principal.userId } : { kind: "guest" as const, guestId: access.principal.guestId };
      result = await storeUpload(req, { db: deps.db, storage: deps.storage, log: deps.log, tmpDir, maxBytes: deps.maxBytes }, { orgId: access.orgId, ticketId, uploader });
    } catch (err) {
      // Whatever the refusal, the client gets our answer rather than a reset mid-upload; the
      // connection is then closed, as the multipart parser may have stopped mid-body.
      await drainRequest(req, 2 * largest);
      res.setHeader("connection", "close");
      throw err;
    }
    res.status(201).json({ attachment: result.attachment });
    if (result.audio) transcriber.start(result.attachment.id);
  });

  router.get("/api/attachments/:id/url", async (req, res) => {
    const { id } = parseInput(AttachmentIdParamsSchema, req.params, "attachment id");
    const { variant } = parseInput(AttachmentUrlQuerySchema, req.query, "query");
    const row = await requireAttachmentAccess(deps.db, req.principal, id);
    if (variant === "thumbnail" && !row.thumbnail_key) throw new AppError("not_found", "This attachment has no thumbnail");
    res.json(signer.sign(row.id, variant, sessionIdOf(deps, req)));
  });

  router.get("/api/attachments/:id/content", async (req, res) => {
    const { id } = parseInput(z.strictObject({ id: IdSchema }), req.params, "attachment id");
    const query = parseInput(ContentQuerySchema, req.query, "query");
    // Access first (404 for what is not theirs, so ids leak nothing), then the link: it must not
    // outlive the viewer's right to see the attachment, nor serve another attachment or session.
    const row = await requireAttachmentAccess(deps.db, req.principal, id);
    const verdict = signer.verify({ attachmentId: id, variant: query.variant, exp: query.exp }, query.sig, sessionIdOf(deps, req));
    if (verdict !== "ok") throw new AppError("forbidden", verdict === "expired" ? "This link has expired: ask for a new one" : "This link is not valid for you or for this attachment");
    const key = query.variant === "thumbnail" ? row.thumbnail_key : row.storage_key;
    if (!key) throw new AppError("not_found", "This attachment has no thumbnail");
    const size = query.variant === "thumbnail" ? (await deps.storage.head(key))?.size : Number(row.size);
    if (size === undefined) throw new AppError("not_found", "Attachment content not found");
    const mime = query.variant === "thumbnail" ? "image/webp" : row.mime;
    // Only what we re-encoded (images) or probed (audio, video) is shown in the page; everything else downloads.
    const inline = query.variant === "thumbnail" || row.kind !== "file";
    const range = row.kind === "audio" || row.kind === "video" ? parseRange(req.get("range"), size) : undefined;
    if (range === "unsatisfiable") {
      res.status(416).setHeader("content-range", `bytes */${size}`);
      res.json({ error: { code: "bad_request", message: "Requested range not satisfiable" } });
      return;
    }
    // One audit row per viewing: a player's follow-up range requests are not new views.
    if (!range || range.start === 0) {
      await audit.record(deps.db, {
        orgId: row.org_id,
        actor: actorOf(req.principal!),
        action: inline ? "attachment.view" : "attachment.download",
        ticketId: row.ticket_id,
        attachmentId: row.id,
        details: { variant: query.variant },
      });
    }
    let body;
    try {
      body = await deps.storage.get(key, range);
    } catch (err) {
      if (err instanceof ObjectNotFound) throw new AppError("not_found", "Attachment content not found");
      throw err;
    }
    res.setHeader("content-type", mime);
    res.setHeader("content-disposition", contentDisposition(inline ? "inline" : "attachment", query.variant === "thumbnail" ? `thumbnail-${row.original_name.replace(/\.[^.]*$/, "")}.webp` : row.original_name));
    res.setHeader("content-security-policy", "sandbox; default-src 'none'");
    res.setHeader("cross-origin-resource-policy", "same-origin");
    res.setHeader("cache-control", "private, max-age=300");
    if (row.kind === "audio" || row.kind === "video") res.setHeader("accept-ranges", "bytes");
    if (range) {
      res.status(206);
      res.setHeader("content-range", `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader("content-length", String(range.end - range.start + 1));
    } else {
      res.setHeader("content-length", String(size));
    }
    await pipeline(body, res).catch((err) => {
      if (!res.writableEnded) deps.log.debug({ err: String(err) }, "attachment download ended early");
    });
  });

  return {
    transcriber,
    close() {
      clearInterval(sweeper);
      clearTimeout(firstSweep);
      rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}
