// One ticket, live. The page loads the ticket row from the API and follows `ticket:changed`; the
// workspace (loaded on demand: the editor and Yjs are most of the app's weight) opens the ticket's
// shared document and lets people edit it together.
import { createEffect, createMemo, createSignal, lazy, on, Show, Suspense } from "solid-js";
import { A, useParams } from "@solidjs/router";
import { TicketSchema, type Ticket } from "@caseroom/shared";
import { ApiError, api } from "../api.ts";
import { CallPanel } from "../calls/CallPanel.tsx";
import { TicketChat } from "../chat/TicketChat.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { userColor } from "../components/userColor.ts";
import { t } from "../i18n/index.ts";
import { isNewer } from "../queue.ts";
import { me } from "../session.ts";
import { useSocketEvent } from "../socket.ts";

const TicketWorkspace = lazy(() => import("../components/TicketWorkspace.tsx").then((m) => ({ default: m.TicketWorkspace })));

export function TicketPage() {
  const params = useParams<{ id: string }>();
  const [ticket, setTicket] = createSignal<Ticket>();
  const [loadError, setLoadError] = createSignal<unknown>();
  const [changedBy, setChangedBy] = createSignal<string | null>();
  // The same object while the same person is logged in (a language switch must not reconnect).
  const presenceUser = createMemo(
    () => {
      const user = me()?.user;
      return user ? { id: user.id, name: user.name, color: userColor(user.id) } : undefined;
    },
    undefined,
    { equals: (a, b) => a?.id === b?.id },
  );
  usePageTitle(() => ticket()?.title ?? t("app.loading"));

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
    setChangedBy(undefined);
    void load(id);
  }));

  useSocketEvent("ticket:changed", ({ ticket: raw, actorId }) => {
    const parsed = TicketSchema.safeParse(raw);
    if (!parsed.success || parsed.data.id !== params.id || !isNewer(parsed.data, ticket())) return;
    setTicket(parsed.data);
    if (actorId && actorId !== me()?.user.id) setChangedBy(actorId);
  });

  const loading = <p class="muted" aria-busy="true">{t("app.loading")}</p>;
  return (
    <>
      <p class="back-link">
        <A href="/">{t("ticket.back")}</A>
      </p>
      {/* The call dock: start or join the ticket's call (client/src/calls). */}
      <Show when={ticket()?.id} keyed>{(id) => <CallPanel ticketId={id} />}</Show>
      <Show when={loadError() && !ticket()}>
        <Show when={notFound()} fallback={<ErrorMessage error={loadError()} />}>
          <p class="empty-state" data-testid="ticket-not-found">{t("ticket.notFound")}</p>
        </Show>
      </Show>
      <Show when={!loadError() && !ticket()}>{loading}</Show>
      <Suspense fallback={loading}>
        {/* Another ticket id empties `ticket` first, so each ticket gets its own workspace. */}
        <Show when={ticket()}>
          {(row) => (
            <Show when={presenceUser()} keyed>
              {(user) => (
                <TicketWorkspace
                  ticket={row()}
                  user={user}
                  changedBy={changedBy()}
                  onEdit={() => setChangedBy(undefined)}
                  // A 4401 from the document means the session ended: asking the API signs us out.
                  onSessionEnded={() => void api.me().catch(() => {})}
                />
              )}
            </Show>
          )}
        </Show>
      </Suspense>
      {/* The chat with the customer and internal notes (its header has the invite button). */}
      <Show when={ticket()?.id} keyed>{(id) => <TicketChat ticketId={id} />}</Show>
    </>
  );
}
