// Buttons to attach: a photo from the camera, images from the gallery, a voice note, a short video
// clip, any file. The picker only picks; the composer passes the files to its uploads.
import { VoiceRecorder } from "./VoiceRecorder.tsx";
import { t } from "../i18n/index.ts";
import "./attachments.css";

/**
 * Props:
 * - `onFiles(files)`: called with the chosen or recorded files (give them to `createUploads().add`).
 * - `disabled?`: greys the buttons out (e.g. while offline).
 */
export interface AttachmentPickerProps {
  onFiles(files: File[]): void;
  disabled?: boolean;
}

export function AttachmentPicker(props: AttachmentPickerProps) {
  const chosen = (e: Event & { currentTarget: HTMLInputElement }) => {
    const files = [...(e.currentTarget.files ?? [])];
    e.currentTarget.value = "";
    if (files.length) props.onFiles(files);
  };
  // Each button is a label around a hidden input, so the browser's own picker (and on phones the
  // camera, through `capture`) opens without script tricks.
  const picker = (label: string, accept: string, testId: string, extra: { capture?: "environment" | "user"; multiple?: boolean } = {}) => (
    <label class="button-secondary button-small attachment-pick" classList={{ disabled: props.disabled }}>
      {label}
      <input type="file" class="sr-only" accept={accept} disabled={props.disabled} onChange={chosen} data-testid={testId} capture={extra.capture} multiple={extra.multiple} />
    </label>
  );
  return (
    <div class="attachment-picker" role="group" aria-label={t("attachments.attach")}>
      {picker(t("attachments.takePhoto"), "image/*", "attach-camera", { capture: "environment" })}
      {picker(t("attachments.choosePhotos"), "image/*", "attach-gallery", { multiple: true })}
      <VoiceRecorder disabled={props.disabled} onRecorded={(file) => props.onFiles([file])} />
      {picker(t("attachments.recordVideo"), "video/*", "attach-video", { capture: "environment" })}
      {picker(t("attachments.chooseFile"), "*/*", "attach-file", { multiple: true })}
    </div>
  );
}
