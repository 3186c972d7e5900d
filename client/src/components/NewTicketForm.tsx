// Creating a ticket from the queue. The new ticket also arrives over the socket; the queue merges
// both, so it appears once.
import { createSignal, Show } from "solid-js";
import { ticketPriorities, type Ticket, type TicketPriority } from "@caseroom/shared";
import { api } from "../api.ts";
import { t } from "../i18n/index.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";
import { Field, SelectField, TextField } from "./Field.tsx";

const TITLE_MAX = 200;
const DESCRIPTION_MAX = 20_000;

export function NewTicketForm(props: { onCreated: (ticket: Ticket) => void; onCancel: () => void }) {
  const [title, setTitle] = createSignal("");
  const [priority, setPriority] = createSignal<TicketPriority>("normal");
  const [description, setDescription] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [titleMissing, setTitleMissing] = createSignal(false);
  let titleInput: HTMLInputElement | undefined;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    if (!title().trim()) {
      setTitleMissing(true);
      titleInput?.focus();
      return;
    }
    setTitleMissing(false);
    setBusy(true);
    try {
      const { ticket } = await api.createTicket({
        title: title().trim(),
        priority: priority(),
        ...(description().trim() ? { description: description() } : {}),
      });
      setTitle("");
      setDescription("");
      setPriority("normal");
      props.onCreated(ticket);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card new-ticket" onSubmit={submit} noValidate aria-labelledby="new-ticket-heading" data-testid="new-ticket-form">
      <h2 id="new-ticket-heading">{t("newTicket.heading")}</h2>
      <Show when={error()}>
        <ErrorMessage error={error()} onDismiss={() => setError(undefined)} />
      </Show>
      <div class="form-row">
        <TextField
          ref={titleInput}
          id="new-ticket-title"
          testId="new-ticket-title"
          label={t("field.title")}
          grow
          type="text"
          required
          maxLength={TITLE_MAX}
          autofocus
          placeholder={t("newTicket.titlePlaceholder")}
          value={title()}
          onInput={setTitle}
          error={titleMissing() ? t("newTicket.titleRequired") : undefined}
        />
        <SelectField
          id="new-ticket-priority"
          testId="new-ticket-priority"
          label={t("field.priority")}
          options={ticketPriorities}
          labelOf={(p) => t(`priority.${p}`)}
          value={priority()}
          onChange={setPriority}
        />
      </div>
      <Field id="new-ticket-description" label={t("field.description")} note={t("field.optional")}>
        <textarea
          id="new-ticket-description"
          data-testid="new-ticket-description"
          rows={4}
          maxLength={DESCRIPTION_MAX}
          value={description()}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </Field>
      <div class="form-actions">
        <button type="submit" class="button-primary" data-testid="new-ticket-submit" disabled={busy()}>
          {busy() ? t("newTicket.submitting") : t("newTicket.submit")}
        </button>
        <button type="button" class="button-secondary" onClick={() => props.onCancel()}>
          {t("newTicket.cancel")}
        </button>
      </div>
    </form>
  );
}
