// /calls — supervisors and admins: the organisation's calls in progress, with who is in each, and
// buttons to listen in unseen (monitor), speak to the technician only (whisper) or join openly (barge).
import { createResource, createSignal, For, onCleanup, Show } from "solid-js";
import { A } from "@solidjs/router";
import type { CallMode, LiveCall } from "@caseroom/shared";
import { callApi } from "../calls/api.ts";
import { CallView } from "../calls/CallView.tsx";
import { startSession, type CallSession } from "../calls/session.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { t } from "../i18n/index.ts";
import { me } from "../session.ts";
import { TranscriptPanel } from "../transcript/TranscriptPanel.tsx";

export function LiveCallsPage() {
  usePageTitle(() => t("calls.title"));
  const [calls, { refetch }] = createResource(() => callApi.live());
  const [session, setSession] = createSignal<CallSession>();
  const [error, setError] = createSignal<unknown>();
  const poll = window.setInterval(() => void refetch(), 3000);
  onCleanup(() => {
    window.clearInterval(poll);
    session()?.close();
  });

  async function supervise(call: LiveCall, mode: Exclude<CallMode, "participant">) {
    setError(undefined);
    try {
      const res = await callApi.join(call.id, mode);
      setSession(await startSession(res.call, res.join, me()?.user.role ?? "supervisor"));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <main id="main" class="live-calls" data-testid="live-calls">
      <h1>{t("calls.title")}</h1>
      <Show when={error() ?? calls.error}>
        <ErrorMessage error={error() ?? calls.error} />
      </Show>
      <Show when={session()}>
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
            {/* The supervisor follows the transcript too; while monitoring, their own microphone is not heard or transcribed. */}
            <TranscriptPanel callId={s().call.id} audience="staff" micTrack={s().transport.mode() === "monitor" ? undefined : (s().devices.audio() ?? undefined)} />
          </div>
        )}
      </Show>
      <Show when={calls()?.calls.length === 0}>
        <p class="empty-state" data-testid="live-calls-empty">{t("calls.none")}</p>
      </Show>
      <ul class="live-call-list">
        <For each={calls()?.calls ?? []}>
          {(call) => (
            <li class="card" data-testid="live-call" data-call-id={call.id}>
              <A href={`/tickets/${call.ticketId}`}>#{call.ticketNumber} {call.ticketTitle}</A>
              <p class="muted">{call.participants.map((p) => `${p.name || t(p.kind === "customer" ? "call.customer" : "call.staff")}${p.mode !== "participant" ? ` (${t(`call.mode.${p.mode}`)})` : ""}`).join(", ")}</p>
              <Show when={!session()}>
                <span role="group" aria-label={t("call.supervise")}>
                  <For each={["monitor", "whisper", "barge"] as const}>
                    {(m) => (
                      <button type="button" onClick={() => void supervise(call, m)} data-testid={`live-call-${m}`}>
                        {t(`call.mode.${m}`)}
                      </button>
                    )}
                  </For>
                </span>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </main>
  );
}
