// The queue as a table: one row per ticket, newest change first. Rows changed live flash briefly.
import { For } from "solid-js";
import { A } from "@solidjs/router";
import type { Ticket } from "@caseroom/shared";
import { formatDateTime, formatRelative, t } from "../i18n/index.ts";
import { staffName } from "../session.ts";
import { PriorityBadge, StatusBadge } from "./Badge.tsx";

export function TicketTable(props: { tickets: Ticket[]; timeZone: string; highlighted: ReadonlySet<string> }) {
  return (
    <div class="table-wrap">
      <table class="tickets">
        <caption class="sr-only">{t("queue.caption")}</caption>
        <thead>
          <tr>
            <th scope="col" class="col-number">{t("column.number")}</th>
            <th scope="col">{t("column.title")}</th>
            <th scope="col">{t("column.status")}</th>
            <th scope="col">{t("column.priority")}</th>
            <th scope="col">{t("column.assignee")}</th>
            <th scope="col" class="col-updated">{t("column.updated")}</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.tickets}>
            {(ticket) => (
              <tr
                data-testid="ticket-row"
                data-ticket-id={ticket.id}
                data-ticket-number={ticket.number}
                classList={{ "row-flash": props.highlighted.has(ticket.id) }}
              >
                <td class="col-number muted">{t("ticket.number", { number: String(ticket.number) })}</td>
                <th scope="row" class="col-title">
                  <A href={`/tickets/${ticket.id}`} data-testid="ticket-row-link">{ticket.title}</A>
                </th>
                <td>
                  <StatusBadge status={ticket.status} testId="ticket-row-status" />
                </td>
                <td>
                  <PriorityBadge priority={ticket.priority} testId="ticket-row-priority" />
                </td>
                <td classList={{ muted: !ticket.assigneeId }} data-testid="ticket-row-assignee">
                  {staffName(ticket.assigneeId)}
                </td>
                <td class="col-updated">
                  <time datetime={ticket.updatedAt} title={t("queue.updatedAt", { time: formatDateTime(ticket.updatedAt, { timeZone: props.timeZone, withZone: true }) })}>
                    {formatRelative(ticket.updatedAt)}
                  </time>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
