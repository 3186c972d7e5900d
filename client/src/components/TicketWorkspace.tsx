// The ticket as people work on it together: title and fields, shared notes and checklist, who is
// here and where, and whether our edits are reaching the others. Opens the ticket's document when
// it mounts and closes it when it goes; for the fields the document owns, its values win over the
// row's as soon as it has loaded.
import { createMemo, onCleanup, Show } from "solid-js";
import type { PatchTicketBody, Ticket } from "@caseroom/shared";
import { openTicketCollab, type PresenceUser, type TicketCollab } from "../collab/ticketCollab.ts";
import { formatDateTime, formatRelative, t } from "../i18n/index.ts";
import { me, staffName } from "../session.ts";
import { PriorityBadge, StatusBadge } from "./Badge.tsx";
import { Checklist } from "./Checklist.tsx";
import { CollabFailureMessage, CollabStatus, CollisionHint, FocusMarks, PeerAvatars, trackFocus } from "./CollabPresence.tsx";
import { NotesEditor } from "./NotesEditor.tsx";
import { ticketFieldOfControl, TicketFields } from "./TicketFields.tsx";
import { TicketTitle } from "./TicketTitle.tsx";

interface Props {
  /** The row from the API; its id must not change for the life of the workspace. */
  ticket: Ticket;
  user: PresenceUser;
  /** A colleague who changed the ticket last, for the "Updated by" note. */
  changedBy: string | null | undefined;
  /** Called when this user edits, to clear that note. */
  onEdit: () => void;
  /** The server said the session has ended. */
  onSessionEnded: () => void;
}

function withDocFields(row: Ticket, collab: TicketCollab): Ticket {
  if (!collab.loaded()) return row;
  const { title, status, priority, assigneeId } = collab.fields;
  return {
    ...row,
    title: title ?? row.title,
    status: status ?? row.status,
    priority: priority ?? row.priority,
    assigneeId: assigneeId === undefined ? row.assigneeId : assigneeId,
  };
}

export function TicketWorkspace(props: Props) {
  const collab = openTicketCollab(props.ticket.id, props.user, { onSessionEnded: () => props.onSessionEnded() });
  onCleanup(() => collab.destroy());
  const ticket = createMemo(() => withDocFields(props.ticket, collab));
  const editable = () => collab.loaded() && !collab.failure();
  const timeZone = () => me()?.org.timeZone;

  const setFields = (patch: PatchTicketBody) => {
    props.onEdit();
    if (patch.title !== undefined) collab.setField("title", patch.title);
    if (patch.status !== undefined) collab.setField("status", patch.status);
    if (patch.priority !== undefined) collab.setField("priority", patch.priority);
    if (patch.assigneeId !== undefined) collab.setField("assigneeId", patch.assigneeId);
  };
  const titleFocus = trackFocus(collab, (target) => (target instanceof HTMLInputElement && target.id === "ticket-title-input" ? "title" : null));
  const fieldFocus = trackFocus(collab, (target) => (target instanceof HTMLElement ? (ticketFieldOfControl[target.id] ?? null) : null));

  return (
    <article class="ticket" data-testid="ticket-page" data-ticket-id={ticket().id} data-loaded={collab.loaded() ? "true" : "false"}>
      <header class="ticket-head" onFocusIn={titleFocus.onFocusIn} onFocusOut={titleFocus.onFocusOut}>
        <p class="ticket-meta-line">
          <span class="muted ticket-number" data-testid="ticket-number">{t("ticket.number", { number: String(ticket().number) })}</span>
          <StatusBadge status={ticket().status} />
          <PriorityBadge priority={ticket().priority} />
        </p>
        <div class="ticket-title-row">
          <TicketTitle
            ticket={ticket()}
            disabled={!editable()}
            onSave={async (title) => {
              setFields({ title });
              return true;
            }}
          />
          <FocusMarks collab={collab} focus="title" />
        </div>
      </header>

      <div class="collab-bar">
        <CollabStatus collab={collab} />
        <h2 id="ticket-people-heading" class="sr-only">{t("collab.people")}</h2>
        <PeerAvatars collab={collab} labelledBy="ticket-people-heading" />
        <CollisionHint collab={collab} />
        <span class="changed-by-slot" role="status">
          <Show when={props.changedBy}>
            {(actor) => <span class="alert alert-info" data-testid="ticket-changed-by">{t("ticket.changedBy", { name: staffName(actor()) })}</span>}
          </Show>
        </span>
      </div>
      <CollabFailureMessage collab={collab} />

      <div class="ticket-body">
        <div class="ticket-main">
          <section class="card ticket-description" aria-labelledby="ticket-description-heading">
            <h2 id="ticket-description-heading">{t("field.description")}</h2>
            <Show when={ticket().description.trim()} fallback={<p class="muted">{t("ticket.noDescription")}</p>}>
              <p class="prewrap" data-testid="ticket-description">{ticket().description}</p>
            </Show>
          </section>

          <section class="card ticket-notes" aria-labelledby="ticket-notes-heading">
            <div class="card-head">
              <h2 id="ticket-notes-heading">{t("notes.heading")}</h2>
              <FocusMarks collab={collab} focus="notes" />
            </div>
            <p id="ticket-notes-help" class="muted notes-help">{t("notes.help")}</p>
            <NotesEditor collab={collab} labelledBy="ticket-notes-heading" describedBy="ticket-notes-help" editable={editable()} />
          </section>

          <section class="card ticket-checklist" aria-labelledby="ticket-checklist-heading">
            <h2 id="ticket-checklist-heading">{t("checklist.heading")}</h2>
            <Checklist collab={collab} editable={editable()} labelledBy="ticket-checklist-heading" />
          </section>
        </div>

        <aside class="ticket-side">
          <section class="card" aria-labelledby="ticket-details-heading" onFocusIn={fieldFocus.onFocusIn} onFocusOut={fieldFocus.onFocusOut}>
            <h2 id="ticket-details-heading">{t("ticket.details")}</h2>
            <TicketFields ticket={ticket()} disabled={!editable()} onChange={setFields} marks={(field) => <FocusMarks collab={collab} focus={field} />} />
            <dl class="facts">
              <dt>{t("ticket.createdBy")}</dt>
              <dd>{staffName(ticket().createdBy)}</dd>
              <dt>{t("ticket.createdAt")}</dt>
              <dd>
                <time data-testid="ticket-created-at" datetime={ticket().createdAt}>
                  {formatDateTime(ticket().createdAt, { timeZone: timeZone(), withZone: true })}
                </time>
              </dd>
              <dt>{t("ticket.updatedAt")}</dt>
              <dd>
                <time data-testid="ticket-updated-at" datetime={ticket().updatedAt}>
                  {formatDateTime(ticket().updatedAt, { timeZone: timeZone(), withZone: true })}
                </time>
                <span class="muted fact-note">{formatRelative(ticket().updatedAt)}</span>
              </dd>
            </dl>
          </section>
        </aside>
      </div>
    </article>
  );
}
