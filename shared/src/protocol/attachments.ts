// Chat attachments and the audit trail on the wire. The server decides kind and MIME type from the
// content itself; the client's file name and type are never trusted.
import { z } from "zod";
import { IdSchema, IsoTimeSchema } from "../ids.ts";

export const attachmentKinds = ["image", "audio", "video", "file"] as const;
export const AttachmentKindSchema = z.enum(attachmentKinds);
export type AttachmentKind = z.infer<typeof AttachmentKindSchema>;

/** off: no speech-to-text for this attachment; pending: waiting for one; done; failed. */
export const attachmentTranscriptStatuses = ["off", "pending", "done", "failed"] as const;
export const AttachmentTranscriptStatusSchema = z.enum(attachmentTranscriptStatuses);
export type AttachmentTranscriptStatus = z.infer<typeof AttachmentTranscriptStatusSchema>;

/** What POST /api/tickets/:id/attachments answers (201). */
export const UploadedAttachmentSchema = z.object({
  id: IdSchema,
  kind: AttachmentKindSchema,
  mime: z.string(),
  size: z.number().int().nonnegative(),
});
export type UploadedAttachment = z.infer<typeof UploadedAttachmentSchema>;

/** An attachment as a message carries it. */
export const AttachmentSummarySchema = UploadedAttachmentSchema.extend({
  name: z.string(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  durationMs: z.number().int().optional(),
  /** Whether a thumbnail exists (images): GET /api/attachments/:id/url?variant=thumbnail. */
  hasThumbnail: z.boolean().optional(),
  transcript: z.string().optional(),
  transcriptStatus: AttachmentTranscriptStatusSchema,
});
export type AttachmentSummary = z.infer<typeof AttachmentSummarySchema>;

export const AttachmentIdParamsSchema = z.strictObject({ id: IdSchema });

export const attachmentVariants = ["original", "thumbnail"] as const;
export const AttachmentUrlQuerySchema = z.strictObject({
  variant: z.enum(attachmentVariants).default("original"),
});

/** GET /api/attachments/:id/url: a short-lived link bound to the attachment and the caller's session. */
export const AttachmentUrlResponseSchema = z.object({ url: z.string(), expiresAt: IsoTimeSchema });
export type AttachmentUrlResponse = z.infer<typeof AttachmentUrlResponseSchema>;

export const auditActorKinds = ["user", "guest", "api_key", "system"] as const;
export type AuditActorKind = (typeof auditActorKinds)[number];

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: IsoTimeSchema,
  actor: z.object({ kind: z.enum(auditActorKinds), id: IdSchema.nullable() }),
  action: z.string(),
  ticketId: IdSchema.nullable(),
  attachmentId: IdSchema.nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z
  .strictObject({
    ticketId: IdSchema.optional(),
    from: IsoTimeSchema.optional(),
    to: IsoTimeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { message: "from must not be after to", path: ["from"] });
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
