// The queue's filter and how a live ticket change lands in a filtered, sorted list. Pure functions,
// so the rules are easy to read (and to test) apart from the page.
import { ticketStatuses, type Ticket, type TicketStatus } from "@caseroom/shared";
import type { TicketListFilter } from "./api.ts";

export type AssigneeFilter = "all" | "me" | "none";
export const assigneeFilters: readonly AssigneeFilter[] = ["all", "me", "none"];

export interface QueueFilter {
  status: TicketStatus | undefined;
  assignee: AssigneeFilter;
  q: string;
}

/** Reads the filter from URL search params, ignoring anything unknown. */
export function filterFromSearch(params: Partial<Record<"status" | "assignee" | "q", string | string[]>>): QueueFilter {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  const status = one(params.status);
  const assignee = one(params.assignee);
  return {
    status: (ticketStatuses as readonly string[]).includes(status) ? (status as TicketStatus) : undefined,
    assignee: (assigneeFilters as readonly string[]).includes(assignee) ? (assignee as AssigneeFilter) : "all",
    q: one(params.q).trim(),
  };
}

export function toApiFilter(filter: QueueFilter, myId: string): TicketListFilter {
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.assignee === "me" ? { assigneeId: myId } : filter.assignee === "none" ? { assigneeId: "none" } : {}),
    ...(filter.q ? { q: filter.q } : {}),
  };
}

export const isFiltered = (filter: QueueFilter) => Boolean(filter.status || filter.assignee !== "all" || filter.q);

/**
 * Whether a ticket belongs in the filtered list. Search runs on the server (full text in the
 * organisation's language), so with a search term the answer is "unknown": ask the server again.
 */
export function matches(ticket: Ticket, filter: QueueFilter, myId: string): boolean | "unknown" {
  if (filter.status && ticket.status !== filter.status) return false;
  if (filter.assignee === "me" && ticket.assigneeId !== myId) return false;
  if (filter.assignee === "none" && ticket.assigneeId !== null) return false;
  return filter.q ? "unknown" : true;
}

/** Newest change first, as the server sorts. */
export const byUpdatedDesc = (a: Ticket, b: Ticket) => b.updatedAt.localeCompare(a.updatedAt) || b.number - a.number;

/** Whether `incoming` is at least as new as what we hold (changes can arrive out of order). */
export const isNewer = (incoming: Ticket, held: Ticket | undefined) => !held || incoming.updatedAt >= held.updatedAt;

/**
 * Applies one ticket's new state to the list: replaced in place, inserted, or removed when it no
 * longer matches. With an unknown match (search) a listed ticket is updated, an unlisted one is left
 * for the server's answer.
 */
export function applyChange(list: readonly Ticket[], ticket: Ticket, filter: QueueFilter, myId: string): Ticket[] {
  const held = list.find((t) => t.id === ticket.id);
  if (held && !isNewer(ticket, held)) return list as Ticket[];
  const verdict = matches(ticket, filter, myId);
  const rest = list.filter((t) => t.id !== ticket.id);
  if (verdict === false || (verdict === "unknown" && !held)) return held ? rest : (list as Ticket[]);
  return [...rest, ticket].sort(byUpdatedDesc);
}
