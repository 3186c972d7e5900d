// Edits of a ticket document's checklist. Each is one Yjs transaction, so a colleague receives it
// whole. Items are found by id, never by index: an index read a moment ago may already point at
// another item after a remote insert.
import * as Y from "yjs";
import { addChecklistItem, ticketDoc } from "@caseroom/shared";

export const CHECKLIST_TEXT_MAX = 500;

/** A short random id; crypto.randomUUID exists only on secure origins, getRandomValues everywhere. */
export function newChecklistItemId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function find(doc: Y.Doc, id: string): { index: number; item: Y.Map<unknown> } | undefined {
  const index = ticketDoc.checklist(doc).toArray().findIndex((item) => item.get("id") === id);
  const item = ticketDoc.checklist(doc).get(index);
  return index >= 0 && item ? { index, item } : undefined;
}

export function addItem(doc: Y.Doc, text: string, origin?: unknown): string | undefined {
  const trimmed = text.trim().slice(0, CHECKLIST_TEXT_MAX);
  if (!trimmed) return undefined;
  const id = newChecklistItemId();
  doc.transact(() => addChecklistItem(doc, { id, text: trimmed, done: false, doneBy: null }), origin);
  return id;
}

/** Ticking records who did it; unticking forgets them. */
export function setDone(doc: Y.Doc, id: string, done: boolean, userId: string, origin?: unknown): void {
  doc.transact(() => {
    const found = find(doc, id);
    if (!found) return;
    found.item.set("done", done);
    found.item.set("doneBy", done ? userId : null);
  }, origin);
}

export function setText(doc: Y.Doc, id: string, text: string, origin?: unknown): void {
  doc.transact(() => {
    const found = find(doc, id);
    if (found && found.item.get("text") !== text) found.item.set("text", text.slice(0, CHECKLIST_TEXT_MAX));
  }, origin);
}

export function removeItem(doc: Y.Doc, id: string, origin?: unknown): void {
  doc.transact(() => {
    const found = find(doc, id);
    if (found) ticketDoc.checklist(doc).delete(found.index, 1);
  }, origin);
}

/**
 * Moves an item by `offset` places. Y.Array has no move, so the item is copied to its new place and
 * the original deleted; a colleague's edit to that item's text at the very same moment is lost.
 */
export function moveItem(doc: Y.Doc, id: string, offset: number, origin?: unknown): void {
  doc.transact(() => {
    const list = ticketDoc.checklist(doc);
    const found = find(doc, id);
    if (!found) return;
    const target = Math.max(0, Math.min(list.length - 1, found.index + offset));
    if (target === found.index) return;
    const copy = new Y.Map<unknown>();
    for (const [key, value] of found.item.entries()) copy.set(key, value);
    list.delete(found.index, 1);
    list.insert(target, [copy]);
  }, origin);
}
