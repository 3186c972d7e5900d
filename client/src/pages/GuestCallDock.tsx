// The call on the customer's page: when the support team has a call going on this ticket, a device
// check (camera and microphone preview, speaker test) and the consent line, then the call itself.
import { createResource, createSignal, onCleanup, Show } from "solid-js";
import { callApi } from "../calls/api.ts";
import { CallView } from "../calls/CallView.tsx";
import { DeviceCheck } from "../calls/DeviceCheck.tsx";
import { createLocalDevices } from "../calls/media.ts";
import { startSession, type CallSession } from "../calls/session.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { TranscriptPanel } from "../transcript/TranscriptPanel.tsx";
import type { GuestSocket } from "../guest/session.ts";
import { t } from "../i18n/index.ts";

export interface GuestCallDockProps {
  ticketId: string;
  guest: { id: string; name: string };
  socket: GuestSocket;
}

export function GuestCallDock(props: GuestCallDockProps) {
  const [current, { refetch }] = createResource(() => props.ticketId, (id) => callApi.current(id));
  const [checking, setChecking] = createSignal(false);
  const [consent, setConsent] = createSignal(false);
  const [session, setSession] = createSignal<CallSession>();
  const [error, setError] = createSignal<unknown>();
  let devices = createLocalDevices({ audio: true, video: true });
  // The guest namespace carries no call events: look for a call every few seconds while not in one.
  const poll = window.setInterval(() => !session() && void refetch(), 3000);
  onCleanup(() => {
    window.clearInterval(poll);
    session()?.close();
    devices.stop();
  });

  async function join() {
    const call = current()?.call;
    if (!call) return;
    setError(undefined);
    try {
      const { join: info } = await callApi.join(call.id);
      setSession(await startSession(call, info, "customer", devices));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div class="guest-call" data-testid="guest-call">
      <Show when={session()} fallback={
        <Show when={current()?.call} fallback={<p class="muted" data-testid="guest-no-call">{t("call.guest.none")}</p>}>
          <Show when={checking()} fallback={
            <button type="button" class="primary" onClick={() => setChecking(true)} data-testid="guest-call-check">
              {t("call.guest.incoming")}
            </button>
          }>
            <DeviceCheck devices={devices} consent={consent()} onConsent={setConsent} />
            <button type="button" class="primary" disabled={!consent()} onClick={() => void join()} data-testid="guest-call-join">
              {t("call.join")}
            </button>
          </Show>
        </Show>
      }>
        {(s) => (
          <>
            <CallView
              session={s()}
              canEnd={false}
              onClosed={() => {
                s().close();
                setSession(undefined);
                setChecking(false);
                devices = createLocalDevices({ audio: true, video: true });
                void refetch();
              }}
            />
            <TranscriptPanel callId={s().call.id} audience="customer" micTrack={s().devices.audio() ?? undefined} />
          </>
        )}
      </Show>
      <Show when={error()}>
        <ErrorMessage error={error()} />
      </Show>
    </div>
  );
}
