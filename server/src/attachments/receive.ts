// Receives the multipart body's one `file` part into a temporary file, deciding the type from the
// first bytes and enforcing the size limit of that type while the bytes stream in. Memory use is a
// few chunks whatever the file's size. A refused upload leaves no temporary file behind.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import type { Request } from "express";
import { AppError } from "../http/index.ts";
import { detectType, SNIFF_BYTES, type Detected } from "./detect.ts";

export interface Received {
  file: string;
  size: number;
  detected: Detected;
  /** The client's file name, untrusted: sanitise before use. */
  clientName: string;
}

export const tooLarge = (limitBytes: number, what: string) =>
  new AppError("payload_too_large", `${what} may be at most ${Math.floor(limitBytes / (1024 * 1024))} MB`, { limitBytes });

/** Sniffs the type from the first bytes, then passes bytes through until the type's limit is passed. */
class TypeAndSizeGate extends Transform {
  private head: Buffer[] = [];
  private headBytes = 0;
  private limit = Infinity;
  size = 0;
  detected: Detected | undefined;

  constructor(private readonly limitFor: (d: Detected) => { bytes: number; what: string }) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.detected) {
      if (this.size > this.limit) return done(this.tooLargeError!);
      return done(null, chunk);
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) return done();
    void this.decide(done);
  }

  override _flush(done: TransformCallback): void {
    if (this.detected) return done();
    void this.decide(done);
  }

  private tooLargeError: AppError | undefined;

  private async decide(done: TransformCallback): Promise<void> {
    try {
      const buffered = Buffer.concat(this.head);
      this.head = [];
      this.detected = await detectType(buffered.subarray(0, SNIFF_BYTES));
      const { bytes, what } = this.limitFor(this.detected);
      this.limit = bytes;
      this.tooLargeError = tooLarge(bytes, what);
      if (this.size > this.limit) return done(this.tooLargeError);
      done(null, buffered);
    } catch (err) {
      done(err as Error);
    }
  }
}

const badForm = (message: string) => new AppError("validation_failed", message, { fields: [{ path: "file", message }] });

/**
 * Streams the request's `file` part to a new file in `tmpDir`. `largestLimit` caps any part at the
 * parser level as well. On refusal the rest of the body is left unread: see drainRequest.
 */
export function receiveUpload(
  req: Request,
  tmpDir: string,
  largestLimit: number,
  limitFor: (d: Detected) => { bytes: number; what: string },
): Promise<Received> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: "utf8", limits: { files: 1, fields: 4, parts: 5, fileSize: largestLimit + 1, headerPairs: 20 } });
    } catch {
      return reject(new AppError("bad_request", "Send the file as multipart/form-data in a field named file"));
    }
    let settled = false;
    let tmpFile: string | undefined;
    let writing: Promise<unknown> = Promise.resolve();
    let received: Received | undefined;
    let parsed = false;

    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.removeAllListeners("file");
      // The temporary file goes once its writer has stopped, before the caller answers.
      void writing.finally(async () => {
        if (tmpFile) await rm(tmpFile, { force: true });
        reject(err);
      });
    };
    const finish = () => {
      if (settled || !parsed) return;
      if (!received) return tmpFile ? undefined : fail(badForm("Attach one file in a field named file"));
      settled = true;
      resolve(received);
    };

    parser.on("file", (field, stream, info) => {
      if (field !== "file") {
        stream.resume();
        return fail(badForm(`Unexpected field ${field.slice(0, 40)}: send the file in a field named file`));
      }
      const file = path.join(tmpDir, randomUUID());
      tmpFile = file;
      const gate = new TypeAndSizeGate(limitFor);
      const written = pipeline(stream, gate, createWriteStream(file, { flags: "wx", mode: 0o600 }));
      writing = written.catch(() => {});
      written
        .then(() => {
          if ((stream as { truncated?: boolean }).truncated) return fail(tooLarge(largestLimit, "A file"));
          received = { file, size: gate.size, detected: gate.detected!, clientName: info.filename ?? "" };
          finish();
        })
        .catch((err) => fail(err instanceof AppError ? err : new AppError("bad_request", "The upload was interrupted")));
    });
    // Other form fields are ignored; a second file is refused.
    parser.on("field", () => {});
    parser.on("filesLimit", () => fail(badForm("Send one file per request")));
    parser.on("partsLimit", () => fail(badForm("Send only the file field")));
    parser.on("error", () => fail(new AppError("bad_request", "Malformed multipart body")));
    parser.on("close", () => {
      parsed = true;
      finish();
    });
    req.on("aborted", () => fail(new AppError("bad_request", "The upload was interrupted")));
    req.pipe(parser);
  });
}

/**
 * Reads and drops what is left of a refused request's body, so the client receives our answer
 * instead of a connection reset (browsers and fetch report a reset as a network error). A client
 * that keeps sending past `maxBytes` is cut off.
 */
export function drainRequest(req: Request, maxBytes: number): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let dropped = 0;
    const done = () => resolve();
    req.on("data", (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > maxBytes) {
        req.destroy();
        done();
      }
    });
    req.once("end", done);
    req.once("close", done);
    req.resume();
  });
}
