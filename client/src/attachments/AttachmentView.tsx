// One attachment in a message: an image thumbnail that opens a lightbox, an audio or video player,
// or a file link; voice notes show their transcript or "transcript pending". Every address is a
// short-lived signed link fetched when needed; a player whose link expired gets a fresh one.
import type { AttachmentSummary } from "@caseroom/shared";
import { createResource, createSignal, Match, onCleanup, Show, Switch } from "solid-js";
import { Portal } from "solid-js/web";
import { errorText } from "../components/ErrorMessage.tsx";
import { formatDuration, t } from "../i18n/index.ts";
import { attachmentUrl } from "./api.ts";
import { formatBytes } from "./format.ts";
import "./attachments.css";

/** Props: `attachment`, a summary as messages carry it (`message.attachments[i]`). */
export interface AttachmentViewProps {
  attachment: AttachmentSummary;
}

export function AttachmentView(props: AttachmentViewProps) {
  const a = () => props.attachment;
  return (
    <figure class={`attachment attachment-${a().kind}`} data-testid="attachment" data-kind={a().kind}>
      <Switch>
        <Match when={a().kind === "image"}>
          <ImageAttachment attachment={a()} />
        </Match>
        <Match when={a().kind === "audio" || a().kind === "video"}>
          <MediaPlayer attachment={a()} />
        </Match>
        <Match when={a().kind === "file"}>
          <FileLink attachment={a()} />
        </Match>
      </Switch>
      <Show when={a().kind === "audio"}>
        <Transcript attachment={a()} />
      </Show>
    </figure>
  );
}

function ImageAttachment(props: AttachmentViewProps) {
  const [open, setOpen] = createSignal(false);
  const variant = () => (props.attachment.hasThumbnail ? "thumbnail" : "original");
  const [thumb] = createResource(() => [props.attachment.id, variant()] as const, ([id, v]) => attachmentUrl(id, v));
  return (
    <>
      <button type="button" class="attachment-thumb" onClick={() => setOpen(true)} aria-label={t("attachments.openImage", { name: props.attachment.name })}>
        <Show when={thumb()} fallback={<span class="attachment-placeholder">{thumb.error ? errorText(thumb.error) : t("app.loading")}</span>}>
          {(link) => (
            <img
              src={link().url}
              alt={props.attachment.name}
              width={props.attachment.width && Math.min(240, props.attachment.width)}
              loading="lazy"
              data-testid="attachment-image"
            />
          )}
        </Show>
      </button>
      <Show when={open()}>
        <Lightbox attachment={props.attachment} onClose={() => setOpen(false)} />
      </Show>
    </>
  );
}

function Lightbox(props: AttachmentViewProps & { onClose(): void }) {
  const [full] = createResource(() => props.attachment.id, (id) => attachmentUrl(id, "original"));
  const onKey = (e: KeyboardEvent) => e.key === "Escape" && props.onClose();
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));
  return (
    <Portal>
      <div class="lightbox" role="dialog" aria-modal="true" aria-label={props.attachment.name} onClick={props.onClose} data-testid="lightbox">
        <Show when={full()} fallback={<span class="lightbox-loading">{full.error ? errorText(full.error) : t("app.loading")}</span>}>
          {(link) => <img src={link().url} alt={props.attachment.name} onClick={(e) => e.stopPropagation()} />}
        </Show>
        <button type="button" class="lightbox-close button-secondary" onClick={props.onClose} autofocus>
          {t("attachments.close")}
        </button>
      </div>
    </Portal>
  );
}

function MediaPlayer(props: AttachmentViewProps) {
  const [link, { refetch }] = createResource(() => props.attachment.id, (id) => attachmentUrl(id, "original"));
  let retried = false;
  // A link lives 5 minutes; a player paused longer than that asks for a new one once.
  const onError = () => {
    if (retried) return;
    retried = true;
    void refetch();
  };
  const duration = () => (props.attachment.durationMs !== undefined ? formatDuration(props.attachment.durationMs, "narrow") : "");
  return (
    <Show when={link()} fallback={<span class="attachment-placeholder">{link.error ? errorText(link.error) : t("app.loading")}</span>}>
      {(l) => (
        <Show
          when={props.attachment.kind === "video"}
          fallback={
            <span class="attachment-audio">
              <audio controls preload="metadata" src={l().url} onError={onError} data-testid="attachment-audio" aria-label={t("attachments.voiceNote", { duration: duration() })} />
              <span class="muted">{duration()}</span>
            </span>
          }
        >
          <video controls preload="metadata" src={l().url} onError={onError} playsinline width={Math.min(320, props.attachment.width ?? 320)} data-testid="attachment-video" aria-label={props.attachment.name} />
        </Show>
      )}
    </Show>
  );
}

function FileLink(props: AttachmentViewProps) {
  const [error, setError] = createSignal<unknown>();
  // The link is fetched on click, so it is always fresh; the server sends it as a download.
  const open = async (e: MouseEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const { url } = await attachmentUrl(props.attachment.id, "original");
      window.location.assign(url);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <span class="attachment-file">
      <a href="#" onClick={open} data-testid="attachment-file">
        {props.attachment.name}
      </a>{" "}
      <span class="muted">{formatBytes(props.attachment.size)}</span>
      <Show when={error()}>
        <span class="upload-error" role="alert">
          {errorText(error())}
        </span>
      </Show>
    </span>
  );
}

function Transcript(props: AttachmentViewProps) {
  return (
    <figcaption class="attachment-transcript" data-testid="attachment-transcript">
      <Switch>
        <Match when={props.attachment.transcriptStatus === "done" && props.attachment.transcript}>
          <q>{props.attachment.transcript}</q>
        </Match>
        <Match when={props.attachment.transcriptStatus === "pending"}>
          <span class="muted">{t("attachments.transcriptPending")}</span>
        </Match>
        <Match when={props.attachment.transcriptStatus === "failed"}>
          <span class="muted">{t("attachments.transcriptFailed")}</span>
        </Match>
      </Switch>
    </figcaption>
  );
}
