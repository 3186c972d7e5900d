// One ticket, live: fields save as they change, colleagues' changes arrive over the socket, and the
// "viewing now" list comes from watching the ticket's room (re-watched after every reconnect).
import { createEffect, createSignal, on, onCleanup, Show } from "solid-js";
import { A, useParams } from "@solidjs/router";
import { TicketSchema, type OnlineUser, type PatchTicketBody, type Ticket } from "@caseroom/shared";
import { ApiError, api } from "../api.ts";
import { AvatarList } from "../components/Avatar.tsx";
import { PriorityBadge, StatusBadge } from "../components/Badge.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { TicketFields } from "../components/TicketFields.tsx";
import { TicketTitle } from "../components/TicketTitle.tsx";
import { formatDateTime, formatRelative, t } from "../i18n/index.ts";
import { isNewer } from "../queue.ts";
import { me, staffName } from "../session.ts";
import { useOnConnect, useSocketEvent } from "../socket.ts";

type SaveState = "idle" | "saving" | "saved";
const SAVED_NOTE_MS = 3_000;

export function TicketPage() {
  const params = useParams<{ id: string }>();
  const [ticket, setTicket] = createSignal<Ticket>();
  const [loadError, setLoadError] = createSignal<unknown>();
  const [saveError, setSaveError] = createSignal<unknown>();
  const [saveState, setSaveState] = createSignal<SaveState>("idle");
  const [viewers, setViewers] = createSignal<OnlineUser[]>([]);
  const [changedBy, setChangedBy] = createSignal<string | null>();
  usePageTitle(() => ticket()?.title ?? t("app.loading"));

  const timeZone = () => me()?.org.timeZone;
  let savedTimer: number | undefined;
  onCleanup(() => window.clearTimeout(savedTimer));
  const notFound = () => {
    const err = loadError();
    return err instanceof ApiError && (err.code === "not_found" || err.code === "validation_failed");
  };

  async function load(id: string) {
    try {
      const { ticket: fetched } = await api.getTicket(id);
      if (params.id === id && isNewer(fetched, ticket())) setTicket(fetched);
    } catch (err) {
      if (params.id === id) setLoadError(err);
    }
  }

  createEffect(on(() => params.id, (id) => {
    setTicket(undefined);
    setLoadError(undefined);
    setSaveError(undefined);
    setSaveState("idle");
    setChangedBy(undefined);
    setViewers([]);
    void load(id);
    // Join the ticket's room for "viewing now"; leaving the page (or this id) leaves it.
    useOnConnect(
      (s) => s.emit("ticket:watch", { ticketId: id }, (ack) => {
        if (ack.ok && params.id === id) setViewers(ack.data.users);
      }),
      (s) => s.emit("ticket:unwatch", { ticketId: id }, () => {}),
    );
  }));

  useSocketEvent("ticket:viewers", ({ ticketId, users }) => {
    if (ticketId === params.id) setViewers(users);
  });
  useSocketEvent("ticket:changed", ({ ticket: raw, actorId }) => {
    const parsed = TicketSchema.safeParse(raw);
    if (!parsed.success || parsed.data.id !== params.id || !isNewer(parsed.data, ticket())) return;
    setTicket(parsed.data);
    if (actorId && actorId !== me()?.user.id) {
      setChangedBy(actorId);
      setSaveState("idle");
    }
  });

  async function save(patch: PatchTicketBody): Promise<boolean> {
    const current = ticket();
    if (!current) return false;
    setTicket({ ...current, ...patch }); // optimistic; the answer (or a refetch) settles it
    setSaveState("saving");
    setSaveError(undefined);
    setChangedBy(undefined);
    try {
      const { ticket: saved } = await api.patchTicket(current.id, patch);
      if (isNewer(saved, ticket())) setTicket(saved);
      setSaveState("saved");
      window.clearTimeout(savedTimer);
      savedTimer = window.setTimeout(() => setSaveState((s) => (s === "saved" ? "idle" : s)), SAVED_NOTE_MS);
      return true;
    } catch (err) {
      setSaveError(err);
      setSaveState("idle");
      setTicket(current);
      void load(current.id);
      return false;
    }
  }

  return (
    <>
      <p class="back-link">
        <A href="/">{t("ticket.back")}</A>
      </p>
      <Show when={loadError() && !ticket()}>
        <Show when={notFound()} fallback={<ErrorMessage error={loadError()} />}>
          <p class="empty-state" data-testid="ticket-not-found">{t("ticket.notFound")}</p>
        </Show>
      </Show>
      <Show when={!loadError() && !ticket()}>
        <p class="muted" aria-busy="true">{t("app.loading")}</p>
      </Show>
      <Show when={ticket()}>
        {(current) => (
          <article class="ticket" data-testid="ticket-page" data-ticket-id={current().id}>
            <header class="ticket-head">
              <p class="ticket-meta-line">
                <span class="muted ticket-number" data-testid="ticket-number">{t("ticket.number", { number: String(current().number) })}</span>
                <StatusBadge status={current().status} />
                <PriorityBadge priority={current().priority} />
              </p>
              <TicketTitle ticket={current()} onSave={(title) => save({ title })} />
            </header>

            <div class="live-region" role="status" data-testid="ticket-save-state" data-state={saveState()}>
              <Show when={saveState() === "saving"}><span class="muted">{t("ticket.saving")}</span></Show>
              <Show when={saveState() === "saved"}><span class="muted">{t("ticket.saved")}</span></Show>
              <Show when={changedBy()}>
                {(actor) => <span class="alert alert-info" data-testid="ticket-changed-by">{t("ticket.changedBy", { name: staffName(actor()) })}</span>}
              </Show>
            </div>
            <Show when={saveError()}>
              <ErrorMessage error={saveError()} onDismiss={() => setSaveError(undefined)} />
            </Show>

            <div class="ticket-body">
              <section class="card ticket-description" aria-labelledby="ticket-description-heading">
                <h2 id="ticket-description-heading">{t("field.description")}</h2>
                <Show when={current().description.trim()} fallback={<p class="muted">{t("ticket.noDescription")}</p>}>
                  <p class="prewrap" data-testid="ticket-description">{current().description}</p>
                </Show>
              </section>

              <aside class="ticket-side">
                <section class="card" aria-labelledby="ticket-details-heading">
                  <h2 id="ticket-details-heading">{t("ticket.details")}</h2>
                  <TicketFields ticket={current()} onChange={(patch) => void save(patch)} />
                  <dl class="facts">
                    <dt>{t("ticket.createdBy")}</dt>
                    <dd>{staffName(current().createdBy)}</dd>
                    <dt>{t("ticket.createdAt")}</dt>
                    <dd>
                      <time data-testid="ticket-created-at" datetime={current().createdAt}>
                        {formatDateTime(current().createdAt, { timeZone: timeZone(), withZone: true })}
                      </time>
                    </dd>
                    <dt>{t("ticket.updatedAt")}</dt>
                    <dd>
                      <time data-testid="ticket-updated-at" datetime={current().updatedAt}>
                        {formatDateTime(current().updatedAt, { timeZone: timeZone(), withZone: true })}
                      </time>
                      <span class="muted fact-note">{formatRelative(current().updatedAt)}</span>
                    </dd>
                  </dl>
                </section>

                <section class="card" aria-labelledby="ticket-viewers-heading">
                  <h2 id="ticket-viewers-heading">{t("ticket.viewers")}</h2>
                  <AvatarList users={viewers()} myId={me()?.user.id} labelledBy="ticket-viewers-heading" testId="ticket-viewers" />
                </section>
              </aside>
            </div>
          </article>
        )}
      </Show>
    </>
  );
}
