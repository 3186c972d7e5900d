// The ticket's title, edited in place: Edit → input → Save (Enter) or Cancel (Escape).
// While editing, a colleague's live change does not overwrite the draft.
import { createSignal, Show } from "solid-js";
import type { Ticket } from "@caseroom/shared";
import { t } from "../i18n/index.ts";

const TITLE_MAX = 200;

export function TicketTitle(props: { ticket: Ticket; onSave: (title: string) => Promise<boolean>; disabled?: boolean }) {
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal("");
  const [missing, setMissing] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  let input: HTMLInputElement | undefined;
  let editButton: HTMLButtonElement | undefined;

  const start = () => {
    setDraft(props.ticket.title);
    setMissing(false);
    setEditing(true); // the input focuses itself when it mounts
  };
  const stop = () => {
    setEditing(false);
    queueMicrotask(() => editButton?.focus());
  };
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    const title = draft().trim();
    if (!title) {
      setMissing(true);
      input?.focus();
      return;
    }
    if (title === props.ticket.title) return stop();
    setBusy(true);
    const ok = await props.onSave(title);
    setBusy(false);
    if (ok) stop();
  };

  return (
    <Show
      when={editing()}
      fallback={
        <div class="title-view">
          <h1 data-testid="ticket-title">{props.ticket.title}</h1>
          <button ref={editButton} type="button" class="button-secondary button-small" data-testid="ticket-title-edit" disabled={props.disabled} onClick={start}>
            {t("ticket.editTitle")}
          </button>
        </div>
      }
    >
      <form class="title-edit" onSubmit={save} noValidate>
        <label for="ticket-title-input" class="sr-only">{t("field.title")}</label>
        <input
          ref={(el) => {
            input = el;
            queueMicrotask(() => {
              el.focus();
              el.select();
            });
          }}
          id="ticket-title-input"
          data-testid="ticket-title-input"
          class="title-input"
          type="text"
          required
          maxLength={TITLE_MAX}
          value={draft()}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") stop();
          }}
          aria-invalid={missing()}
          aria-describedby={missing() ? "ticket-title-error" : undefined}
        />
        <button type="submit" class="button-primary" data-testid="ticket-title-save" disabled={busy()}>
          {t("ticket.save")}
        </button>
        <button type="button" class="button-secondary" onClick={stop}>
          {t("ticket.cancel")}
        </button>
        <Show when={missing()}>
          <p id="ticket-title-error" class="field-error">{t("newTicket.titleRequired")}</p>
        </Show>
      </form>
    </Show>
  );
}
