// The tickets row is a projection of the document: when a projected field changes in the document,
// the row follows and each change becomes an event with the user who made it.
import { ProjectedFieldsSchema, ticketDoc, type PatchTicketBody } from "@caseroom/shared";
import { AppError } from "../http/index.ts";
import type { TicketChangeListener, TicketStore } from "../tickets/index.ts";
import type { ProjectFields } from "./room.ts";

export function ticketProjector(tickets: TicketStore, onChange: TicketChangeListener): ProjectFields {
  return async (values, actorId, room) => {
    const patch: Record<string, unknown> = {};
    const invalid: (keyof typeof values)[] = [];
    for (const field of Object.keys(values) as (keyof typeof values)[]) {
      const parsed = ProjectedFieldsSchema.shape[field].safeParse(values[field]);
      if (parsed.success) patch[field] = parsed.data;
      else invalid.push(field);
    }
    if (Object.keys(patch).length > 0) {
      try {
        const change = await tickets.update(room.orgId, actorId, room.ticketId, patch as PatchTicketBody);
        if (change && change.events.length > 0) onChange(room.orgId, change);
      } catch (err) {
        // An assignee who is not staff of this organisation: refuse that field, keep the rest.
        if (!(err instanceof AppError) || err.code !== "validation_failed" || !("assigneeId" in patch)) throw err;
        invalid.push("assigneeId");
        delete patch.assigneeId;
        const change = Object.keys(patch).length > 0 ? await tickets.update(room.orgId, actorId, room.ticketId, patch as PatchTicketBody) : undefined;
        if (change && change.events.length > 0) onChange(room.orgId, change);
      }
    }
    if (invalid.length === 0) return;
    // A value the row cannot take is put back to the row's value in the document, for everyone.
    const row = await tickets.get(room.orgId, room.ticketId);
    if (!row) return;
    room.correct((doc) => {
      for (const field of invalid) ticketDoc.fields(doc).set(field, row[field]);
    });
  };
}
