// The call itself: video tiles (with each remote stream also playing through an <audio> element, which
// is what makes it audible and reachable by Web Audio), mute, camera, screen share, device switch,
// network quality from getStats, a timer, leave/end, and a supervisor's monitor/whisper/barge switch.
import { createEffect, createSignal, For, onCleanup, Show } from "solid-js";
import type { CallMode } from "@caseroom/shared";
import { t, type MessageKey } from "../i18n/index.ts";
import { callApi } from "./api.ts";
import type { CallSession } from "./session.ts";
import { qualityOf, type PeerStats, type Quality, type RemotePeer } from "./transport.ts";

export interface CallViewProps {
  session: CallSession;
  /** Staff may end the call for everyone. */
  canEnd: boolean;
  onClosed(): void;
}

function MediaOut(props: { stream: MediaStream; kind: "audio" | "video"; sinkId?: string; muted?: boolean }) {
  let el: HTMLMediaElement | undefined;
  createEffect(() => {
    if (!el) return;
    el.srcObject = props.stream;
    void el.play().catch(() => {});
  });
  createEffect(() => {
    const sink = props.sinkId;
    const media = el as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
    if (sink !== undefined && media?.setSinkId) void media.setSinkId(sink).catch(() => {});
  });
  return props.kind === "video" ? (
    <video ref={(e) => (el = e)} autoplay playsinline muted class="call-video" />
  ) : (
    <audio ref={(e) => (el = e)} autoplay muted={props.muted ?? false} data-testid="call-audio" />
  );
}

const qualityKey: Record<Quality, MessageKey> = { good: "call.quality.good", fair: "call.quality.fair", poor: "call.quality.poor", unknown: "call.quality.unknown" };
const modeKey: Record<CallMode, MessageKey> = { participant: "call.mode.participant", monitor: "call.mode.monitor", whisper: "call.mode.whisper", barge: "call.mode.barge" };

export function CallView(props: CallViewProps) {
  const s = props.session;
  const tr = s.transport;
  const [stats, setStats] = createSignal(new Map<string, PeerStats>());
  const [now, setNow] = createSignal(Date.now());
  const [sinkId, setSinkId] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const timer = window.setInterval(async () => {
    setNow(Date.now());
    setStats(await tr.stats().catch(() => new Map()));
  }, 1000);
  onCleanup(() => window.clearInterval(timer));
  createEffect(() => {
    if (tr.ended()) props.onClosed();
  });

  const visible = () => tr.peers().filter((p) => p.visible);
  const hiddenBytes = (kind: "audioBytesIn" | "videoBytesIn") => tr.peers().filter((p) => !p.visible).reduce((sum, p) => sum + (stats().get(p.id)?.[kind] ?? 0), 0);
  const elapsed = () => {
    const total = Math.max(0, Math.floor((now() - Date.parse(s.call.startedAt)) / 1000));
    const mm = String(Math.floor(total / 60)).padStart(2, "0");
    const ss = String(total % 60).padStart(2, "0");
    return `${mm}:${ss}`;
  };
  const worst = () => {
    const order = ["poor", "fair", "good", "unknown"] as const;
    const qs = visible().map((p) => qualityOf(stats().get(p.id)));
    return order.find((q) => qs.includes(q)) ?? "unknown";
  };
  const supervisor = () => s.kind === "supervisor" || s.kind === "admin";

  async function switchMode(mode: Exclude<CallMode, "participant">) {
    setBusy(true);
    try {
      await callApi.setMode(s.call.id, mode);
      await tr.modeChanged(mode);
    } finally {
      setBusy(false);
    }
  }
  async function leave(end: boolean) {
    setBusy(true);
    try {
      if (end) await callApi.end(s.call.id);
      else await callApi.leave(s.call.id);
    } catch {
      /* the call may be gone already: leave locally anyway */
    }
    s.close();
    props.onClosed();
  }

  const tile = (p: RemotePeer) => {
    const st = () => stats().get(p.id);
    return (
      <figure
        class="call-tile"
        data-testid="call-tile"
        data-peer-id={p.id}
        data-kind={p.kind ?? ""}
        data-mode={p.mode ?? ""}
        data-audio-bytes={st()?.audioBytesIn ?? 0}
        data-video-bytes={st()?.videoBytesIn ?? 0}
      >
        <MediaOut stream={p.stream} kind="video" />
        <MediaOut stream={p.stream} kind="audio" sinkId={sinkId()} />
        <figcaption>
          {p.name || t(p.kind === "customer" ? "call.customer" : "call.staff")}
          <Show when={p.mode && p.mode !== "participant"}> · {t(modeKey[p.mode!] as "call.mode.monitor")}</Show>
          <span class={`call-quality call-quality-${qualityOf(st())}`}>{t(qualityKey[qualityOf(st())] as "call.quality.good")}</span>
        </figcaption>
      </figure>
    );
  };

  const deviceOptions = (kind: MediaDeviceKind) => s.devices.devices().filter((d) => d.kind === kind);

  return (
    <section class="call-view card" data-testid="call-view" data-mode={tr.mode()} data-hidden-audio-bytes={hiddenBytes("audioBytesIn")} aria-label={t("call.heading")}>
      <header class="call-head">
        <strong>{t("call.heading")}</strong>
        <span class="call-timer" data-testid="call-timer" aria-label={t("call.duration")}>{elapsed()}</span>
        <span data-testid="call-participant-count">{t("call.participants", { count: visible().length + 1 })}</span>
        <span class={`call-quality call-quality-${worst()}`} data-testid="call-quality">{t(qualityKey[worst()] as "call.quality.good")}</span>
        <Show when={tr.mode() !== "participant"}>
          <span class="badge" data-testid="call-my-mode">{t(modeKey[tr.mode()] as "call.mode.monitor")}</span>
        </Show>
      </header>
      <Show when={tr.error()}>
        <p class="error" role="alert">{t("call.error", { code: tr.error()! })}</p>
      </Show>
      <div class="call-tiles">
        <figure class="call-tile call-tile-self" data-testid="call-tile-self">
          <Show when={s.devices.video()}>{(track) => <MediaOut stream={new MediaStream([track()])} kind="video" />}</Show>
          <figcaption>{t("call.you")}</figcaption>
        </figure>
        <For each={visible()}>{tile}</For>
        <Show when={visible().length === 0}>
          <p class="muted" data-testid="call-waiting">{t("call.waiting")}</p>
        </Show>
      </div>
      <div class="call-controls" role="toolbar" aria-label={t("call.controls")}>
        <button type="button" onClick={() => s.devices.toggleMic()} aria-pressed={!s.devices.micOn()} disabled={!s.devices.audio()} data-testid="call-mute">
          {s.devices.micOn() ? t("call.mute") : t("call.unmute")}
        </button>
        <Show when={s.devices.camera()}>
          <button type="button" onClick={() => s.devices.toggleCam()} aria-pressed={!s.devices.camOn()} data-testid="call-camera">
            {s.devices.camOn() ? t("call.cameraOff") : t("call.cameraOn")}
          </button>
        </Show>
        <Show when={tr.mode() === "participant" || tr.mode() === "barge"}>
          <button type="button" onClick={() => (s.devices.sharing() ? s.devices.stopSharing() : void s.devices.shareScreen())} data-testid="call-screen">
            {s.devices.sharing() ? t("call.stopSharing") : t("call.shareScreen")}
          </button>
        </Show>
        <label>
          {t("call.microphone")}
          <select onChange={(e) => void s.devices.switchDevice("audioinput", e.currentTarget.value)}>
            <For each={deviceOptions("audioinput")}>{(d, i) => <option value={d.deviceId}>{d.label || t("call.deviceN", { n: i() + 1 })}</option>}</For>
          </select>
        </label>
        <Show when={s.devices.camera()}>
          <label>
            {t("call.camera")}
            <select onChange={(e) => void s.devices.switchDevice("videoinput", e.currentTarget.value)}>
              <For each={deviceOptions("videoinput")}>{(d, i) => <option value={d.deviceId}>{d.label || t("call.deviceN", { n: i() + 1 })}</option>}</For>
            </select>
          </label>
        </Show>
        <label>
          {t("call.speaker")}
          <select onChange={(e) => setSinkId(e.currentTarget.value)}>
            <For each={deviceOptions("audiooutput")}>{(d, i) => <option value={d.deviceId}>{d.label || t("call.deviceN", { n: i() + 1 })}</option>}</For>
          </select>
        </label>
        <Show when={supervisor() && tr.mode() !== "participant"}>
          <span class="call-modes" role="group" aria-label={t("call.supervise")}>
            <For each={["monitor", "whisper", "barge"] as const}>
              {(m) => (
                <button type="button" aria-pressed={tr.mode() === m} disabled={busy() || tr.mode() === m} onClick={() => void switchMode(m)} data-testid={`call-mode-${m}`}>
                  {t(modeKey[m] as "call.mode.monitor")}
                </button>
              )}
            </For>
          </span>
        </Show>
        <button type="button" class="secondary" disabled={busy()} onClick={() => void leave(false)} data-testid="call-leave">
          {t("call.leave")}
        </button>
        <Show when={props.canEnd}>
          <button type="button" class="danger" disabled={busy()} onClick={() => void leave(true)} data-testid="call-end">
            {t("call.end")}
          </button>
        </Show>
      </div>
    </section>
  );
}
