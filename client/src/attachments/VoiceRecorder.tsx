// Records a voice note in the browser (MediaRecorder, Opus in WebM or Ogg where supported) and hands
// it over as a File. The microphone is released as soon as recording stops.
import { createSignal, onCleanup, Show } from "solid-js";
import { formatDuration, t } from "../i18n/index.ts";

/** The longest voice note we record, well under the audio size limit. */
const MAX_RECORDING_MS = 5 * 60 * 1000;

function recorderType(): string | undefined {
  const candidates = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
  return candidates.find((type) => typeof MediaRecorder !== "undefined" && MediaRecorder.isTypeSupported(type));
}

export function VoiceRecorder(props: { onRecorded(file: File): void; disabled?: boolean }) {
  const [recording, setRecording] = createSignal(false);
  const [elapsedMs, setElapsedMs] = createSignal(0);
  const [failed, setFailed] = createSignal(false);
  let recorder: MediaRecorder | undefined;
  let stream: MediaStream | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const release = () => {
    clearInterval(timer);
    stream?.getTracks().forEach((track) => track.stop());
    stream = undefined;
    setRecording(false);
  };
  onCleanup(() => {
    if (recorder?.state === "recording") recorder.stop();
    release();
  });

  async function start() {
    setFailed(false);
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      setFailed(true);
      return;
    }
    const type = recorderType();
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    recorder.onstop = () => {
      release();
      const mime = recorder?.mimeType || type || "audio/webm";
      const ext = mime.includes("ogg") ? "ogg" : mime.includes("mp4") ? "m4a" : "webm";
      if (chunks.length) props.onRecorded(new File(chunks, `voice-note-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.${ext}`, { type: mime }));
    };
    const started = Date.now();
    recorder.start(1000);
    setRecording(true);
    setElapsedMs(0);
    timer = setInterval(() => {
      setElapsedMs(Date.now() - started);
      if (Date.now() - started >= MAX_RECORDING_MS) stop();
    }, 250);
  }

  function stop() {
    if (recorder?.state === "recording") recorder.stop();
  }

  return (
    <span class="voice-recorder">
      <Show
        when={recording()}
        fallback={
          <button type="button" class="button-secondary button-small" disabled={props.disabled} onClick={start} data-testid="attach-voice">
            {t("attachments.recordVoice")}
          </button>
        }
      >
        <button type="button" class="button-primary button-small voice-recording" onClick={stop} data-testid="attach-voice-stop">
          {t("attachments.stopRecording", { duration: formatDuration(elapsedMs()) })}
        </button>
      </Show>
      <Show when={failed()}>
        <span class="muted" role="alert">
          {t("attachments.microphoneDenied")}
        </span>
      </Show>
    </span>
  );
}
