// Attachment rows: created by an upload, claimed by the message that carries them, summarised for
// message lists. The bytes are in storage; see upload.ts and download.ts.
import type { AttachmentKind, AttachmentSummary, AttachmentTranscriptStatus } from "@caseroom/shared";
import type { Queryable } from "../db/index.ts";
import { AppError } from "../http/index.ts";

/** Who uploaded an attachment: a staff user or a ticket's guest. A session Principal fits. */
export type Uploader = { kind: "user"; userId: string } | { kind: "guest"; guestId: string };

export interface AttachmentRow {
  id: string;
  org_id: string;
  ticket_id: string;
  uploader_user_id: string | null;
  uploader_guest_id: string | null;
  kind: AttachmentKind;
  mime: string;
  size: string | number;
  storage_key: string;
  original_name: string;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  thumbnail_key: string | null;
  transcript: string | null;
  transcript_status: AttachmentTranscriptStatus;
  message_id: string | null;
  created_at: Date | string;
}

export const ATTACHMENT_COLUMNS =
  "id, org_id, ticket_id, uploader_user_id, uploader_guest_id, kind, mime, size, storage_key, original_name, width, height, duration_ms, thumbnail_key, transcript, transcript_status, message_id, created_at";

export function summaryOf(row: AttachmentRow): AttachmentSummary {
  return {
    id: row.id,
    kind: row.kind,
    mime: row.mime,
    size: Number(row.size),
    name: row.original_name,
    ...(row.width !== null ? { width: row.width } : {}),
    ...(row.height !== null ? { height: row.height } : {}),
    ...(row.duration_ms !== null ? { durationMs: row.duration_ms } : {}),
    ...(row.thumbnail_key ? { hasThumbnail: true } : {}),
    ...(row.transcript !== null ? { transcript: row.transcript } : {}),
    transcriptStatus: row.transcript_status,
  };
}

export interface ClaimInput {
  orgId: string;
  ticketId: string;
  messageId: string;
  ids: readonly string[];
  uploader: Uploader;
}

/**
 * Attaches uploaded attachments to a message, in the caller's transaction (the one that inserts the
 * message). Only attachments of the same organisation and ticket, uploaded by the same principal and
 * not yet claimed by another message, can be claimed; otherwise nothing is claimed and a
 * validation error names the refused ids (the caller's transaction then rolls back). Claiming again
 * for the same message is a no-op, so a resent message does not fail. Returns the summaries in the
 * order of `ids`.
 */
export async function claimAttachments(tx: Queryable, input: ClaimInput): Promise<AttachmentSummary[]> {
  const ids = [...new Set(input.ids)];
  if (ids.length === 0) return [];
  const uploaderUser = input.uploader.kind === "user" ? input.uploader.userId : null;
  const uploaderGuest = input.uploader.kind === "guest" ? input.uploader.guestId : null;
  const rows = await tx.query<AttachmentRow>(
    `update attachments set message_id = $4
      where id = any($1::uuid[]) and org_id = $2 and ticket_id = $3
        and (message_id is null or message_id = $4)
        and uploader_user_id is not distinct from $5::uuid
        and uploader_guest_id is not distinct from $6::uuid
      returning ${ATTACHMENT_COLUMNS}`,
    [ids, input.orgId, input.ticketId, input.messageId, uploaderUser, uploaderGuest],
  );
  if (rows.length !== ids.length) {
    const claimed = new Set(rows.map((r) => r.id));
    const refused = ids.filter((id) => !claimed.has(id));
    throw new AppError(
      "validation_failed",
      "Some attachments cannot be attached: each must be your own upload to this ticket and not yet sent",
      { fields: [{ path: "attachmentIds", message: "unknown, another's, another ticket's or already sent" }], refused },
    );
  }
  const byId = new Map(rows.map((r) => [r.id, summaryOf(r)]));
  return ids.map((id) => byId.get(id)!);
}

/** The attachment summaries of each message, in upload order; messages without any are absent. */
export async function attachmentsForMessages(db: Queryable, messageIds: readonly string[]): Promise<Map<string, AttachmentSummary[]>> {
  const result = new Map<string, AttachmentSummary[]>();
  if (messageIds.length === 0) return result;
  const rows = await db.query<AttachmentRow>(
    `select ${ATTACHMENT_COLUMNS} from attachments where message_id = any($1::uuid[]) order by created_at, id`,
    [[...new Set(messageIds)]],
  );
  for (const row of rows) {
    const list = result.get(row.message_id!) ?? [];
    list.push(summaryOf(row));
    result.set(row.message_id!, list);
  }
  return result;
}

/** One attachment of an organisation, or undefined. */
export async function getAttachment(db: Queryable, orgId: string, id: string): Promise<AttachmentRow | undefined> {
  const [row] = await db.query<AttachmentRow>(`select ${ATTACHMENT_COLUMNS} from attachments where id = $1 and org_id = $2`, [id, orgId]);
  return row;
}
