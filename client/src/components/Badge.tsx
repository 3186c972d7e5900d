// Status and priority as text badges: the colour helps, the word carries the meaning.
import type { TicketPriority, TicketStatus } from "@caseroom/shared";
import { t } from "../i18n/index.ts";

export function StatusBadge(props: { status: TicketStatus; testId?: string }) {
  return (
    <span class={`badge status-${props.status}`} data-testid={props.testId} data-status={props.status}>
      {t(`status.${props.status}`)}
    </span>
  );
}

export function PriorityBadge(props: { priority: TicketPriority; testId?: string }) {
  return (
    <span class={`badge priority-${props.priority}`} data-testid={props.testId} data-priority={props.priority}>
      <span class="priority-mark" aria-hidden="true" />
      {t(`priority.${props.priority}`)}
    </span>
  );
}
