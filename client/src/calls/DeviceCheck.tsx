// Before a customer joins: their camera and microphone previewed (with a live level meter), a speaker
// test tone, and the consent line for recording and transcription, which must be accepted to join.
import { createSignal, onCleanup, onMount, Show } from "solid-js";
import { t } from "../i18n/index.ts";
import type { LocalDevices } from "./media.ts";

export function DeviceCheck(props: { devices: LocalDevices; consent: boolean; onConsent(on: boolean): void }) {
  const [level, setLevel] = createSignal(0);
  const [opened, setOpened] = createSignal(false);
  let video: HTMLVideoElement | undefined;
  let context: AudioContext | undefined;
  let raf = 0;

  onMount(async () => {
    await props.devices.open();
    setOpened(true);
    const cam = props.devices.camera();
    if (video && cam) {
      video.srcObject = new MediaStream([cam]);
      void video.play().catch(() => {});
    }
    const mic = props.devices.audio();
    if (mic) {
      context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 512;
      context.createMediaStreamSource(new MediaStream([mic])).connect(analyser);
      const data = new Uint8Array(analyser.fftSize);
      const tick = () => {
        analyser.getByteTimeDomainData(data);
        let peak = 0;
        for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
        setLevel(Math.min(1, peak / 64));
        raf = requestAnimationFrame(tick);
      };
      tick();
    }
  });
  onCleanup(() => {
    cancelAnimationFrame(raf);
    void context?.close().catch(() => {});
  });

  function testSpeaker() {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    gain.gain.value = 0.1;
    osc.frequency.value = 440;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.8);
    osc.onended = () => void ctx.close();
  }

  return (
    <div class="device-check" data-testid="device-check">
      <video ref={(e) => (video = e)} class="call-video device-preview" autoplay playsinline muted aria-label={t("call.check.preview")} />
      <Show when={opened() && !props.devices.camera()}>
        <p class="muted">{t("call.check.noCamera")}</p>
      </Show>
      <Show when={opened() && !props.devices.audio()}>
        <p class="error" role="alert">{t("call.check.noMicrophone")}</p>
      </Show>
      <label class="mic-level">
        {t("call.check.microphone")}
        <meter min={0} max={1} value={level()} data-testid="mic-level" />
      </label>
      <button type="button" class="secondary" onClick={testSpeaker} data-testid="speaker-test">
        {t("call.check.speaker")}
      </button>
      <label class="consent">
        <input type="checkbox" checked={props.consent} onChange={(e) => props.onConsent(e.currentTarget.checked)} data-testid="call-consent" />
        {t("call.check.consent")}
      </label>
    </div>
  );
}
