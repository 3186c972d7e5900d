// Status, priority and assignee: each select saves as soon as it changes.
import { For, Show } from "solid-js";
import { ticketPriorities, ticketStatuses, type PatchTicketBody, type Ticket, type TicketPriority, type TicketStatus } from "@caseroom/shared";
import { t } from "../i18n/index.ts";
import { me, staff, staffName } from "../session.ts";

export function TicketFields(props: { ticket: Ticket; onChange: (patch: PatchTicketBody) => void }) {
  const myId = () => me()?.user.id;
  const label = (id: string, name: string) => (id === myId() ? t("presence.you", { name }) : name);
  // A former colleague still assigned keeps an option, so the select never lies.
  const orphanAssignee = () => {
    const id = props.ticket.assigneeId;
    return id && staff().length > 0 && !staff().some((m) => m.id === id) ? id : undefined;
  };

  return (
    <div class="ticket-fields">
      <div class="field">
        <label for="ticket-status">{t("field.status")}</label>
        <select
          id="ticket-status"
          data-testid="ticket-status"
          value={props.ticket.status}
          onChange={(e) => props.onChange({ status: e.currentTarget.value as TicketStatus })}
        >
          <For each={ticketStatuses}>
            {(status) => <option value={status} selected={props.ticket.status === status}>{t(`status.${status}`)}</option>}
          </For>
        </select>
      </div>
      <div class="field">
        <label for="ticket-priority">{t("field.priority")}</label>
        <select
          id="ticket-priority"
          data-testid="ticket-priority"
          value={props.ticket.priority}
          onChange={(e) => props.onChange({ priority: e.currentTarget.value as TicketPriority })}
        >
          <For each={ticketPriorities}>
            {(priority) => <option value={priority} selected={props.ticket.priority === priority}>{t(`priority.${priority}`)}</option>}
          </For>
        </select>
      </div>
      <div class="field">
        <label for="ticket-assignee">{t("field.assigneeId")}</label>
        <select
          id="ticket-assignee"
          data-testid="ticket-assignee"
          value={props.ticket.assigneeId ?? ""}
          onChange={(e) => props.onChange({ assigneeId: e.currentTarget.value || null })}
        >
          <option value="" selected={!props.ticket.assigneeId}>{t("ticket.unassigned")}</option>
          <For each={staff()}>
            {(member) => (
              <option value={member.id} selected={props.ticket.assigneeId === member.id}>
                {label(member.id, member.name)}
              </option>
            )}
          </For>
          <Show when={orphanAssignee()}>
            {(id) => <option value={id()} selected>{staffName(id())}</option>}
          </Show>
        </select>
      </div>
    </div>
  );
}
