// Who may open an attachment. Staff: any attachment of their organisation's tickets (with
// ticket:read). A guest: only attachments of its own ticket that are either its own uploads or
// belong to a public message that is not deleted; never internal notes' attachments, never
// another ticket's. Everything refused is 404, so ids leak nothing.
import { can, type Principal } from "@caseroom/shared";
import type { Queryable } from "../db/index.ts";
import { AppError, notFound } from "../http/index.ts";
import { ATTACHMENT_COLUMNS, type AttachmentRow } from "./store.ts";

export async function requireAttachmentAccess(db: Queryable, principal: Principal | undefined, attachmentId: string): Promise<AttachmentRow> {
  if (!principal) throw new AppError("unauthenticated", "Log in first");
  if (principal.kind === "user") {
    if (!can(principal, "ticket:read")) throw new AppError("forbidden", "You are not allowed to do this");
    const [row] = await db.query<AttachmentRow>(
      `select ${ATTACHMENT_COLUMNS} from attachments a where a.id = $1 and a.org_id = $2
          and exists (select 1 from tickets t where t.id = a.ticket_id and t.org_id = a.org_id)`,
      [attachmentId, principal.orgId],
    );
    if (!row) throw notFound("Attachment");
    return row;
  }
  const [row] = await db.query<AttachmentRow>(
    `select ${ATTACHMENT_COLUMNS} from attachments a
      where a.id = $1 and a.org_id = $2 and a.ticket_id = $3
        and (a.uploader_guest_id = $4
             or exists (select 1 from messages m
                         where m.id = a.message_id and m.org_id = a.org_id and m.ticket_id = a.ticket_id
                           and m.visibility = 'public' and m.deleted_at is null))`,
    [attachmentId, principal.orgId, principal.ticketId, principal.guestId],
  );
  if (!row) throw notFound("Attachment");
  return row;
}
