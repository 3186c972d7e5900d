// /guest — the customer's page, made for a phone first: who they are talking to, the call panel
// when there is a call, and the chat of their one ticket (public messages only). Nothing here
// uses the staff session; the guest cookie from /join is the only credential.
import { createResource, Match, onCleanup, Show, Switch } from "solid-js";
import { ApiError } from "../api.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { closeGuestSocket, guestApi, guestEnded, guestSocket, openGuestSocket } from "../guest/session.ts";
import { t } from "../i18n/index.ts";
import { GuestCallDock } from "./GuestCallDock.tsx";
import { GuestThread } from "../chat/GuestThread.tsx";

export function GuestPage() {
  const [me] = createResource(async () => {
    const found = await guestApi.me();
    openGuestSocket();
    return found;
  });
  onCleanup(closeGuestSocket);
  usePageTitle(() => (me() ? t("guest.heading", { number: me()!.ticket.number }) : t("app.loading")));
  const gone = () => guestEnded() !== null || (me.error instanceof ApiError && me.error.code === "unauthenticated");

  return (
    <main id="main" class="guest-page" data-testid="guest-page">
      <Switch>
        <Match when={gone()}>
          <div class="card guest-ended" role="status" data-testid="guest-ended">
            <p>{guestEnded() === "revoked" ? t("guest.endedRevoked") : ""} {t("guest.ended")}</p>
          </div>
        </Match>
        <Match when={me.error}>
          <ErrorMessage error={me.error} />
        </Match>
        <Match when={me.loading}>
          <p class="muted" aria-busy="true">{t("app.loading")}</p>
        </Match>
        <Match when={me()}>
          {(info) => (
            <>
              <header class="guest-head">
                <p class="brand">{t("app.name")}</p>
                <h1>{t("guest.heading", { number: info().ticket.number })}</h1>
                <p class="muted">
                  {t("guest.with", { org: info().org.name })} · {t("guest.hello", { name: info().guest.name })}
                </p>
              </header>
              <Show when={guestSocket()}>
                {(socket) => (
                  <>
                    {/* The call panel docks here (client/src/pages/GuestCallDock.tsx). */}
                    <section class="guest-call-slot" data-testid="guest-call-slot" aria-label={t("guest.callSlot")}>
                      <GuestCallDock ticketId={info().ticket.id} guest={info().guest} socket={socket()} />
                    </section>
                    <section class="guest-chat" aria-label={t("guest.chat")}>
                      <GuestThread ticketId={info().ticket.id} guest={info().guest} socket={socket()} />
                    </section>
                  </>
                )}
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </main>
  );
}
