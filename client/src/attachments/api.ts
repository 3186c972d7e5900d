// Attachment calls. Uploads go through XMLHttpRequest, the one browser API that reports upload
// progress; everything else through the shared `request`.
import { AttachmentUrlResponseSchema, ErrorBodySchema, UploadedAttachmentSchema, type UploadedAttachment } from "@caseroom/shared";
import { z } from "zod";
import { ApiError, request } from "../api.ts";

export interface UploadHandle {
  done: Promise<UploadedAttachment>;
  abort(): void;
}

/** Uploads one file to a ticket; `onProgress` receives 0…1 as the bytes leave the browser. */
export function uploadAttachment(ticketId: string, file: Blob, name: string, onProgress?: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedAttachment>((resolve, reject) => {
    xhr.open("POST", `/api/tickets/${encodeURIComponent(ticketId)}/attachments`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "Network error"));
    xhr.onabort = () => reject(new ApiError(0, "network", "Upload cancelled"));
    xhr.onload = () => {
      let json: unknown = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 201) {
        const parsed = z.object({ attachment: UploadedAttachmentSchema }).safeParse(json);
        if (parsed.success) return resolve(parsed.data.attachment);
        return reject(new ApiError(xhr.status, "internal", "Unexpected response from the server"));
      }
      const error = ErrorBodySchema.safeParse(json);
      reject(
        error.success
          ? new ApiError(xhr.status, error.data.error.code, error.data.error.message, error.data.error.details)
          : new ApiError(xhr.status, xhr.status >= 500 ? "unavailable" : "bad_request", `HTTP ${xhr.status}`),
      );
    };
    const form = new FormData();
    form.append("file", file, name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/** A short-lived link to an attachment's bytes, for this session only. */
export function attachmentUrl(id: string, variant: "original" | "thumbnail" = "original") {
  return request("GET", `/api/attachments/${encodeURIComponent(id)}/url?variant=${variant}`, AttachmentUrlResponseSchema);
}
