// The composer's uploads with their progress bars, errors and a remove button each.
import { For, Match, Switch } from "solid-js";
import { errorText } from "../components/ErrorMessage.tsx";
import { formatBytes } from "./format.ts";
import { t } from "../i18n/index.ts";
import type { Uploads } from "./uploads.ts";
import "./attachments.css";

/** Props: `uploads`, the composer's `createUploads(...)`. Renders nothing when empty. */
export function UploadList(props: { uploads: Uploads }) {
  return (
    <ul class="upload-list" aria-live="polite">
      <For each={props.uploads.items()}>
        {(item) => (
          <li class="upload-item" classList={{ failed: item.status === "failed" }} data-testid="upload-item">
            <span class="upload-name">{item.name}</span>
            <span class="muted">{formatBytes(item.size)}</span>
            <Switch>
              <Match when={item.status === "uploading"}>
                <progress max="1" value={item.progress} aria-label={t("attachments.uploading", { name: item.name })} />
              </Match>
              <Match when={item.status === "done"}>
                <span class="upload-done">{t("attachments.uploaded")}</span>
              </Match>
              <Match when={item.status === "failed"}>
                <span class="upload-error" role="alert">
                  {errorText(item.error)}
                </span>
              </Match>
            </Switch>
            <button type="button" class="button-link" onClick={() => props.uploads.remove(item.key)} aria-label={t("attachments.remove", { name: item.name })}>
              ×
            </button>
          </li>
        )}
      </For>
    </ul>
  );
}
