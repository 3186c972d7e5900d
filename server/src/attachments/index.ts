// Chat attachments: upload (streamed, checked by content, re-encoded), claim by a message, signed
// download links and the audit of every view. Other capabilities import only from here.
export { attachmentsForMessages, claimAttachments, getAttachment, summaryOf, type AttachmentRow, type ClaimInput, type Uploader } from "./store.ts";
export { registerAttachmentRoutes, type AttachmentRouteDeps } from "./routes.ts";
export { requireAttachmentAccess } from "./access.ts";
export { sweepUnclaimedAttachments, UNCLAIMED_TTL_MS } from "./sweep.ts";
