// Status, priority and assignee: each select saves as soon as it changes. `marks` shows, beside a
// field, who else is working on it.
import { For, Show, type JSX } from "solid-js";
import { ticketPriorities, ticketStatuses, type PatchTicketBody, type Ticket } from "@caseroom/shared";
import { t } from "../i18n/index.ts";
import { me, staff, staffName } from "../session.ts";
import { Field, SelectField } from "./Field.tsx";

type FieldName = "status" | "priority" | "assigneeId";
interface TicketFieldsProps {
  ticket: Ticket;
  onChange: (patch: PatchTicketBody) => void;
  disabled?: boolean;
  marks?: (field: FieldName) => JSX.Element;
}

/** The field each control edits, by the control's id (for focus tracking). */
export const ticketFieldOfControl: Record<string, FieldName> = {
  "ticket-status": "status",
  "ticket-priority": "priority",
  "ticket-assignee": "assigneeId",
};

export function TicketFields(props: TicketFieldsProps) {
  const myId = () => me()?.user.id;
  const label = (id: string, name: string) => (id === myId() ? t("presence.you", { name }) : name);
  // A former colleague still assigned keeps an option, so the select never lies.
  const orphanAssignee = () => {
    const id = props.ticket.assigneeId;
    return id && staff().length > 0 && !staff().some((m) => m.id === id) ? id : undefined;
  };

  return (
    <div class="ticket-fields">
      <div class="ticket-field">
        <SelectField
          id="ticket-status"
          testId="ticket-status"
          label={t("field.status")}
          options={ticketStatuses}
          labelOf={(status) => t(`status.${status}`)}
          value={props.ticket.status}
          disabled={props.disabled}
          onChange={(status) => props.onChange({ status })}
        />
        {props.marks?.("status")}
      </div>
      <div class="ticket-field">
        <SelectField
          id="ticket-priority"
          testId="ticket-priority"
          label={t("field.priority")}
          options={ticketPriorities}
          labelOf={(priority) => t(`priority.${priority}`)}
          value={props.ticket.priority}
          disabled={props.disabled}
          onChange={(priority) => props.onChange({ priority })}
        />
        {props.marks?.("priority")}
      </div>
      <div class="ticket-field">
        <Field id="ticket-assignee" label={t("field.assigneeId")}>
          <select
            id="ticket-assignee"
            data-testid="ticket-assignee"
            value={props.ticket.assigneeId ?? ""}
            disabled={props.disabled}
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
        </Field>
        {props.marks?.("assigneeId")}
      </div>
    </div>
  );
}
