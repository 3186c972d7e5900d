// The shape of a ticket's shared document (`ticket:<id>`), defined once for server and client.
//   fields     Y.Map   title, status, priority, assigneeId, tags (Y.Array of strings)
//   notes      Y.XmlFragment   the technicians' notes as rich text (ProseMirror schema via Tiptap)
//   checklist  Y.Array of Y.Map   ordered items {id, text, done, doneBy}
import * as Y from "yjs";
import { z } from "zod";
import { IdSchema } from "../ids.ts";
import { TicketPrioritySchema, TicketStatusSchema, type Ticket } from "../protocol/tickets.ts";

export const TICKET_DOC_PREFIX = "ticket:";
export const ticketDocName = (ticketId: string) => `${TICKET_DOC_PREFIX}${ticketId}`;
export const DocNameSchema = z.string().regex(/^ticket:[0-9a-f-]{36}$/, "expected ticket:<uuid>");
export const ticketIdOfDoc = (docName: string) => docName.slice(TICKET_DOC_PREFIX.length);

/** The fields of the map that project onto the tickets row; each change becomes an event. */
export const ProjectedFieldsSchema = z.object({
  title: z.string().trim().min(1).max(200),
  status: TicketStatusSchema,
  priority: TicketPrioritySchema,
  assigneeId: IdSchema.nullable(),
});
export type ProjectedFields = z.infer<typeof ProjectedFieldsSchema>;
export const projectedFieldNames = ["title", "status", "priority", "assigneeId"] as const;

export const ChecklistItemSchema = z.object({
  id: z.string().min(1).max(64),
  text: z.string().max(500),
  done: z.boolean(),
  doneBy: IdSchema.nullable(),
});
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;

export const ticketDoc = {
  fields: (doc: Y.Doc) => doc.getMap<unknown>("fields"),
  notes: (doc: Y.Doc) => doc.getXmlFragment("notes"),
  checklist: (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>("checklist"),
  tags: (doc: Y.Doc): Y.Array<string> | undefined => {
    const tags = ticketDoc.fields(doc).get("tags");
    return tags instanceof Y.Array ? (tags as Y.Array<string>) : undefined;
  },
};

/** Reads the projected fields; undefined members mean the document has not been initialised. */
export function readProjectedFields(doc: Y.Doc): Partial<Record<(typeof projectedFieldNames)[number], unknown>> {
  const fields = ticketDoc.fields(doc);
  return Object.fromEntries(projectedFieldNames.map((name) => [name, fields.get(name)]));
}

/** Fills an empty document from the ticket row (the first time a ticket is opened). */
export function initialiseTicketDoc(doc: Y.Doc, ticket: Pick<Ticket, "title" | "status" | "priority" | "assigneeId">): void {
  doc.transact(() => {
    const fields = ticketDoc.fields(doc);
    fields.set("title", ticket.title);
    fields.set("status", ticket.status);
    fields.set("priority", ticket.priority);
    fields.set("assigneeId", ticket.assigneeId);
    fields.set("tags", new Y.Array<string>());
  });
}

export function readChecklist(doc: Y.Doc): ChecklistItem[] {
  return ticketDoc
    .checklist(doc)
    .toArray()
    .map((item) => ({
      id: String(item.get("id") ?? ""),
      text: String(item.get("text") ?? ""),
      done: item.get("done") === true,
      doneBy: (item.get("doneBy") as string | null | undefined) ?? null,
    }));
}

export function addChecklistItem(doc: Y.Doc, item: ChecklistItem, index?: number): void {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(item)) map.set(key, value);
  const list = ticketDoc.checklist(doc);
  list.insert(index ?? list.length, [map]);
}

/** Presence in a ticket, carried as Yjs awareness state. */
export const TicketAwarenessSchema = z.object({
  user: z.object({ id: IdSchema, name: z.string(), color: z.string() }),
  /** Where the user is: a field name, "notes", or a checklist item id. */
  focus: z.string().max(64).nullable().optional(),
});
export type TicketAwareness = z.infer<typeof TicketAwarenessSchema>;

/** Close codes of the collaboration socket: the shared error codes' 44xx plus the reason. */
export const collabCloseCodes = {
  badRequest: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  notFound: 4404,
  tooLarge: 4413,
  rateLimited: 4429,
  unavailable: 4503,
} as const;
