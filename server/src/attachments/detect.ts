// What an upload really is, decided from its first bytes (magic numbers), never from the file name
// or the MIME type the client sent. Anything not on the allow-list is refused (415). Markup (HTML,
// SVG, XML) is refused outright: served from our origin it could run script.
import { fileTypeFromBuffer } from "file-type";
import { AppError } from "../http/index.ts";

/** How an accepted type is checked further: images are re-encoded, audio/video probed, files kept as they are. */
export type Family = "image" | "av" | "file";

export interface Detected {
  mime: string;
  ext: string;
  family: Family;
}

/** Enough for file-type to recognise every format below. */
export const SNIFF_BYTES = 4100;

const allowed: Record<string, { family: Family; ext: string }> = {
  "image/jpeg": { family: "image", ext: "jpg" },
  "image/png": { family: "image", ext: "png" },
  "image/webp": { family: "image", ext: "webp" },
  "image/gif": { family: "image", ext: "gif" },
  "audio/webm": { family: "av", ext: "webm" },
  "video/webm": { family: "av", ext: "webm" },
  "audio/ogg": { family: "av", ext: "ogg" },
  "audio/opus": { family: "av", ext: "ogg" },
  "video/ogg": { family: "av", ext: "ogv" },
  "audio/mpeg": { family: "av", ext: "mp3" },
  "audio/mp4": { family: "av", ext: "m4a" },
  "audio/x-m4a": { family: "av", ext: "m4a" },
  "audio/wav": { family: "av", ext: "wav" },
  "audio/vnd.wave": { family: "av", ext: "wav" },
  "audio/x-wav": { family: "av", ext: "wav" },
  "video/mp4": { family: "av", ext: "mp4" },
  "video/quicktime": { family: "av", ext: "mov" },
  "application/pdf": { family: "file", ext: "pdf" },
  "application/zip": { family: "file", ext: "zip" },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { family: "file", ext: "docx" },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { family: "file", ext: "xlsx" },
};

// Markup a browser would render as a document, looked for at the start (after a BOM and whitespace)
// and anywhere in the sniffed bytes for the tags that carry script.
const MARKUP_START = /^(\ufeff)?\s*<(!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|!--|meta|style|div|a\s)/i;
const MARKUP_ANYWHERE = /<(script|svg|html|iframe|object|embed)[\s>/]/i;

const unsupported = (what: string) => new AppError("unsupported_media_type", what);

export async function detectType(head: Buffer): Promise<Detected> {
  if (head.length === 0) throw new AppError("validation_failed", "The file is empty", { fields: [{ path: "file", message: "empty" }] });
  const found = await fileTypeFromBuffer(head);
  if (found) {
    const entry = allowed[found.mime];
    if (!entry) throw unsupported(`Files of type ${found.mime} are not accepted`);
    return { mime: found.mime, ext: entry.ext, family: entry.family };
  }
  // No magic number: plain text is accepted when it is valid UTF-8 and not markup.
  const text = decodeUtf8(head);
  if (text === undefined || text.includes("\u0000")) throw unsupported("This type of file is not accepted");
  if (MARKUP_START.test(text) || MARKUP_ANYWHERE.test(text)) throw unsupported("HTML, SVG and XML files are not accepted");
  return { mime: "text/plain", ext: "txt", family: "file" };
}

/** The text, or undefined when the bytes are not UTF-8 (a multi-byte character cut at the end is fine). */
function decodeUtf8(bytes: Buffer): string | undefined {
  for (let cut = 0; cut < 4 && cut < bytes.length; cut++) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      /* try without a truncated last character */
    }
  }
  return undefined;
}
