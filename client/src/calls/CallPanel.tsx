// The call dock of the ticket page: start the ticket's call (or join the one in progress), then the
// call view. Staff only; the customer's side is client/src/pages/GuestCallDock.tsx.
import { createResource, createSignal, onCleanup, Show } from "solid-js";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { t } from "../i18n/index.ts";
import { me } from "../session.ts";
import { callApi } from "./api.ts";
import { CallView } from "./CallView.tsx";
import { TranscriptPanel } from "../transcript/TranscriptPanel.tsx";
import { startSession, type CallSession } from "./session.ts";

export function CallPanel(props: { ticketId: string }) {
  const [current, { refetch }] = createResource(() => props.ticketId, (id) => callApi.current(id));
  const [session, setSession] = createSignal<CallSession>();
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  // Someone else may start the call meanwhile: look again now and then while idle.
  const poll = window.setInterval(() => !session() && void refetch(), 5000);
  onCleanup(() => {
    window.clearInterval(poll);
    session()?.close();
  });

  async function go() {
    setBusy(true);
    setError(undefined);
    try {
      const existing = current()?.call;
      const { call, join } = existing ? await callApi.join(existing.id) : await callApi.start(props.ticketId);
      setSession(await startSession(call, join, me()?.user.role ?? "technician"));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="call-panel" data-testid="call-panel" aria-label={t("call.heading")}>
      <Show
        when={session()}
        fallback={
          <div class="call-start">
            <button type="button" class="primary" disabled={busy() || current.loading} onClick={() => void go()} data-testid="call-start">
              {current()?.call ? t("call.join") : t("call.start")}
            </button>
            <Show when={current()?.call}>
              <span class="muted" data-testid="call-in-progress">{t("call.inProgress")}</span>
            </Show>
            <Show when={error()}>
              <ErrorMessage error={error()} />
            </Show>
          </div>
        }
      >
        {(s) => (
          <div class="call-with-transcript">
            <CallView
              session={s()}
              canEnd
              onClosed={() => {
                s().close();
                setSession(undefined);
                void refetch();
              }}
            />
            {/* A monitoring supervisor is not heard, so their microphone is not transcribed. */}
            <TranscriptPanel callId={s().call.id} audience="staff" micTrack={s().transport.mode() === "monitor" ? undefined : (s().devices.audio() ?? undefined)} />
          </div>
        )}
      </Show>
    </section>
  );
}
